import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runDemo } from '../../src/demo/index.ts';
import { buildSite as buildArchiveSite } from '../../src/site/build.ts';
import { REPO_ROOT } from './archive.ts';
import { createHostileArchive } from './hostile-archive.ts';
import { unpackOtaCorpus } from './corpus.ts';
import { importHistory } from '../../src/archive/import/index.ts';
import { initArchive } from '../../src/archive/record/index.ts';

/**
 * Builds the site the way `npm run build` does (a child `astro build`), once per test run:
 * the demo archive and its site are kept under node_modules/.cache, keyed by a hash of
 * everything they are made from, so that the site test files (in separate workers) share one
 * build, and a re-run with unchanged sources reuses it. The build output must live inside
 * the repository: Astro's prerender chunks import packages from the nearest node_modules.
 */

export const SITE_TESTS_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'governance-archive', 'site-tests');
export const TEST_SITE_URL = 'https://archive.example.org';
export const TEST_REPOSITORY_URL = 'https://forge.example.org/governance/archive';
export const HOSTILE_SITE_URL = 'https://example.org/governance';
/** A test file's setup may wait for another worker's demo capture and build: allow for a slow machine. */
export const SITE_BUILD_TIMEOUT = 10 * 60_000;

export interface BuiltSite {
  archiveDir: string;
  distDir: string;
  siteUrl: string;
  log: string;
}

/** Builds an archive's site into `outDir` with the test settings (a site URL, a forge). */
export function buildSite(options: { archiveDir: string; outDir: string; cacheDir: string; env?: Record<string, string> }): Promise<string> {
  return buildArchiveSite({
    archiveDir: options.archiveDir,
    outDir: options.outDir,
    cacheDir: options.cacheDir,
    env: {
      SITE_URL: TEST_SITE_URL,
      ARCHIVE_REPOSITORY_URL: TEST_REPOSITORY_URL,
      GITHUB_SERVER_URL: undefined,
      GITHUB_REPOSITORY: undefined,
      ARCHIVE_CHECKED_AT: undefined,
      NODE_OPTIONS: undefined,
      ...options.env,
    },
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** A hash of what the test sites are made of: the code, the fixtures, the lockfile, the config. */
async function sourceKey(): Promise<string> {
  const hash = createHash('sha256');
  const roots = ['src', 'public', 'content/taxonomy', 'tests/fixtures/web', 'tests/support/hostile-archive.ts', 'astro.config.ts', 'package-lock.json'].map((p) => path.join(REPO_ROOT, p));
  const files: string[] = [];
  for (const root of roots) {
    const info = await stat(root).catch(() => undefined);
    if (info?.isFile()) files.push(root);
    else if (info?.isDirectory()) files.push(...(await filesUnder(root)));
  }
  for (const file of files.sort()) {
    hash.update(path.relative(REPO_ROOT, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `make` in `dir` once across processes: the first caller takes a lock (an atomic mkdir)
 * and builds; the others wait for the `complete` marker. A lock left by a killed run expires.
 */
async function once(dir: string, make: () => Promise<string>): Promise<string> {
  const marker = path.join(dir, 'complete');
  const lock = path.join(dir, 'lock');
  for (;;) {
    const done = await readFile(marker, 'utf8').catch(() => undefined);
    if (done !== undefined) return done;
    await mkdir(dir, { recursive: true });
    const locked = await mkdir(lock).then(() => true, () => false);
    if (locked) {
      try {
        const log = await make();
        await writeFile(marker, log);
        return log;
      } finally {
        await rm(lock, { recursive: true, force: true });
      }
    }
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > 10 * 60_000) await rm(lock, { recursive: true, force: true });
    await sleep(500);
  }
}

/**
 * Builds made from older sources are of no further use, once no test run can be reading them
 * (another run, started before a source changed, may still be).
 */
async function removeStale(prefix: string, key: string): Promise<void> {
  for (const entry of await readdir(SITE_TESTS_DIR).catch(() => [])) {
    if (!entry.startsWith(prefix) || entry === `${prefix}${key}`) continue;
    const age = await stat(path.join(SITE_TESTS_DIR, entry)).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > 60 * 60_000) await rm(path.join(SITE_TESTS_DIR, entry), { recursive: true, force: true });
  }
}

/**
 * An archive made by `make` in `<SITE_TESTS_DIR>/<name>-<sources key>/archive` and its site,
 * built once per test run (and reused while the sources stay the same).
 */
async function testSite(name: string, make: (archiveDir: string) => Promise<void>, env: Record<string, string> = {}): Promise<BuiltSite> {
  const key = await sourceKey();
  const dir = path.join(SITE_TESTS_DIR, `${name}-${key}`);
  await removeStale(`${name}-`, key);
  const archiveDir = path.join(dir, 'archive');
  const distDir = path.join(dir, 'dist');
  const log = await once(dir, async () => {
    await rm(archiveDir, { recursive: true, force: true });
    await make(archiveDir);
    return buildSite({ archiveDir, outDir: distDir, cacheDir: path.join(dir, 'astro-cache'), env });
  });
  return { archiveDir, distDir, siteUrl: env.SITE_URL ?? TEST_SITE_URL, log };
}

let demo: Promise<BuiltSite> | undefined;

/** The demo archive (the fixture web captured day by day) and its built site. */
export function demoSite(): Promise<BuiltSite> {
  demo ??= testSite('demo', async (archiveDir) => {
    const result = await runDemo({ archiveDir });
    if (result.failed > 0) throw new Error(`the demo failed to capture ${result.failed} document(s)`);
  });
  return demo;
}

let hostile: Promise<BuiltSite & { ids: string[] }> | undefined;

/** The hostile archive (tests/support/hostile-archive.ts), built under the base path /governance. */
export function hostileSite(): Promise<BuiltSite & { ids: string[] }> {
  hostile ??= (async () => {
    const site = await testSite('hostile', async (archiveDir) => {
      const ids = await createHostileArchive(archiveDir);
      await writeFile(path.join(archiveDir, '..', 'ids.json'), JSON.stringify(ids));
    }, { SITE_URL: HOSTILE_SITE_URL });
    const ids = JSON.parse(await readFile(path.join(site.archiveDir, '..', 'ids.json'), 'utf8')) as string[];
    return { ...site, ids };
  })();
  return hostile;
}

/**
 * Platforms of the real corpus whose pages once broke the site's checks: a linked image (a link
 * inside a link), headings that skip levels, tables without a header row, in-page links to the
 * source page's own anchors, telephone numbers, lines of spaces (147 versions in all).
 */
export const CORPUS_SITE_PLATFORMS = ['deepseek', 'google-generative-ai-services', 'google-play', 'midjourney', 'stability-ai'];

let corpus: Promise<BuiltSite> | undefined;

/** Those platforms' histories imported from ../shared/corpus/ota.tar.xz, and their built site. */
export function corpusSite(): Promise<BuiltSite> {
  corpus ??= testSite('corpus', async (archiveDir) => {
    await initArchive(archiveDir);
    await importHistory({ archiveDir, folder: await unpackOtaCorpus(), platforms: CORPUS_SITE_PLATFORMS });
  });
  return corpus;
}

/** A built file's text, by its site path (`/platforms/` → `platforms/index.html`). */
export async function readBuilt(distDir: string, sitePath: string): Promise<string> {
  const relative = sitePath.endsWith('/') ? `${sitePath}index.html` : sitePath;
  return readFile(path.join(distDir, relative), 'utf8');
}

export async function builtExists(distDir: string, sitePath: string): Promise<boolean> {
  const relative = sitePath.endsWith('/') ? `${sitePath}index.html` : sitePath;
  return stat(path.join(distDir, relative)).then((s) => s.isFile(), () => false);
}

/** Every HTML file of a build, as site paths. */
export async function builtPages(distDir: string): Promise<string[]> {
  return (await filesUnder(distDir))
    .filter((file) => file.endsWith('.html') && !file.includes(`${path.sep}pagefind${path.sep}`))
    .map((file) => `/${path.relative(distDir, file).split(path.sep).join('/')}`.replace(/index\.html$/, ''))
    .sort();
}
