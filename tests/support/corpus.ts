import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { extractContent } from '../../src/archive/extract/index.ts';
import { DEFAULT_FIXTURE_WEB } from '../../src/demo/fixture-web.ts';
import { SHARED_CORPUS } from './archive.ts';

export const OTA_TARBALL = path.join(SHARED_CORPUS, 'ota.tar.xz');
export const EXTRACTION_CORPUS = path.join(SHARED_CORPUS, 'extraction');
export const hasOtaCorpus = existsSync(OTA_TARBALL);

if (!hasOtaCorpus) {
  console.warn(`[corpus] ${OTA_TARBALL} is absent: tests on the real Open Terms Archive histories are skipped.`);
}

/** Unpacks the shared corpus once per machine into the system temp folder and returns `<dir>/ota`. */
export async function unpackOtaCorpus(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'governance-archive-corpus');
  const ota = path.join(dir, 'ota');
  if (!existsSync(path.join(ota, 'README.md'))) {
    await mkdir(dir, { recursive: true });
    execFileSync('tar', ['-xJf', OTA_TARBALL, '-C', dir]);
  }
  return ota;
}

/** The corpus's documents (`<service>/<document>`), sorted, each with its folder and its version files, oldest first. */
export async function otaDocuments(ota: string): Promise<Array<{ name: string; folder: string; files: string[] }>> {
  const documents: Array<{ name: string; folder: string; files: string[] }> = [];
  for (const service of (await readdir(ota, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    for (const entry of (await readdir(path.join(ota, service), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
      const folder = path.join(ota, service, entry);
      const versions = JSON.parse(await readFile(path.join(folder, 'versions.json'), 'utf8')) as Array<{ file: string }>;
      documents.push({ name: `${service}/${entry}`, folder, files: versions.map((v) => v.file) });
    }
  }
  return documents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every dated revision of the fixture web, extracted from its HTML as a capture would (before normalization). */
export async function fixtureRevisionsMarkdown(): Promise<string[]> {
  const sites = path.join(DEFAULT_FIXTURE_WEB, 'sites');
  const texts: string[] = [];
  for (const platform of await readdir(sites)) {
    for (const document of await readdir(path.join(sites, platform))) {
      if (document.endsWith('.html')) continue;
      for (const file of await readdir(path.join(sites, platform, document))) {
        const html = await readFile(path.join(sites, platform, document, file), 'utf8');
        texts.push(extractContent([{ url: 'https://fixture.example/', html: `<main>${html}</main>` }], { select: [], remove: [], filters: [] }));
      }
    }
  }
  return texts;
}
