import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHistory } from '../../src/history/log.ts';
import { git } from '../../src/history/git.ts';
import { parseVersionFile, sha256 } from '../../src/history/version-file.ts';
import { builtExists, demoSite, readBuilt, TEST_REPOSITORY_URL, TEST_SITE_URL, type BuiltSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';

interface VersionRecord {
  platform: string;
  document: string;
  id: string;
  capturedAt: string;
  commit: string;
  commitUrl: string;
  contentSha256: string;
  captureSha256: string[];
  change: string;
  summary: string;
  url: string;
  previous: string | null;
}

describe('open data', () => {
  let site: BuiltSite;

  beforeAll(async () => {
    site = await demoSite();
  }, SITE_BUILD_TIMEOUT);

  it('lists in /api/versions.json every version commit of the archive, with its hashes and URLs', async () => {
    const api = JSON.parse(await readBuilt(site.distDir, '/api/versions.json')) as { versions: VersionRecord[]; license: Record<string, string> };
    const history = (await readHistory(site.archiveDir)).filter((entry) => entry.version);
    expect(api.versions.map((v) => v.commit).sort()).toEqual(history.map((entry) => entry.commit).sort());
    for (const entry of history) {
      const record = api.versions.find((v) => v.commit === entry.commit)!;
      expect(record).toMatchObject({
        platform: entry.version!.platform,
        document: entry.version!.document,
        capturedAt: entry.version!.capturedAt,
        contentSha256: entry.version!.contentSha256,
        captureSha256: entry.version!.captureSha256,
        change: entry.version!.change,
        summary: entry.version!.summary,
        commitUrl: `${TEST_REPOSITORY_URL}/commit/${entry.commit}`,
      });
      expect(record.url).toBe(`${TEST_SITE_URL}/platforms/${record.platform}/${record.document}/${record.id}/`);
    }
    expect(api.license.importedData).toContain('Open Terms Archive contributors');
    expect(api.license.code).toContain('AGPL');
  });

  it('links each version to the one before it in /api/platforms/<platform>.json', async () => {
    const platforms = JSON.parse(await readBuilt(site.distDir, '/api/platforms.json')) as { platforms: Array<{ platform: string; documents: Array<{ document: string; versionCount: number }> }> };
    expect(platforms.platforms.map((p) => p.platform)).toContain('chirpy');
    const chirpy = JSON.parse(await readBuilt(site.distDir, '/api/platforms/chirpy.json')) as { versions: VersionRecord[] };
    const policy = chirpy.versions.filter((v) => v.document === 'privacy-policy').reverse();
    expect(policy[0]!.previous).toBeNull();
    for (let i = 1; i < policy.length; i++) expect(policy[i]!.previous).toBe(policy[i - 1]!.id);
    const declared = platforms.platforms.find((p) => p.platform === 'chirpy')!;
    expect(declared.documents.reduce((sum, d) => sum + d.versionCount, 0)).toBe(chirpy.versions.length);
  });

  it('publishes each document’s provisions as data: ids, topics with the rules that matched, last text, history, changes', async () => {
    const platforms = JSON.parse(await readBuilt(site.distDir, '/api/platforms.json')) as { platforms: Array<{ documents: Array<{ platform: string; document: string; provisions: string }> }> };
    const listed = platforms.platforms.flatMap((p) => p.documents);
    expect(listed.length).toBeGreaterThan(10);
    for (const { platform, document, provisions } of listed) {
      expect(provisions).toBe(`${TEST_SITE_URL}/api/provisions/${platform}/${document}.json`);
      expect(await builtExists(site.distDir, provisions.slice(TEST_SITE_URL.length)), provisions).toBe(true);
    }
    type Json = {
      license: Record<string, string>;
      provisions: Array<{ id: string; current: boolean; url: string; text: string; topics: Array<{ category: string; matched: Array<{ rule: string; excerpt: string }> }>; history: Array<{ version: string; url: string; what: string; wordsAdded?: number }> }>;
      versions: Array<{ id: string; provisions: string[]; change: { summary: string; modified: Array<{ id: string }> } | null }>;
    };
    const data = JSON.parse(await readBuilt(site.distDir, '/api/provisions/chirpy/privacy-policy.json')) as Json;
    expect(data.license.importedData).toContain('Open Terms Archive contributors');
    // One entry per provision page, each with its page's address.
    const pages = (await readdir(path.join(site.distDir, 'platforms', 'chirpy', 'privacy-policy', 'provisions'))).sort();
    expect(data.provisions.map((p) => p.id).sort()).toEqual(pages);
    for (const provision of data.provisions) expect(provision.url).toBe(`${TEST_SITE_URL}/platforms/chirpy/privacy-policy/provisions/${provision.id}/`);
    // Versions, oldest first, as the version pages are; each provision's history names them.
    const versionIds = (await readdir(path.join(site.distDir, 'platforms', 'chirpy', 'privacy-policy'))).filter((name) => /^\d{4}-/.test(name)).sort();
    expect(data.versions.map((v) => v.id)).toEqual(versionIds);
    expect(data.versions[0]!.change).toBeNull();
    for (const provision of data.provisions) {
      expect(provision.history[0]!.what).toBe('added');
      for (const step of provision.history) {
        expect(versionIds).toContain(step.version);
        // Each state's address: where the provision starts in that version (or the version that removed it).
        const [page, place] = step.url.slice(TEST_SITE_URL.length).split('#');
        expect(page).toBe(`/platforms/chirpy/privacy-policy/${step.version}/`);
        if (step.what === 'removed') expect(place).toBeUndefined();
        else expect(await readBuilt(site.distDir, page!)).toContain(`id="${place}"`);
      }
      // Present in the latest version exactly when current.
      expect(data.versions.at(-1)!.provisions.includes(provision.id)).toBe(provision.current);
    }
    // The AI-training clause: its topic with the words that matched.
    const training = data.provisions.find((p) => p.id === 'training-our-ai-features')!;
    expect(training.text).toMatch(/train/i);
    const topic = training.topics.find((t) => t.category === 'ai-training')!;
    expect(topic.matched.length).toBeGreaterThan(0);
    for (const match of topic.matched) expect(match.excerpt.length).toBeGreaterThan(0);
    // Rewordings counted, and found again in their version's change.
    const changed = data.provisions.flatMap((provision) => provision.history.filter((step) => step.what === 'changed').map((step) => ({ id: provision.id, step })));
    expect(changed.length).toBeGreaterThan(0);
    for (const { id, step } of changed) {
      expect(step.wordsAdded).toBeGreaterThanOrEqual(0);
      expect(data.versions.find((v) => v.id === step.version)!.change!.modified.map((m) => m.id)).toContain(id);
    }
  });

  it('publishes the latest texts byte for byte, with checksums that verify', async () => {
    const latest = JSON.parse(await readBuilt(site.distDir, '/data/latest.json')) as { documents: Array<{ platform: string; document: string; contentSha256: string; commit: string; text: string }>; license: Record<string, string> };
    expect(latest.documents.length).toBe(18);
    expect(latest.license.texts).toMatch(/platforms’ own texts/);
    const sums = (await readBuilt(site.distDir, '/data/SHA256SUMS')).trim().split('\n').map((line) => line.split('  ') as [string, string]);
    expect(sums.length).toBe(latest.documents.length + 1);
    for (const [hash, file] of sums) expect(sha256(await readBuilt(site.distDir, `/data/${file}`))).toBe(hash);
    for (const document of latest.documents) {
      expect(sha256(document.text)).toBe(document.contentSha256);
      const head = parseVersionFile(await git(site.archiveDir, ['show', `HEAD:content/archive/${document.platform}/${document.document}.md`]));
      expect(document.contentSha256).toBe(head.contentSha256);
      expect(await git(site.archiveDir, ['log', '-1', '--format=%H', '--', `content/archive/${document.platform}/${document.document}.md`])).toBe(`${document.commit}\n`);
    }
  });
});
