import { git, resolveRef } from './git.ts';
import { parseCommitMessage, type VersionCommit } from './commit-format.ts';

/** One commit of the archive's history, with its version trailers when it records a version. */
export interface LoggedCommit {
  commit: string;
  parents: string[];
  /** Commit date, ISO 8601 UTC. */
  date: string;
  subject: string;
  files: string[];
  version: VersionCommit | undefined;
}

/**
 * Reads a branch's history in one `git log` pass, oldest first. Commits that are not versions
 * (declarations, code) are included with `version: undefined`.
 */
export async function readHistory(archiveDir: string, ref = 'HEAD', paths: string[] = []): Promise<LoggedCommit[]> {
  if (!(await resolveRef(archiveDir, ref))) return [];
  const out = await git(archiveDir, [
    'log', '--reverse', '--no-renames', '--format=%x1e%H%x1f%P%x1f%ct%x1f%B%x1f', '--name-only', ref, '--', ...paths,
  ]);
  return out
    .split('\x1e')
    .filter((record) => record.trim() !== '')
    .map((record) => {
      const [commit, parents, seconds, message, files] = record.split('\x1f') as [string, string, string, string, string];
      return {
        commit,
        parents: parents.split(' ').filter(Boolean),
        date: new Date(Number(seconds) * 1000).toISOString().replace(/\.000Z$/, 'Z'),
        subject: message.split('\n')[0] ?? '',
        files: files.split('\n').map((f) => f.trim()).filter(Boolean),
        version: parseCommitMessage(message),
      };
    });
}
