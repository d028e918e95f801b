import { chromium } from 'playwright-core';
import { serveStatic } from './src/site/static-server.ts';
const server = await serveStatic('dist');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
const errors: string[] = [];
page.on('console', (m) => errors.push(`${m.type()}: ${m.text()}`));
for (const p of process.argv.slice(2)) {
  await page.goto(server.url + p);
  console.log('=====', p); console.log((await page.innerText('body')).slice(0, Number(process.env.N ?? 3000)));
}
console.log(errors.join('\n'));
await browser.close(); await server.close();
