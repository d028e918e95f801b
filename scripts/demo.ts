import path from 'node:path';
import { runDemo } from '../src/demo/index.ts';
import { progressLine } from '../src/archive/report.ts';
import { parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';
import { buildSite } from '../src/site/build.ts';
import { serveStatic } from '../src/site/static-server.ts';

const usage = `npm run demo [-- --archive <dir>] [--quiet] [--no-serve]

Serves the fixture web (fictional platforms) on 127.0.0.1 and captures it day by day with a
simulated clock into a scratch archive repository (default: .demo/archive). The scratch archive
is recreated on every run; this repository's content/ is never touched. Then builds the site
over it into .demo/site and serves it on 127.0.0.1 until Ctrl-C; with --no-serve (or when CI
is set) it builds and exits.`;

const { values } = parseCli(usage, { archive: { type: 'string' }, quiet: { type: 'boolean' }, 'no-serve': { type: 'boolean' } });
const archiveDir = path.resolve(values.archive ?? path.join(REPOSITORY_ROOT, '.demo', 'archive'));
const started = Date.now();
console.log(`Capturing the fixture web into ${archiveDir}`);
const result = await runDemo({
  archiveDir,
  onDay: (date, report) => {
    const recorded = report.results.filter((r) => r.outcome.status === 'recorded');
    console.log(`${date}: ${recorded.length} new version(s) of ${report.results.length} documents`);
    if (!values.quiet) for (const r of recorded) if (r.outcome.status === 'recorded') console.log(`  ${r.source.platform}/${r.source.document} (${r.outcome.change}): ${r.outcome.summary}`);
  },
  ...(values.quiet ? {} : { onProgress: (r, done, total) => r.outcome.status === 'failed' && console.log(`  ${progressLine(r, done, total)}`) }),
});
console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.days} simulated days, ${result.recorded} versions recorded, ${result.failed} failures.`);
console.log(`Archive: ${archiveDir}\n  history:  git -C ${archiveDir} log --stat\n  evidence: git -C ${archiveDir} log evidence`);
process.exitCode = result.failed > 0 ? 1 : 0;

// The site, built over the scratch archive (and served at the address it is built for).
const siteDir = path.join(REPOSITORY_ROOT, '.demo', 'site');
const serve = !values['no-serve'] && !process.env.CI;
const server = serve ? await serveStatic(siteDir, { port: 4321 }).catch(() => serveStatic(siteDir)) : undefined;
const building = Date.now();
console.log(`\nBuilding the site into ${siteDir}`);
await buildSite({
  archiveDir,
  outDir: siteDir,
  cacheDir: path.join(REPOSITORY_ROOT, '.demo', 'astro-cache'),
  env: server ? { SITE_URL: server.url } : {},
  ...(values.quiet ? {} : { onOutput: (chunk) => chunk.split('\n').filter((line) => /\[(build|governance-archive|archive)|error|warn/i.test(line)).forEach((line) => console.log(`  ${line.trim()}`)) }),
}).catch(async (error: Error) => {
  await server?.close();
  console.error(error.message);
  process.exit(1);
});
console.log(`Site built in ${((Date.now() - building) / 1000).toFixed(1)} s: ${siteDir}`);
if (server) {
  console.log(`\nServing the site at ${server.url}/  (Ctrl-C to stop)`);
  process.once('SIGINT', () => void server.close().then(() => process.exit(process.exitCode ?? 0)));
}
