import { spawn } from 'node:child_process';
import { cp, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFixtureWeb, startFixtureServer, type FixtureServer, type FixtureWeb } from '../../src/demo/fixture-web.ts';
import { runCapture } from '../../src/archive/capture.ts';
import { verifyArchive } from '../../src/history/verify.ts';
import { readHistory } from '../../src/history/log.ts';
import { git } from '../../src/history/git.ts';
import { REPO_ROOT, temporaryArchive } from '../support/archive.ts';

const node = process.execPath;
const child = path.join(REPO_ROOT, 'tests', 'support', 'capture-child.ts');

describe('a run killed with SIGKILL', () => {
  let web: FixtureWeb;
  let server: FixtureServer;
  let day: string;
  beforeAll(async () => {
    web = await loadFixtureWeb();
    day = web.dates.at(-1)!;
    server = await startFixtureServer(web, () => new Date(`${day}T12:00:00Z`));
  });
  afterAll(() => server.close());

  it('leaves the archive consistent at any moment, and the next run completes', async () => {
    // Kill points spread over the run: before, during and after recording.
    // Startup takes most of a second; recording happens in the few hundred ms after it.
    for (const delay of [300, 800, 900, 1000, 1100, 1200, 1500]) {
      const archive = await temporaryArchive('kill-');
      try {
        await mkdir(path.join(archive.dir, 'content'), { recursive: true });
        await cp(web.platformsDir, path.join(archive.dir, 'content', 'platforms'), { recursive: true });
        const run = spawn(node, [child, archive.dir, String(server.port), day], { stdio: ['ignore', 'pipe', 'pipe'] });
        run.stdout.resume();
        run.stderr.resume();
        // 'exit', not 'close': git processes of the killed run may still hold its pipes for a moment.
        // Listened to before the kill: a late kill point may find the run already finished.
        const exited = new Promise((resolve) => run.once('exit', resolve));
        await sleep(delay);
        run.kill('SIGKILL');
        await exited;
        // Whatever was published is complete: objects, refs, evidence.
        await git(archive.dir, ['fsck', '--strict', '--no-dangling', '--connectivity-only']);
        expect((await verifyArchive(archive.dir)).problems, `killed after ${delay} ms`).toEqual([]);
        const before = (await readHistory(archive.dir)).filter((c) => c.version).length;
        // The next run takes over the stale lock, repairs the working tree and finishes the job.
        const report = await runCapture({ archiveDir: archive.dir, now: () => new Date(`${day}T10:00:00Z`), fetch: { allowLoopback: true, connect: server.connect }, perHostDelayMs: 0 });
        expect(report.results.every((r) => r.outcome.status === 'recorded' || r.outcome.status === 'unchanged')).toBe(true);
        const versions = (await readHistory(archive.dir)).filter((c) => c.version);
        expect(new Set(versions.map((c) => c.version!.document + c.version!.platform)).size).toBe(versions.length);
        expect(versions.length).toBe(report.results.length);
        expect(before).toBeLessThanOrEqual(versions.length);
        expect(await git(archive.dir, ['status', '--porcelain', '--', 'content/archive'])).toBe('');
        expect((await verifyArchive(archive.dir)).problems).toEqual([]);
      } finally {
        await archive.cleanup();
      }
    }
  }, 120_000);
});
