import { chromium } from 'playwright-core';
import { serveStatic } from './src/site/static-server.ts';
const server = await serveStatic('dist');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
const page = await browser.newPage({ viewport: { width: Number(process.env.W ?? 1280), height: 900 } });
const errors: string[] = [];
page.on('console', (m) => errors.push(`${m.type()}: ${m.text()}`));
page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
for (const [i, p] of process.argv.slice(2).entries()) {
  await page.goto(server.url + p);
  await page.waitForTimeout(Number(process.env.WAIT ?? 100));
  await page.screenshot({ path: `/tmp/shot-${i}.png`, fullPage: process.env.FULL === '1' });
}
console.log(errors.join('\n'));
await browser.close(); await server.close();
