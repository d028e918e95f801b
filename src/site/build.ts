import { spawn } from 'node:child_process';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** This repository: where astro.config.ts and node_modules are. */
export const SITE_ROOT = path.resolve(import.meta.dirname, '../..');

export class SiteBuildError extends Error {
  override readonly name = 'SiteBuildError';
  readonly log: string;
  constructor(message: string, log: string) {
    super(message);
    this.log = log;
  }
}

export interface SiteBuildOptions {
  archiveDir: string;
  /** Must be inside this repository: the build's prerender chunks import from its node_modules. */
  outDir: string;
  /** Astro's cache (the incremental build's pages); default node_modules/.astro. */
  cacheDir?: string;
  env?: Record<string, string | undefined>;
  /** Receives the build's output as it comes. */
  onOutput?: (chunk: string) => void;
}

/**
 * Builds the site over an archive with `astro build` in a child process, as `npm run build`
 * does: the demo, the benchmarks and the tests all build the way the deploy workflow does.
 * Resolves to the build's log as plain text: Astro colours its output when `CI` is set, and
 * callers read the log (pages reused, stage times) with patterns.
 */
export function buildSite(options: SiteBuildOptions): Promise<string> {
  const outDir = path.resolve(options.outDir);
  if (path.relative(SITE_ROOT, outDir).startsWith('..')) {
    return Promise.reject(new SiteBuildError(`the site must be built inside ${SITE_ROOT} (got ${outDir})`, ''));
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...options.env, ARCHIVE_DIR: path.resolve(options.archiveDir) };
  if (options.cacheDir) env.SITE_CACHE_DIR = path.resolve(options.cacheDir);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(SITE_ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs'), 'build', '--outDir', outDir], { cwd: SITE_ROOT, env });
    let log = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => reject(new SiteBuildError(`could not run astro build: ${error.message}`, log)));
    child.on('close', (code) => {
      const plain = stripVTControlCharacters(log);
      if (code === 0) resolve(plain);
      else reject(new SiteBuildError(`astro build exited with ${code}:\n${plain.slice(-6000)}`, plain));
    });
  });
}
