import path from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { documentTypeName, loadSources, parsePlatformSource, SourcesError } from '../../src/archive/sources/index.ts';
import { REPO_ROOT } from '../support/archive.ts';
import { DEFAULT_FIXTURE_WEB } from '../../src/demo/fixture-web.ts';

const valid = `name: Lumen AI
website: https://www.lumen-ai.example/
owner: Lumen Labs, Inc.
jurisdiction: US-CA
kind: ai
documents:
  privacy-policy:
    url: https://www.lumen-ai.example/legal/privacy
    remove: [.last-updated, { startBefore: '#a', endAfter: '#b' }]
`;

describe('source declarations', () => {
  it('parses a declaration and fills defaults', () => {
    const platform = parsePlatformSource('lumen-ai.yaml', valid);
    expect(platform.language).toBe('en');
    expect(platform.documents['privacy-policy']).toMatchObject({ url: ['https://www.lumen-ai.example/legal/privacy'], filters: [], browser: false });
  });

  it.each([
    ['documents:\n  privacy-policy:\n    url: ftp://x.example/', 'documents.privacy-policy.url: must be an absolute http(s) URL'],
    ['documents:\n  privacy-policy:\n    url: https://a.example/\n    filters: [run-my-code]', 'documents.privacy-policy.filters.0'],
    ['documents:\n  secret-plans:\n    url: https://a.example/', 'documents: Unrecognized key: "secret-plans" (document types are: privacy-policy,'],
    ['documents:\n  privacy-policy:\n    url: https://a.example/\n    selct: main', 'selct'],
    ['documents:\n  privacy-policy:\n    url: https://a.example/\n    remove: [{ startBefore: "#a" }]', 'exactly one of endBefore / endAfter'],
    ['documents: {}', 'declare at least one document'],
  ])('names the file and field for %j', (documents, message) => {
    const text = valid.replace(/documents:[\s\S]*$/, documents);
    const error = (() => {
      try {
        parsePlatformSource('content/platforms/lumen-ai.yaml', text);
      } catch (e) {
        return e as SourcesError;
      }
      throw new Error('expected an error');
    })();
    expect(error).toBeInstanceOf(SourcesError);
    expect(error.message).toContain('content/platforms/lumen-ai.yaml');
    expect(error.message).toContain(message);
  });

  it('rejects bad YAML, bad file names and bad metadata', () => {
    expect(() => parsePlatformSource('x.yaml', 'name: [unclosed')).toThrow(/x\.yaml: not valid YAML/);
    expect(() => parsePlatformSource('Bad_Name.yaml', valid)).toThrow(/platform slug/);
    expect(() => parsePlatformSource('x.yaml', valid.replace('US-CA', 'California'))).toThrow(/jurisdiction/);
    expect(() => parsePlatformSource('x.yaml', valid.replace('kind: ai', 'kind: spaceship'))).toThrow(/kind/);
  });

  it('reports every broken file of a folder at once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sources-'));
    try {
      await writeFile(path.join(dir, 'one.yaml'), valid.replace('kind: ai', 'kind: nope'));
      await writeFile(path.join(dir, 'two.yaml'), valid.replace('https://www.lumen-ai.example/legal/privacy', 'nope'));
      await writeFile(path.join(dir, 'fine.yaml'), valid);
      const error = await loadSources(dir).catch((e: unknown) => e as SourcesError);
      expect(error).toBeInstanceOf(SourcesError);
      expect((error as SourcesError).message).toMatch(/one\.yaml[\s\S]*two\.yaml/);
      await expect(loadSources(dir, { platforms: ['fine'] })).rejects.toThrow(SourcesError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loads the real declarations: at least 20 platforms with privacy and terms each', async () => {
    const { platforms, sources } = await loadSources(path.join(REPO_ROOT, 'content', 'platforms'));
    expect(platforms.size).toBeGreaterThanOrEqual(20);
    for (const [slug, platform] of platforms) {
      expect(Object.keys(platform.documents), slug).toEqual(expect.arrayContaining(['privacy-policy', 'terms-of-service']));
    }
    for (const wanted of ['claude', 'chatgpt', 'gemini', 'facebook', 'instagram', 'whatsapp', 'copilot', 'mistral', 'deepseek', 'grok', 'perplexity', 'strava', 'tiktok', 'x', 'reddit', 'youtube', 'linkedin', 'snapchat', 'discord', 'spotify', 'amazon', 'apple']) {
      expect(platforms.has(wanted), wanted).toBe(true);
    }
    const urls = sources.flatMap((s) => s.urls);
    expect(new Set(urls).size).toBe(urls.length);
    expect(urls.every((u) => u.startsWith('https://'))).toBe(true);
  });

  it('filters by platform and document, and names an unknown platform', async () => {
    const { sources } = await loadSources(path.join(DEFAULT_FIXTURE_WEB, 'platforms'), { platforms: ['lumen-ai'], documents: ['privacy-policy'] });
    expect(sources.map((s) => `${s.platform}/${s.document}`)).toEqual(['lumen-ai/privacy-policy']);
    await expect(loadSources(path.join(DEFAULT_FIXTURE_WEB, 'platforms'), { platforms: ['nope'] })).rejects.toThrow(/no platform "nope"/);
  });
});

describe('documentTypeName', () => {
  it('names our types as declared, and an imported type by its slug in words', () => {
    expect(documentTypeName('trackers-policy')).toBe('Cookie Policy');
    expect(documentTypeName('general-conditions-of-sale')).toBe('General Conditions of Sale');
    expect(documentTypeName('platform-to-business-notice')).toBe('Platform to Business Notice');
    expect(documentTypeName('in-app-purchases-policy')).toBe('In App Purchases Policy');
  });

  it('puts a known type first as a heading', () => {
    expect(documentTypeName('community-guidelines-hate-speech')).toBe('Community Guidelines: Hate Speech');
    expect(documentTypeName('privacy-policy-of-the-app')).toBe('Privacy Policy: Of the App');
  });
});
