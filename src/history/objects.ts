import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

/**
 * Writes git objects (blobs, trees, commits) as loose objects straight into the repository's
 * object store, in git's own format. Spawning `git hash-object`/`mktree`/`commit-tree` for every
 * version made an import of a few thousand versions take minutes; refs are still moved by git
 * itself (`update-ref`), which is where atomicity lives. See docs/decisions/0004.
 */
export type ObjectType = 'blob' | 'tree' | 'commit';

export interface TreeEntry {
  mode: '100644' | '100755' | '040000' | '120000' | '160000';
  name: string;
  sha: string;
}

export class ObjectWriter {
  private readonly objectsDir: string;
  private readonly known = new Set<string>();

  constructor(gitDir: string) {
    this.objectsDir = path.join(gitDir, 'objects');
  }

  static hash(type: ObjectType, content: Buffer): { sha: string; raw: Buffer } {
    const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`), content]);
    return { sha: createHash('sha1').update(raw).digest('hex'), raw };
  }

  async write(type: ObjectType, content: Buffer | string): Promise<string> {
    const { sha, raw } = ObjectWriter.hash(type, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
    if (this.known.has(sha)) return sha;
    const dir = path.join(this.objectsDir, sha.slice(0, 2));
    const file = path.join(dir, sha.slice(2));
    const exists = await stat(file).then(() => true, () => false);
    if (!exists) {
      await mkdir(dir, { recursive: true });
      // Written aside and renamed, so a reader (or a crash) never meets half an object.
      const temporary = path.join(dir, `tmp_obj_${process.pid}_${sha.slice(2, 10)}`);
      await writeFile(temporary, deflateSync(raw, { level: 1 }), { mode: 0o444 });
      await rename(temporary, file);
    }
    this.known.add(sha);
    return sha;
  }

  /** Tree entries in git's order: names compared as bytes, directories as if followed by "/". */
  async writeTree(entries: TreeEntry[]): Promise<string> {
    const key = (e: TreeEntry) => Buffer.from(e.mode === '040000' ? `${e.name}/` : e.name, 'utf8');
    const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
    const parts = sorted.flatMap((e) => [Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.name}\0`, 'utf8'), Buffer.from(e.sha, 'hex')]);
    return this.write('tree', Buffer.concat(parts));
  }
}

export interface Identity {
  name: string;
  email: string;
}

/** A commit object's text; dates are whole seconds in UTC. */
export function commitContent(tree: string, parents: string[], author: Identity, committer: Identity, isoDate: string, message: string): string {
  const seconds = Math.floor(Date.parse(isoDate) / 1000);
  const clean = (s: string) => s.replace(/[<>\n]/g, '');
  return [
    `tree ${tree}`,
    ...parents.map((p) => `parent ${p}`),
    `author ${clean(author.name)} <${clean(author.email)}> ${seconds} +0000`,
    `committer ${clean(committer.name)} <${clean(committer.email)}> ${seconds} +0000`,
    '',
    message,
  ].join('\n');
}
