import { benchCapture } from '../src/bench/capture-bench.ts';
import { parseCli } from '../src/cli/args.ts';

const usage = `npm run bench:capture -- [--documents 200] [--concurrency 8]

Captures copies of the fixture web (each platform copy on its own host, served on 127.0.0.1)
into a scratch archive: a first run, then two runs with nothing changed. No politeness delay,
so the numbers measure the pipeline, not the waiting.`;
const { values } = parseCli(usage, { documents: { type: 'string' }, concurrency: { type: 'string' } });
const report = await benchCapture({ documents: Number(values.documents ?? 200), concurrency: Number(values.concurrency ?? 8) });
console.log(`${report.documents} documents on ${report.hosts} hosts, concurrency ${report.concurrency}`);
for (const run of report.runs) {
  const c = run.counts;
  console.log(`  ${run.name.padEnd(42)} ${run.seconds.toFixed(2).padStart(7)} s   captured ${c.captured}, new versions ${c.recorded}, unchanged ${c.unchanged}, failed ${c.failed + c.refused}`);
}
console.log(`peak memory (max RSS): ${report.peakRssMb} MB`);
process.exitCode = report.runs.every((r) => r.counts.failed + r.counts.refused === 0) ? 0 : 1;
