import { execFile, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { importHistory } from '../archive/import/index.ts';
import { initArchive } from '../archive/record/index.ts';
import { formatCommitMessage, parseCommitMessage } from '../history/commit-format.ts';
import { CatFile } from '../history/cat-file.ts';
import { commitDateEnv, git } from '../history/git.ts';
import { readHistory } from '../history/log.ts';
import { archivePath, formatVersionFile, parseVersionFile, sha256 } from '../history/version-file.ts';
import { analyzeHistory, classifierOf } from '../site/analysis.ts';
import { readArchive } from '../site/archive.ts';
import { SITE_ROOT } from '../site/build.ts';
import { taxonomyDir } from '../site/provisions.ts';
import { readSettings } from '../site/settings.ts';

/**
 * The site benchmark: imports the real corpus into a scratch archive and builds the whole site
 * (pages, diffs, feeds, share images, search index) cold, warm, and after one new version; then
 * the naive floor (a bare Astro build, one page per text through a glob content collection) and,
 * when Debian's `hugo` is installed, Hugo over the same texts.
 */

const run = promisify(execFile);

/** What a measure is of, for the verdict against the targets. */
export type MeasureKind = 'cold' | 'warm' | 'one-more' | 'cold-without-version-images' | 'bare-cold' | 'bare-warm' | 'hugo';

export interface Measure {
  name: string;
  kind?: MeasureKind;
  seconds: number;
  /** Peak resident memory of the build's process tree, in MB. */
  peakMb: number;
  /** CPU time (user + system) of the build's process tree: steadier than wall time on a busy machine. */
  cpuSeconds?: number;
  pages?: number;
  detail?: string;
}

/** What the shell's `times` prints: its own user and system time, then those of the processes it waited for. */
const TIMES = /\n?\d+m[\d.]+s \d+m[\d.]+s\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/;

/**
 * Runs a command, sampling the resident memory of its whole process tree; a shell runs it and
 * then prints its CPU time (POSIX `times`, children included).
 */
export function measured(name: string, command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<Measure & { log: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('sh', ['-c', '"$0" "$@"; status=$?; times >&2; exit $status', command, ...args], { cwd: options.cwd, env: options.env ?? process.env });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    let peak = 0;
    const sample = async () => {
      const total = await treeRssKb(child.pid!).catch(() => 0);
      peak = Math.max(peak, total);
    };
    const timer = setInterval(() => void sample(), 200);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const times = TIMES.exec(log);
      const cpuSeconds = times ? Number(times[1]) * 60 + Number(times[2]) + Number(times[3]) * 60 + Number(times[4]) : undefined;
      if (times) log = log.slice(0, times.index);
      if (code !== 0) reject(new Error(`${name} exited with ${code}:\n${log.slice(-4000)}`));
      else resolve({ name, seconds, peakMb: Math.round(peak / 1024), cpuSeconds, log: stripVTControlCharacters(log) });
    });
  });
}

async function treeRssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  let children: number[] = [];
  for (const task of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const list = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    children = children.concat(list.split(/\s+/).filter(Boolean).map(Number));
  }
  let total = rss;
  for (const child of children) total += await treeRssKb(child).catch(() => 0);
  return total;
}

async function countFiles(dir: string, suffix: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith(suffix)).length;
}

/** Seconds spent in each stage, read from Astro's log (and this site's search-index line). */
function stages(log: string): string {
  const found: string[] = [];
  const generate = /generating static routes[\s\S]*?✓ Completed in (?:(\d+)m )?([\d.]+)(m?s)/.exec(log);
  if (generate) {
    const seconds = Number(generate[1] ?? 0) * 60 + (generate[3] === 'ms' ? Number(generate[2]) / 1000 : Number(generate[2]));
    found.push(`pages ${seconds.toFixed(1)} s`);
  }
  const analysis = /\[provisions\] (\d+) document\(s\) analysed in ([\d.]+) s \((\d+) from the cache, (\d+) extended/.exec(log);
  if (analysis) found.push(`provisions ${analysis[2]} s (${analysis[3]} of ${analysis[1]} documents cached, ${analysis[4]} extended)`);
  const search = /search index: (\d+) document page\(s\).* in (\d+) ms/.exec(log);
  if (search) found.push(`search index ${(Number(search[2]) / 1000).toFixed(1)} s (${search[1]} documents)`);
  const cached = (log.match(/\((cached|restored)\)/g) ?? []).length;
  if (cached) found.push(`${cached} pages reused`);
  return found.join(', ');
}

export interface SiteBenchOptions {
  corpus: string;
  /** An archive already imported from the corpus: copied instead of importing again (minutes). */
  archive?: string | undefined;
  /** Scratch folder inside the repository (Astro's build chunks import from its node_modules). */
  workDir: string;
  bare?: boolean;
  hugo?: boolean;
  onStep?: (message: string) => void;
}

export interface SiteBenchReport {
  versions: number;
  documents: number;
  importSeconds: number;
  measures: Measure[];
  /** CPU seconds of the provision analysis of every document, alone on one thread (as a cold build does it on its render threads). */
  analysisCpuSeconds?: number;
}

/**
 * The targets, checked against one run's measures: a cold build in at most half the bare
 * Astro build's time and three times Hugo's, with less peak memory than the bare build; a rebuild
 * after one new version in at most 10 % of the cold build. Then the floor of the work the site
 * requires whatever renders its pages (the provision analysis and the version share images, over
 * this machine's cores) against the time the cold targets allow.
 */
export function verdict(report: SiteBenchReport, cores: number): string[] {
  const of = (kind: MeasureKind) => report.measures.filter((m) => m.kind === kind);
  const cold = of('cold')[0];
  if (!cold) return [];
  const lines: string[] = [];
  const check = (what: string, value: string, target: string, met: boolean) => lines.push(`${what.padEnd(48)} ${value.padStart(14)}   target ${target.padEnd(10)} ${met ? 'MET' : 'NOT MET'}`);
  const allowed: number[] = [];
  const bare = of('bare-cold')[0];
  if (bare) {
    check('cold build / bare Astro cold build', (cold.seconds / bare.seconds).toFixed(2), '≤ 0.5', cold.seconds <= bare.seconds / 2);
    check('peak memory, cold build / bare Astro', (cold.peakMb / bare.peakMb).toFixed(2), '< 1', cold.peakMb < bare.peakMb);
    allowed.push(bare.seconds / 2);
  }
  const hugo = of('hugo')[0];
  if (hugo) {
    check('cold build / Hugo', (cold.seconds / hugo.seconds).toFixed(2), '≤ 3', cold.seconds <= hugo.seconds * 3);
    allowed.push(hugo.seconds * 3);
  }
  const more = of('one-more');
  if (more.length) {
    const shares = more.map((m) => (100 * m.seconds) / cold.seconds);
    check('rebuild after one new version / cold build', `${Math.min(...shares).toFixed(1)}–${Math.max(...shares).toFixed(1)} %`, '≤ 10 %', Math.max(...shares) <= 10);
  }
  const plain = of('cold-without-version-images')[0];
  if (allowed.length && plain && cold.cpuSeconds !== undefined && plain.cpuSeconds !== undefined && report.analysisCpuSeconds !== undefined) {
    const images = Math.max(0, cold.cpuSeconds - plain.cpuSeconds);
    const floor = (report.analysisCpuSeconds + images) / cores;
    const target = Math.min(...allowed);
    lines.push(
      `required work alone: analysis ${report.analysisCpuSeconds.toFixed(1)} + version share images ${images.toFixed(1)} CPU s over ${cores} core(s) ≥ ${floor.toFixed(1)} s,`,
      `  against ${target.toFixed(1)} s allowed for the whole cold build: ${floor > target ? 'the cold targets cannot be met with these pages on this machine' : 'room is left for the pages'}`,
    );
  }
  return lines;
}

/** CPU seconds of the provision analysis of every document of an archive, on this thread. */
export async function analysisCpuSeconds(archiveDir: string): Promise<number> {
  const archive = await readArchive(readSettings({ ARCHIVE_DIR: archiveDir }));
  try {
    const classifier = await classifierOf(taxonomyDir());
    let micros = 0;
    for (const document of archive.documents) {
      const texts = await Promise.all(document.versions.map((version) => archive.text(version)));
      const started = process.cpuUsage();
      analyzeHistory(texts, document.versions.map((version) => version.change), classifier);
      const used = process.cpuUsage(started);
      micros += used.user + used.system;
    }
    return micros / 1e6;
  } finally {
    await archive.close();
  }
}

const astroBin = path.join(SITE_ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');

export async function benchSite(options: SiteBenchOptions): Promise<SiteBenchReport> {
  const step = options.onStep ?? (() => {});
  const work = path.resolve(options.workDir);
  await rm(work, { recursive: true, force: true });
  await mkdir(path.join(work, 'corpus'), { recursive: true });
  const archiveDir = path.join(work, 'archive');
  const importStarted = Date.now();
  if (options.archive) {
    step(`copying the archive ${options.archive}`);
    await run('cp', ['-r', path.resolve(options.archive), archiveDir]);
  } else {
    step(`extracting ${options.corpus}`);
    await run('tar', ['-xJf', options.corpus, '-C', path.join(work, 'corpus')]);
    const corpusDir = path.join(work, 'corpus', (await readdir(path.join(work, 'corpus')))[0]!);
    step('importing the corpus into a scratch archive');
    await initArchive(archiveDir);
    await importHistory({ archiveDir, folder: corpusDir });
  }
  const importSeconds = (Date.now() - importStarted) / 1000;
  // Packed, as a clone is (the deploy workflow builds from a checkout): an import leaves tens of
  // thousands of loose objects, which made every build's `git log` pass 10× slower. Then no
  // background repacking after the benchmark's own commits: it would run beside the builds timed.
  step('packing the archive, as a clone would have it');
  await git(archiveDir, ['gc', '--quiet']);
  await git(archiveDir, ['config', 'gc.auto', '0']);
  await git(archiveDir, ['config', 'maintenance.auto', 'false']);
  const history = (await readHistory(archiveDir)).filter((entry) => entry.version);
  const documents = new Set(history.map((entry) => `${entry.version!.platform}/${entry.version!.document}`)).size;

  const measures: Measure[] = [];
  const siteEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ARCHIVE_DIR: archiveDir, SITE_URL: 'https://archive.example.org', SITE_CACHE_DIR: path.join(work, 'site-cache') };
  const siteDist = path.join(work, 'site-dist');
  const buildSite = async (name: string, kind: MeasureKind) => {
    step(`site: ${name}`);
    const result = await measured(name, process.execPath, [astroBin, 'build', '--outDir', siteDist], { cwd: SITE_ROOT, env: siteEnv });
    const measure: Measure = { name, kind, seconds: result.seconds, peakMb: result.peakMb, cpuSeconds: result.cpuSeconds, pages: await countFiles(siteDist, '.html'), detail: stages(result.log) };
    measures.push(measure);
    return measure;
  };
  await buildSite('site, cold (whole site, empty caches)', 'cold');
  await buildSite('site, warm (nothing changed)', 'warm');
  // A rebuild after one new version, three times (a new version each time): its cost is small
  // enough for this machine's noise to show, so the spread is reported.
  for (let run = 1; run <= 3; run++) {
    await addOneVersion(archiveDir);
    await buildSite(`site, after one new version (${run} of 3)`, 'one-more');
  }
  step('site: cold, version pages sharing their document’s image');
  const plain = await measured('site, cold, without version share images', process.execPath, [astroBin, 'build', '--outDir', path.join(work, 'site-dist-plain')], {
    cwd: SITE_ROOT,
    env: { ...siteEnv, SITE_CACHE_DIR: path.join(work, 'site-cache-plain'), SITE_VERSION_IMAGES: '0' },
  });
  measures.push({ name: plain.name, kind: 'cold-without-version-images', seconds: plain.seconds, peakMb: plain.peakMb, cpuSeconds: plain.cpuSeconds, pages: await countFiles(path.join(work, 'site-dist-plain'), '.html'), detail: stages(plain.log) });

  step('the provision analysis alone, on one thread');
  const analysisCpu = await analysisCpuSeconds(archiveDir);

  if (options.bare !== false) {
    const bareDir = path.join(work, 'bare');
    await writeBareProject(bareDir, archiveDir);
    const bareBuild = async (name: string, kind: MeasureKind) => {
      step(`bare Astro: ${name}`);
      const result = await measured(name, process.execPath, [astroBin, 'build'], { cwd: bareDir, env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
      measures.push({ name, kind, seconds: result.seconds, peakMb: result.peakMb, cpuSeconds: result.cpuSeconds, pages: await countFiles(path.join(bareDir, 'dist'), '.html') });
    };
    await bareBuild('bare Astro, cold (glob collection, a page per text)', 'bare-cold');
    await bareBuild('bare Astro, warm', 'bare-warm');
  }

  if (options.hugo !== false) {
    const hugo = await run('hugo', ['version']).then(() => true, () => false);
    if (hugo) {
      const hugoDir = path.join(work, 'hugo');
      await writeHugoProject(hugoDir, path.join(work, 'bare', 'content'));
      step('Hugo');
      const result = await measured('Hugo (same texts, a page per text)', 'hugo', ['--quiet', '--destination', 'public'], { cwd: hugoDir });
      measures.push({ name: result.name, kind: 'hugo', seconds: result.seconds, peakMb: result.peakMb, cpuSeconds: result.cpuSeconds, pages: await countFiles(path.join(hugoDir, 'public'), '.html') });
    } else {
      step('Hugo is not installed (apt-get install hugo): skipped');
    }
  }
  return { versions: history.length, documents, importSeconds, measures, analysisCpuSeconds: analysisCpu };
}

/** Records one more version of the archive's most recently changed document, as a capture would. */
export async function addOneVersion(archiveDir: string): Promise<void> {
  const message = await git(archiveDir, ['log', '-1', '--format=%B', '--', 'content/archive']);
  const last = parseCommitMessage(message)!;
  const file = archivePath(last.platform, last.document);
  const current = parseVersionFile(await readFile(path.join(archiveDir, file), 'utf8'));
  const body = `${current.body.trimEnd()}\n\nThis sentence was added by the site benchmark.\n`;
  const capturedAt = new Date(Date.parse(last.capturedAt) + 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await writeFile(path.join(archiveDir, file), formatVersionFile({ ...current, capturedAt, body }));
  await git(archiveDir, ['add', file]);
  await git(archiveDir, ['commit', '--quiet', '-F', '-'], {
    input: formatCommitMessage({ ...last, summary: 'Added: a benchmark sentence. (+1 −0 lines)', capturedAt, contentSha256: sha256(body), captureSha256: [sha256(body)], change: 'substantive' }),
    env: commitDateEnv(capturedAt),
  });
}

/** Every version's text as its own Markdown file: what the bare Astro and Hugo builds render. */
async function writeTexts(contentDir: string, archiveDir: string): Promise<void> {
  const cat = new CatFile(archiveDir);
  try {
    for (const entry of await readHistory(archiveDir)) {
      const version = entry.version;
      if (!version) continue;
      const text = await cat.text(`${entry.commit}:${archivePath(version.platform, version.document)}`);
      if (text === undefined) continue;
      const { body, title } = parseVersionFile(text);
      const target = path.join(contentDir, version.platform, version.document, `${version.capturedAt.slice(0, 10)}-${version.contentSha256.slice(0, 8)}.md`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, `---\ntitle: ${JSON.stringify(title)}\n---\n\n${body}`);
    }
  } finally {
    await cat.close();
  }
}

async function writeBareProject(dir: string, archiveDir: string): Promise<void> {
  await mkdir(path.join(dir, 'src', 'pages'), { recursive: true });
  await writeTexts(path.join(dir, 'content'), archiveDir);
  await writeFile(path.join(dir, 'package.json'), '{ "name": "bare-astro-bench", "private": true, "type": "module" }\n');
  await writeFile(path.join(dir, 'astro.config.mjs'), "import { defineConfig } from 'astro/config';\nexport default defineConfig({ output: 'static' });\n");
  await writeFile(
    path.join(dir, 'src', 'content.config.ts'),
    "import { defineCollection } from 'astro:content';\nimport { glob } from 'astro/loaders';\nexport const collections = { texts: defineCollection({ loader: glob({ pattern: '**/*.md', base: './content' }) }) };\n",
  );
  await writeFile(
    path.join(dir, 'src', 'pages', '[...id].astro'),
    "---\nimport { getCollection, render } from 'astro:content';\nexport async function getStaticPaths() {\n  return (await getCollection('texts')).map((entry) => ({ params: { id: entry.id }, props: { entry } }));\n}\nconst { Content } = await render(Astro.props.entry);\n---\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{Astro.props.entry.data.title}</title></head><body><main><Content /></main></body></html>\n",
  );
}

async function writeHugoProject(dir: string, contentDir: string): Promise<void> {
  await mkdir(path.join(dir, 'layouts', '_default'), { recursive: true });
  await run('cp', ['-r', contentDir, path.join(dir, 'content')]);
  await writeFile(path.join(dir, 'hugo.toml'), "baseURL = 'https://example.org/'\ndisableKinds = ['taxonomy', 'term', 'RSS', 'sitemap']\n");
  await writeFile(path.join(dir, 'layouts', '_default', 'single.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n');
  await writeFile(path.join(dir, 'layouts', '_default', 'list.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body></body></html>\n');
}
