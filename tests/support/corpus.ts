import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
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
