import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * A long-lived `git cat-file --batch`: reads thousands of blobs through one process instead of
 * one process per blob. Requests are answered in order; `read` returns undefined for a missing
 * object.
 */
export class CatFile {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly queue: Array<{ resolve: (value: Buffer | undefined) => void; reject: (error: Error) => void }> = [];
  private failed: Error | undefined;

  constructor(cwd: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd, env: { ...process.env, LC_ALL: 'C' } });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    const fail = (error: Error) => {
      this.failed = error;
      for (const waiting of this.queue.splice(0)) waiting.reject(error);
    };
    this.child.on('error', fail);
    this.child.on('close', (code) => {
      if (this.queue.length > 0) fail(new Error(`git cat-file --batch exited (${code}) with ${this.queue.length} requests pending`));
    });
    this.child.stdin.on('error', () => {});
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.queue.shift()!.resolve(undefined);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      if (this.buffer.length < newline + 1 + size + 1) return;
      const content = Buffer.from(this.buffer.subarray(newline + 1, newline + 1 + size));
      this.buffer = this.buffer.subarray(newline + 1 + size + 1);
      this.queue.shift()!.resolve(content);
    }
  }

  /** The content of an object named like `HEAD:path`, `<commit>:<file>` or a SHA. */
  read(name: string): Promise<Buffer | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    if (/[\n]/.test(name)) return Promise.reject(new Error(`object names cannot hold newlines: ${JSON.stringify(name)}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      this.child.stdin.write(`${name}\n`);
    });
  }

  async text(name: string): Promise<string | undefined> {
    return (await this.read(name))?.toString('utf8');
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('close', () => resolve());
      this.child.stdin.end();
    });
  }
}
