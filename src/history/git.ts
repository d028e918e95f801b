import { execFile, spawn } from 'node:child_process';

export class GitError extends Error {
  override readonly name = 'GitError';
  readonly args: string[];
  readonly stderr: string;
  readonly exitCode: number | null;

  constructor(cwd: string, args: string[], exitCode: number | null, stderr: string) {
    super(`git ${args.join(' ')} failed in ${cwd} (exit ${exitCode}): ${stderr.trim() || '(no output)'}`);
    this.args = args;
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

export interface GitOptions {
  input?: string | Buffer;
  env?: Record<string, string | undefined>;
  /** Return stdout as bytes (for blobs). */
  binary?: boolean;
  /** Exit codes that are answers rather than failures (e.g. 1 for `git diff --quiet`). */
  okExitCodes?: number[];
}

/**
 * Environment for every git call: no user config surprises (pagers, hooks, signing, locale)
 * and an identity so that scratch archives commit on any machine.
 */
function gitEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'Governance Archive',
    GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'archive@governance-archive.invalid',
    GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'Governance Archive',
    GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'archive@governance-archive.invalid',
    ...extra,
  };
}

export function git(cwd: string, args: string[], options: GitOptions & { binary: true }): Promise<Buffer>;
export function git(cwd: string, args: string[], options?: GitOptions): Promise<string>;
export function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string | Buffer> {
  const fullArgs = ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgSign=false', '-c', 'core.quotePath=false', ...args];
  if (options.input === undefined) {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        fullArgs,
        { cwd, env: gitEnv(options.env), maxBuffer: 1024 * 1024 * 1024, encoding: options.binary ? 'buffer' : 'utf8' },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          if (error && !(code !== null && options.okExitCodes?.includes(code))) {
            reject(new GitError(cwd, args, code, String(stderr)));
          } else resolve(stdout);
        },
      );
    });
  }
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, { cwd, env: gitEnv(options.env) });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && !(code !== null && options.okExitCodes?.includes(code))) {
        reject(new GitError(cwd, args, code, Buffer.concat(err).toString('utf8')));
      } else {
        const buffer = Buffer.concat(out);
        resolve(options.binary ? buffer : buffer.toString('utf8'));
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input);
  });
}

/** The commit a ref points to, or undefined when it does not exist yet. */
export async function resolveRef(cwd: string, ref: string): Promise<string | undefined> {
  const out = await git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okExitCodes: [1] });
  return out.trim() || undefined;
}

/** Git's date format for the author and committer dates of a commit made at `iso`. */
export function commitDateEnv(iso: string): Record<string, string> {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return { GIT_AUTHOR_DATE: `${seconds} +0000`, GIT_COMMITTER_DATE: `${seconds} +0000` };
}
