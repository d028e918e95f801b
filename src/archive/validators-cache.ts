import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Validators } from './fetch/index.ts';

/**
 * ETag / Last-Modified of the last capture of each URL, for conditional requests. Kept inside the
 * archive's git directory: it is a cache, not part of the archive, and losing it costs only a
 * full download.
 */
export class ValidatorsCache {
  private readonly file: string;
  private entries: Record<string, Validators> = {};

  constructor(gitDir: string) {
    this.file = path.join(gitDir, 'governance-archive', 'validators.json');
  }

  async load(): Promise<this> {
    try {
      this.entries = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, Validators>;
    } catch {
      this.entries = {};
    }
    return this;
  }

  get(url: string): Validators | undefined {
    return this.entries[url];
  }

  set(url: string, validators: Validators): void {
    if (validators.etag || validators.lastModified) this.entries[url] = validators;
    else delete this.entries[url];
  }

  async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.tmp-${process.pid}`;
    await writeFile(temporary, `${JSON.stringify(this.entries, null, 2)}\n`);
    await rename(temporary, this.file);
  }
}
