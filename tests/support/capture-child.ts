// A capture run in a child process, for tests that kill it: the fixture web's server runs in the
// parent, which passes its port; every .example host is sent there.
import { runCapture } from '../../src/archive/capture.ts';

const [archiveDir, port, day] = process.argv.slice(2) as [string, string, string];
await runCapture({
  archiveDir,
  now: () => new Date(`${day}T09:17:00Z`),
  fetch: { allowLoopback: true, connect: (url) => (url.hostname.endsWith('.example') ? { host: '127.0.0.1', port: Number(port) } : undefined) },
  perHostDelayMs: 0,
  concurrency: 2,
  onProgress: (result) => process.stdout.write(`${result.source.platform}/${result.source.document} ${result.outcome.status}\n`),
});
