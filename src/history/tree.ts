import { git } from './git.ts';
import type { ObjectWriter, TreeEntry } from './objects.ts';

interface Leaf {
  kind: 'leaf';
  mode: TreeEntry['mode'];
  sha: string;
}
interface Dir {
  kind: 'dir';
  /** The tree's object id while nothing below it changed. */
  sha: string | undefined;
  entries: Map<string, Leaf | Dir>;
}

/**
 * The tree of a commit held in memory, so that recording a version rewrites only the trees on
 * the path to the changed file instead of asking git to rebuild an index.
 */
export class MutableTree {
  private root: Dir = { kind: 'dir', sha: undefined, entries: new Map() };

  static async load(cwd: string, commit: string | undefined): Promise<MutableTree> {
    const tree = new MutableTree();
    if (!commit) return tree;
    const out = await git(cwd, ['ls-tree', '-r', '-t', '-z', '--full-tree', commit]);
    tree.root.sha = (await git(cwd, ['rev-parse', `${commit}^{tree}`])).trim();
    for (const record of out.split('\0')) {
      if (!record) continue;
      const tab = record.indexOf('\t');
      const [mode, type, sha] = record.slice(0, tab).split(' ') as [string, string, string];
      const filePath = record.slice(tab + 1);
      const parts = filePath.split('/');
      const name = parts.pop()!;
      const dir = tree.dirAt(parts, false);
      dir.entries.set(name, type === 'tree' ? { kind: 'dir', sha, entries: new Map() } : { kind: 'leaf', mode: mode as TreeEntry['mode'], sha });
    }
    return tree;
  }

  private dirAt(parts: string[], dirty: boolean): Dir {
    let dir = this.root;
    if (dirty) dir.sha = undefined;
    for (const part of parts) {
      let next = dir.entries.get(part);
      if (!next || next.kind !== 'dir') {
        next = { kind: 'dir', sha: undefined, entries: new Map() };
        dir.entries.set(part, next);
      }
      if (dirty) next.sha = undefined;
      dir = next;
    }
    return dir;
  }

  setFile(filePath: string, sha: string): void {
    const parts = filePath.split('/');
    const name = parts.pop()!;
    this.dirAt(parts, true).entries.set(name, { kind: 'leaf', mode: '100644', sha });
  }

  /** Writes the trees that changed and returns the root tree's id. */
  async write(objects: ObjectWriter): Promise<string> {
    const writeDir = async (dir: Dir): Promise<string> => {
      if (dir.sha) return dir.sha;
      const entries: TreeEntry[] = [];
      for (const [name, entry] of dir.entries) {
        entries.push(entry.kind === 'leaf' ? { mode: entry.mode, name, sha: entry.sha } : { mode: '040000', name, sha: await writeDir(entry) });
      }
      dir.sha = await objects.writeTree(entries);
      return dir.sha;
    };
    return writeDir(this.root);
  }
}
