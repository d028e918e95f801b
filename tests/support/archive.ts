import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initArchive } from '../../src/archive/record/index.ts';

/** A fresh archive repository in a temporary folder, removed by the returned cleanup. */
export async function temporaryArchive(prefix = 'archive-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await initArchive(dir);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const SHARED_CORPUS = path.resolve(REPO_ROOT, '../shared/corpus');
