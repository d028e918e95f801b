import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { pagefindIndex, SearchIndexError } from '../../src/site/integrations/pagefind.ts';
import { SITE_TESTS_DIR } from '../support/site.ts';

const page = (body: string) => `<!doctype html><html lang="en"><head><title>t</title></head><body><main>${body}</main></body></html>`;

async function runHook(dir: string): Promise<string[]> {
  const messages: string[] = [];
  const logger = { info: (m: string) => messages.push(m), warn: (m: string) => messages.push(`warn: ${m}`) };
  const hook = pagefindIndex().hooks['astro:build:done'] as unknown as (options: { dir: URL; logger: typeof logger }) => Promise<void>;
  await hook({ dir: pathToFileURL(`${dir}/`), logger });
  return messages;
}

describe('the search index step of the build', () => {
  const dir = path.join(SITE_TESTS_DIR, `search-${process.pid}-${Date.now()}`);
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function site(documents: Record<string, string>): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'index.html'), page('<h1>Home</h1><p>Not to be indexed.</p>'));
    for (const [where, body] of Object.entries(documents)) {
      await mkdir(path.join(dir, 'platforms', where), { recursive: true });
      await writeFile(path.join(dir, 'platforms', where, 'index.html'), page(body));
    }
  }

  it('indexes exactly the document pages, with their filters', async () => {
    await site({
      'a/privacy-policy': '<article data-pagefind-body><h1>A Privacy Policy</h1><dd data-pagefind-filter="platform">A</dd><p>We sell nothing.</p></article>',
      'b/terms-of-service': '<article data-pagefind-body><h1>B Terms</h1><dd data-pagefind-filter="platform">B</dd><p>Arbitration applies.</p></article>',
    });
    const messages = await runHook(dir);
    const entry = JSON.parse(await readFile(path.join(dir, 'pagefind', 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    expect(Object.values(entry.languages).map((l) => l.page_count)).toEqual([2]);
    expect(messages.join('\n')).toMatch(/search index: 2 document page/);
  });

  it('fails the build when a document page is missing from the index', async () => {
    await site({
      'a/privacy-policy': '<article data-pagefind-body><h1>A</h1><p>Indexed.</p></article>',
      'b/terms-of-service': '<article><h1>B</h1><p>Lost its data-pagefind-body.</p></article>',
    });
    await expect(runHook(dir)).rejects.toThrow(SearchIndexError);
    await expect(runHook(dir)).rejects.toThrow(/indexed 1 page\(s\) but the site has 2 document page\(s\)/);
  });
});
