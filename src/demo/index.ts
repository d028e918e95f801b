import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { runCapture, type CaptureReport, type SourceResult } from '../archive/capture.ts';
import { initArchive } from '../archive/record/index.ts';
import { git, commitDateEnv } from '../history/git.ts';
import { loadFixtureWeb, startFixtureServer, DEFAULT_FIXTURE_WEB } from './fixture-web.ts';

export interface DemoOptions {
  archiveDir: string;
  fixtureDir?: string;
  /** Called for each simulated day with its report. */
  onDay?: (date: string, report: CaptureReport) => void;
  onProgress?: (result: SourceResult, done: number, total: number) => void;
}

export interface DemoResult {
  days: number;
  recorded: number;
  failed: number;
}

/** Capture time on a simulated day: mid-morning UTC, like a scheduled run. */
export function simulatedTime(date: string): Date {
  return new Date(`${date}T09:17:00Z`);
}

/**
 * Builds a scratch archive from the fixture web: declares its platforms in a fresh repository,
 * then replays every revision date in order with a simulated clock, one capture run per day.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const web = await loadFixtureWeb(options.fixtureDir ?? DEFAULT_FIXTURE_WEB);
  const archiveDir = path.resolve(options.archiveDir);
  await rm(archiveDir, { recursive: true, force: true });
  await initArchive(archiveDir);
  await mkdir(path.join(archiveDir, 'content'), { recursive: true });
  await cp(web.platformsDir, path.join(archiveDir, 'content', 'platforms'), { recursive: true });
  await git(archiveDir, ['add', 'content/platforms']);
  await git(archiveDir, ['commit', '--quiet', '-m', 'Declare the fixture platforms'], {
    env: commitDateEnv(new Date(Date.parse(simulatedTime(web.dates[0]!).toISOString()) - 86_400_000).toISOString()),
  });

  let today = web.dates[0]!;
  const server = await startFixtureServer(web, () => simulatedTime(today));
  const result: DemoResult = { days: 0, recorded: 0, failed: 0 };
  try {
    for (const date of web.dates) {
      today = date;
      const report = await runCapture({
        archiveDir,
        now: () => simulatedTime(date),
        fetch: { allowLoopback: true, connect: server.connect, timeoutMs: 10_000 },
        perHostDelayMs: 0,
        // A document that a platform has not published yet would only show up as a 404.
        include: (source) => source.urls.every((url) => {
          const parsed = new URL(url);
          return (web.routes.get(parsed.host + parsed.pathname)?.dates[0] ?? '9999') <= date;
        }),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      result.days++;
      result.recorded += report.results.filter((r) => r.outcome.status === 'recorded').length;
      result.failed += report.results.filter((r) => r.outcome.status === 'failed' || r.outcome.status === 'refused').length;
      options.onDay?.(date, report);
    }
  } finally {
    await server.close();
  }
  return result;
}
