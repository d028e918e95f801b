import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { git } from '../../history/git.ts';
import { ArchiveLockedError } from './errors.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function gitDir(archiveDir: string): Promise<string> {
  return path.resolve(archiveDir, (await git(archiveDir, ['rev-parse', '--git-dir'])).trim());
}

/**
 * Takes the archive's lock (a file in its git directory holding our pid) so that two runs never
 * interleave their commits. A lock left by a process that no longer exists (killed with -9) is
 * taken over.
 */
export async function lockArchive(archiveDir: string): Promise<() => Promise<void>> {
  const file = path.join(await gitDir(archiveDir), 'governance-archive.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (pid > 0 && isAlive(pid)) {
        throw new ArchiveLockedError(`${archiveDir} is being written by another run (pid ${pid}, lock ${file})`);
      }
      await rm(file, { force: true });
    }
  }
  throw new ArchiveLockedError(`could not take the lock ${file}`);
}
