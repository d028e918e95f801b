import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCapture, type CaptureReport } from '../archive/capture.ts';
import { initArchive } from '../archive/record/index.ts';
import { countOutcomes } from '../archive/report.ts';
import { loadFixtureWeb, startFixtureServer } from '../demo/fixture-web.ts';

export interface CaptureBenchRun {
  name: string;
  seconds: number;
  counts: ReturnType<typeof countOutcomes>;
}

export interface CaptureBenchReport {
  documents: number;
  hosts: number;
  concurrency: number;
  runs: CaptureBenchRun[];
  peakRssMb: number;
}

/**
 * Declares `copies` copies of every fixture platform (each on a host of its own, `-<n>` added
 * to the slug and host) until at least `documents` documents exist, then captures them from the
 * fixture web on loopback: a first run, a no-change run with conditional requests, and a
 * no-change run that downloads and extracts everything again.
 */
export async function benchCapture({ documents = 200, concurrency = 8, keep = false } = {}): Promise<CaptureBenchReport> {
  const web = await loadFixtureWeb();
  const work = await mkdtemp(path.join(os.tmpdir(), 'bench-capture-'));
  const archiveDir = path.join(work, 'archive');
  await initArchive(archiveDir);
  const sourcesDir = path.join(archiveDir, 'content', 'platforms');
  await mkdir(sourcesDir, { recursive: true });
  const templates = await Promise.all(
    (await readdir(web.platformsDir)).filter((f) => f.endsWith('.yaml')).sort().map(async (f) => ({ slug: f.replace('.yaml', ''), text: await readFile(path.join(web.platformsDir, f), 'utf8') })),
  );
  const perCopy = web.routes.size - [...web.routes.values()].filter((r) => r.folder.includes('--')).length;
  const copies = Math.ceil(documents / perCopy);
  let declared = 0;
  for (let copy = 1; copy <= copies; copy++) {
    for (const { slug, text } of templates) {
      // Every host of the platform gets the suffix: `www.lumen-ai.example` → `www.lumen-ai-3.example`.
      const renamed = text.replace(/(https?:\/\/[a-z0-9.-]*?)([a-z0-9-]+)\.example/g, (_, prefix: string, name: string) => `${prefix}${name}-${copy}.example`);
      await writeFile(path.join(sourcesDir, `${slug}-${copy}.yaml`), renamed);
      declared += (renamed.match(/^  [a-z-]+:\s*$/gm) ?? []).length;
    }
  }
  const today = web.dates.at(-1)!;
  const server = await startFixtureServer(web, () => new Date(`${today}T12:00:00Z`), (host) => host.replace(/-\d+\.example$/, '.example'));
  const runs: CaptureBenchRun[] = [];
  const run = async (name: string) => {
    const started = performance.now();
    const report: CaptureReport = await runCapture({ archiveDir, fetch: { allowLoopback: true, connect: server.connect }, perHostDelayMs: 0, concurrency });
    runs.push({ name, seconds: (performance.now() - started) / 1000, counts: countOutcomes(report) });
  };
  try {
    await run('first run');
    await run('no change (conditional requests)');
    await rm(path.join(archiveDir, '.git', 'governance-archive'), { recursive: true, force: true });
    await run('no change (full download and extraction)');
  } finally {
    await server.close();
    if (!keep) await rm(work, { recursive: true, force: true });
  }
  return {
    documents: declared,
    hosts: new Set([...web.routes.keys()].map((k) => k.split('/')[0])).size * copies,
    concurrency,
    runs,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}
