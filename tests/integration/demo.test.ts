import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runDemo, simulatedTime } from '../../src/demo/index.ts';
import { loadFixtureWeb, startFixtureServer, DEFAULT_FIXTURE_WEB } from '../../src/demo/fixture-web.ts';
import { runCapture } from '../../src/archive/capture.ts';
import { readHistory } from '../../src/history/log.ts';
import { git } from '../../src/history/git.ts';
import { parseVersionFile, sha256 } from '../../src/history/version-file.ts';
import { EVIDENCE_BRANCH } from '../../src/archive/record/index.ts';

type Expected = Record<string, Record<string, Array<{ date: string; change: string }>>>;

describe('the demo: the fixture web captured day by day', () => {
  let dir: string;
  let archive: string;
  let expected: Expected;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'demo-test-'));
    archive = path.join(dir, 'archive');
    expected = parseYaml(await readFile(path.join(DEFAULT_FIXTURE_WEB, 'expected.yaml'), 'utf8')) as Expected;
    const result = await runDemo({ archiveDir: archive });
    expect(result.failed).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('records exactly the expected versions, with their change kinds and dates', async () => {
    const want: string[] = [];
    for (const [platform, documents] of Object.entries(expected)) {
      for (const [document, revisions] of Object.entries(documents)) {
        for (const revision of revisions) {
          if (revision.change !== 'none') want.push(`${platform}/${document} ${revision.date} ${revision.change}`);
        }
      }
    }
    const history = await readHistory(archive);
    const got = history
      .filter((c) => c.version)
      .map((c) => `${c.version!.platform}/${c.version!.document} ${c.version!.capturedAt.slice(0, 10)} ${c.version!.change}`);
    expect(got.sort()).toEqual(want.sort());
    expect(want.length).toBeGreaterThanOrEqual(40);
  });

  it('makes every version a commit touching exactly its own file, with hashes that match', async () => {
    const history = (await readHistory(archive)).filter((c) => c.version);
    for (const commit of history) {
      const v = commit.version!;
      const file = `content/archive/${v.platform}/${v.document}.md`;
      expect(commit.files).toEqual([file]);
      const text = await git(archive, ['show', `${commit.commit}:${file}`]);
      const parsed = parseVersionFile(text);
      expect(parsed.contentSha256).toBe(v.contentSha256);
      expect(sha256(parsed.body)).toBe(v.contentSha256);
      expect(commit.date).toBe(v.capturedAt);
      // The evidence commit holds the raw capture whose hash the version names.
      const evidence = /^evidence@([0-9a-f]{40})$/.exec(v.evidence)![1]!;
      const raw = await git(archive, ['show', `${evidence}:1.html`], { binary: true });
      expect(sha256(raw)).toBe(v.captureSha256[0]);
    }
  });

  it('keeps noise out of the recorded text', async () => {
    const files = (await git(archive, ['ls-files', 'content/archive'])).trim().split('\n');
    expect(files.length).toBe(Object.values(expected).reduce((n, docs) => n + Object.keys(docs).length, 0));
    for (const file of files) {
      const text = parseVersionFile(await readFile(path.join(archive, file), 'utf8')).body;
      expect(text).not.toMatch(/utm_|fbclid|gclid|\{\{|session=|<script|Accept all/i);
      expect(text).not.toMatch(/[0-9a-f]{16}/); // rotating request ids
    }
  });

  it('commits nothing and changes no file when run again with nothing changed', async () => {
    const web = await loadFixtureWeb();
    const lastDay = web.dates.at(-1)!;
    const server = await startFixtureServer(web, () => simulatedTime(lastDay));
    const head = await git(archive, ['rev-parse', 'HEAD']);
    const evidence = await git(archive, ['rev-parse', EVIDENCE_BRANCH]);
    try {
      // Twice: once with the validators the demo stored (304s), once without (full bodies).
      for (const forget of [false, true]) {
        if (forget) await rm(path.join(archive, '.git', 'governance-archive'), { recursive: true, force: true });
        const report = await runCapture({
          archiveDir: archive,
          now: () => new Date(simulatedTime(lastDay).getTime() + 86_400_000),
          fetch: { allowLoopback: true, connect: server.connect },
          perHostDelayMs: 0,
        });
        expect(report.results.map((r) => r.outcome.status)).toEqual(report.results.map(() => 'unchanged'));
        expect(report.results.some((r) => r.outcome.status === 'unchanged' && r.outcome.notModified)).toBe(!forget);
      }
    } finally {
      await server.close();
    }
    expect(await git(archive, ['rev-parse', 'HEAD'])).toBe(head);
    expect(await git(archive, ['rev-parse', EVIDENCE_BRANCH])).toBe(evidence);
    expect(await git(archive, ['status', '--porcelain'])).toBe('');
  });
});
