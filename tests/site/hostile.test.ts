import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { parseFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initArchive } from '../../src/archive/record/index.ts';
import { formatCommitMessage, type ChangeKind } from '../../src/history/commit-format.ts';
import { commitDateEnv, git } from '../../src/history/git.ts';
import { archivePath, formatVersionFile, sha256 } from '../../src/history/version-file.ts';
import { buildSite, builtPages, readBuilt, SITE_TESTS_DIR } from '../support/site.ts';

/**
 * Scraped text is untrusted. This archive's texts, summaries, titles and source URLs carry
 * script tags, event handlers, dangerous link protocols and broken markup; none of it may
 * become active in the built site. It also holds a technical version (folded away, left out
 * of feeds), and is built under a base path, as a GitHub Pages project site is.
 */

const HOSTILE_TEXT = `# Terms <script>alert(1)</script>

Welcome <script>alert("inline")</script> to the service.
<img src=x onerror=alert(1)>
An [innocent link](javascript:alert(1)) and [another](  JaVaScRiPt:alert(2)) and [a third](java&#x09;script:alert(3)).
A [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) and a [vb link](vbscript:msgbox(1)).
![tracking pixel](https://tracker.example/pixel.gif) ![bad image](javascript:alert(4))

<div onclick="alert(5)" style="position:fixed">fake overlay</div>
<iframe src="https://evil.example/"></iframe>
<a href="javascript:alert(6)">raw html link</a>

## Section <b onmouseover=alert(7)>bold</b>

Broken **markup [unclosed](http://x <em>and *more
[ref link][r]

[r]: javascript:alert(8)

| a | <script>alert(9)</script> |
|---|---|
| <svg onload=alert(10)> | ok |
`;

const HOSTILE_TEXT_2 = `${HOSTILE_TEXT.replace('Welcome', 'Hello')}
## Added <img src=y onerror=alert(11)>

New <script>alert(12)</script> clause.
`;

const SUMMARY = 'Reworded: <script>alert(13)</script> & "quotes" <img src=z onerror=alert(14)>';

async function record(dir: string, index: number, body: string, change: ChangeKind, summary: string): Promise<string> {
  const capturedAt = `2026-0${index}-10T09:17:00Z`;
  const file = archivePath('hostile', 'terms-of-service');
  await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
  await writeFile(path.join(dir, file), formatVersionFile({ platform: 'hostile', document: 'terms-of-service', title: 'Terms <b>of</b> Service', sourceUrls: ['https://hostile.example/terms', 'javascript:alert(15)'], capturedAt, body }));
  await git(dir, ['add', file]);
  const message = formatCommitMessage({
    heading: 'Hostile Terms of Service',
    summary,
    platform: 'hostile',
    document: 'terms-of-service',
    sourceUrls: ['https://hostile.example/terms', 'javascript:alert(15)'],
    capturedAt,
    contentSha256: sha256(body),
    captureSha256: [sha256(`capture ${index}`)],
    evidence: `evidence@${'0'.repeat(39)}${index}`,
    change,
    archiver: 'test@0',
  });
  await git(dir, ['commit', '--quiet', '-F', '-'], { input: message, env: commitDateEnv(capturedAt) });
  return `${capturedAt.slice(0, 10)}-${sha256(body).slice(0, 8)}`;
}

describe('a site built over hostile archived content', () => {
  const dir = path.join(SITE_TESTS_DIR, `hostile-${process.pid}-${Date.now()}`);
  const archiveDir = path.join(dir, 'archive');
  const distDir = path.join(dir, 'dist');
  const ids: string[] = [];

  beforeAll(async () => {
    await initArchive(archiveDir);
    await mkdir(path.join(archiveDir, 'content', 'platforms'), { recursive: true });
    await writeFile(
      path.join(archiveDir, 'content', 'platforms', 'hostile.yaml'),
      'name: Hostile <script>alert(16)</script>\nwebsite: https://hostile.example/\nowner: Hostile "Corp" <b>Ltd</b>\njurisdiction: FR\nkind: social\ndocuments:\n  terms-of-service:\n    url: https://hostile.example/terms\n',
    );
    await git(archiveDir, ['add', 'content/platforms']);
    await git(archiveDir, ['commit', '--quiet', '-m', 'Declare a hostile platform'], { env: commitDateEnv('2026-01-01T00:00:00Z') });
    ids.push(await record(archiveDir, 1, HOSTILE_TEXT, 'initial', 'first recorded version'));
    ids.push(await record(archiveDir, 2, HOSTILE_TEXT_2, 'substantive', SUMMARY));
    ids.push(await record(archiveDir, 3, `${HOSTILE_TEXT_2}\n`.replace('Hello', 'Hello,'), 'technical', 're-extracted with a better extractor'));
    await buildSite({ archiveDir, outDir: distDir, cacheDir: path.join(dir, 'astro-cache'), env: { SITE_URL: 'https://example.org/governance' } });
  });
  afterAll(() => (process.env.KEEP_SITE ? undefined : rm(dir, { recursive: true, force: true })));

  it('renders no script, event handler, dangerous URL, frame or remote image from the content', async () => {
    const pages = await builtPages(distDir);
    expect(pages).toContain(`/platforms/hostile/terms-of-service/${ids[1]}/`);
    for (const page of pages) {
      const html = await readBuilt(distDir, page);
      const $ = cheerio.load(html);
      expect($('script').toArray().filter((s) => $(s).attr('src') !== '/governance/search.js'), page).toEqual([]);
      expect($('iframe, object, embed, img, svg, form, base, meta[http-equiv="refresh"]').length, page).toBe(0);
      for (const element of $('*').toArray()) {
        for (const [name, value] of Object.entries((element as { attribs: Record<string, string> }).attribs)) {
          expect(name.startsWith('on'), `${page}: ${name}="${value}"`).toBe(false);
          if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(name)) {
            expect(value.replace(/[\s\u0000-\u001f]/g, '').toLowerCase(), `${page}: ${name}="${value}"`).not.toMatch(/^(javascript|data|vbscript):/);
          }
        }
      }
      // Attribute values may hold "<" (only quotes need escaping there); markup may not.
      expect(html.replace(/="[^"]*"/g, '=""'), page).not.toMatch(/<script>alert|<img[\s>]|<iframe|<svg|<div onclick/);
    }
  });

  it('shows the hostile markup as text, so that a reader sees what the page contained', async () => {
    const $ = cheerio.load(await readBuilt(distDir, '/platforms/hostile/terms-of-service/'));
    const text = $('.document-text').text();
    expect(text).toContain('<script>alert("inline")</script>');
    expect(text).toContain('<img src=x onerror=alert(1)>');
    expect($('.document-text a[href^="https://tracker.example/"]').text()).toBe('[image: tracking pixel]');
    expect($('.document-text .dropped-link').length).toBeGreaterThanOrEqual(5);
    expect($('h1').text()).toContain('Hostile <script>alert(16)</script>');
  });

  it('escapes the hostile lines in both diff layouts', async () => {
    const $ = cheerio.load(await readBuilt(distDir, `/platforms/hostile/terms-of-service/${ids[1]}/`));
    const lineByLine = $('#diff-line-by-line').text();
    expect(lineByLine).toContain('<img src=y onerror=alert(11)>');
    expect(lineByLine).toContain('New <script>alert(12)</script> clause.');
    expect($('#diff-side-by-side').text()).toContain('New <script>alert(12)</script> clause.');
    expect($('.version-summary').text()).toContain(SUMMARY);
  });

  it('folds the technical version in timelines and leaves it out of feeds; escapes feed text', async () => {
    const $ = cheerio.load(await readBuilt(distDir, '/platforms/hostile/'));
    expect($('.timeline details .version-item a').attr('href')).toBe(`/governance/platforms/hostile/terms-of-service/${ids[2]}/`);
    for (const file of ['/feeds/all.rss.xml', '/feeds/hostile.atom.xml', '/feeds/hostile/terms-of-service.rss.xml']) {
      const xml = await readBuilt(distDir, file);
      expect(xml).not.toMatch(/<script|<img/);
      const parsed = parseFeed(xml);
      const titles = parsed.format === 'rss' ? (parsed.feed.items ?? []).map((i) => i.title) : parsed.format === 'atom' ? (parsed.feed.entries ?? []).map((e) => e.title?.value) : [];
      expect(titles).toHaveLength(2);
      expect(titles).toContain(`Hostile <script>alert(16)</script> Terms of Service: ${SUMMARY}`);
      expect(xml).toContain('https://example.org/governance/platforms/hostile/terms-of-service/');
      expect(xml).not.toContain(ids[2]);
    }
  });

  it('links within the base path, and shows only web addresses as source links', async () => {
    const $ = cheerio.load(await readBuilt(distDir, `/platforms/hostile/terms-of-service/${ids[0]}/`));
    for (const element of $('a[href^="/"], link[href^="/"]').toArray()) expect($(element).attr('href')).toMatch(/^\/governance\//);
    expect($('link[rel="canonical"]').attr('href')).toBe(`https://example.org/governance/platforms/hostile/terms-of-service/${ids[0]}/`);
    expect($('.source-url').text()).toContain('javascript:alert(15)');
    expect($('.source-url a').toArray().map((a) => $(a).attr('href'))).toEqual(['https://hostile.example/terms']);
    expect($('a.commit').attr('href')).toBe(`https://forge.example.org/governance/archive/commit/${await git(archiveDir, ['rev-parse', 'HEAD~2']).then((s) => s.trim())}`);
  });
});
