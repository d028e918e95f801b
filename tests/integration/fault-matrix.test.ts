import http from 'node:http';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture, type SourceOutcome } from '../../src/archive/capture.ts';
import { exitCodeOf } from '../../src/archive/report.ts';
import { git } from '../../src/history/git.ts';
import { verifyArchive } from '../../src/history/verify.ts';
import { REPO_ROOT, temporaryArchive } from '../support/archive.ts';

const good = (name: string) =>
  `<html><head><meta charset="utf-8"></head><body><main><h1>${name} policy</h1><h2>1. What we collect</h2><p>We collect your name, your e-mail address and the content you post. We use them to run the service and to keep it safe. We keep them while your account is open and for ninety days after you close it, then we delete them.</p><h2>2. Your rights</h2><p>You can ask for a copy of your data, ask us to correct it or delete it, and complain to a data protection authority.</p><h2>3. Sharing</h2><p>We share your data with the companies that host our servers and send our e-mails, under contracts that forbid them to use it for anything else. We never sell it.</p><h2>4. Changes</h2><p>We will tell you by e-mail thirty days before a change to this policy takes effect, and explain what changes.</p></main></body></html>`;

type Fault = (request: http.IncomingMessage, response: http.ServerResponse) => void;
const html = (response: http.ServerResponse, body: string | Buffer, status = 200, headers: Record<string, string> = {}) => {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  response.end(body);
};

/** Each document of the fictional platform meets one fault once it has a first version. */
const faults: Record<string, { fault: Fault; expect: Partial<SourceOutcome> & { status: SourceOutcome['status'] }; attempts?: number }> = {
  timeout: { fault: () => {}, expect: { status: 'failed', stage: 'fetch', reason: 'timeout', transient: true }, attempts: 2 },
  'slow-body': {
    fault: (_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => response.write('<p>…</p>'), 100);
      response.on('close', () => clearInterval(timer));
    },
    expect: { status: 'failed', reason: 'timeout' },
  },
  'not-found': { fault: (_, r) => html(r, 'gone', 404), expect: { status: 'failed', reason: 'http-status', transient: false }, attempts: 1 },
  'server-error': { fault: (_, r) => html(r, 'oops', 503), expect: { status: 'failed', reason: 'http-status', transient: true }, attempts: 2 },
  reset: { fault: (request) => request.socket.destroy(), expect: { status: 'failed', reason: 'network', transient: true } },
  'redirect-loop': { fault: (request, r) => html(r, '', 302, { location: request.url! }), expect: { status: 'failed', reason: 'redirect-loop' } },
  oversized: { fault: (_, r) => html(r, `<main>${'x'.repeat(300_000)}</main>`), expect: { status: 'failed', reason: 'too-large' } },
  'bot-wall': { fault: (_, r) => html(r, '<html><head><title>Just a moment...</title></head><body><main><h1>Checking your browser before accessing the site.</h1><p>This process is automatic. Ray ID: 8c1f</p></main></body></html>', 200), expect: { status: 'refused', reason: 'bot-wall' } },
  'error-200': { fault: (_, r) => html(r, '<html><body><main><h1>Page not found</h1><p>Sorry, this page isn’t available.</p></main></body></html>'), expect: { status: 'refused', reason: 'error-page' } },
  'no-match': { fault: (_, r) => html(r, '<html><body><div>No main element any more, only a div with some words in it.</div></body></html>'), expect: { status: 'failed', stage: 'extract', reason: 'no-match' } },
  shrink: { fault: (_, r) => html(r, good('shrink').replace(/<h2>2\.[\s\S]*<\/p><\/main>/, '</main>')), expect: { status: 'held', reason: 'drastic-shrink' } },
};

let phase: 'seed' | 'fault' = 'seed';
const hits = new Map<string, number>();
let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((request, response) => {
    const name = request.url!.slice(1).split('?')[0]!;
    hits.set(name, (hits.get(name) ?? 0) + 1);
    if (name === 'retry-after') {
      // Rate-limited once, then served.
      if (phase === 'fault' && hits.get(name)! % 2 === 1) return html(response, 'slow down', 429, { 'retry-after': '1' });
      return html(response, good(name));
    }
    if (name === 'latin1') {
      // No charset in the header; the page says ISO-8859-1 and its bytes are Latin-1.
      response.writeHead(200, { 'content-type': 'text/html' });
      return response.end(Buffer.from(good('latin1').replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">').replace('name', 'nom, prénom'), 'latin1'));
    }
    if (phase === 'fault' && faults[name]) return faults[name].fault(request, response);
    html(response, good(name));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fault matrix on a real local server', () => {
  it('records no junk, reports every fault with its reason, exits 1, and loses nothing', async () => {
    const archive = await temporaryArchive('faults-');
    try {
      const names = [...Object.keys(faults), 'retry-after', 'latin1'];
      await mkdir(path.join(archive.dir, 'content/platforms'), { recursive: true });
      // Each fault gets its own fictional platform, so the per-host politeness doesn't serialize them.
      for (const name of names) {
        await writeFile(path.join(archive.dir, `content/platforms/${name}.yaml`), `name: ${name}\nwebsite: https://${name}.example/\nowner: Nobody\njurisdiction: US\nkind: other\ndocuments:\n  privacy-policy:\n    url: http://127.0.0.1:${port}/${name}\n    select: main\n`);
      }
      const options = { archiveDir: archive.dir, fetch: { allowLoopback: true, timeoutMs: 800, maxBytes: 200_000 }, perHostDelayMs: 0, concurrency: 8 };
      const seeded = await runCapture({ ...options, now: () => new Date('2026-01-01T09:00:00Z') });
      expect(seeded.results.every((r) => r.outcome.status === 'recorded')).toBe(true);
      const latin1 = await readFile(path.join(archive.dir, 'content/archive/latin1/privacy-policy.md'), 'utf8');
      expect(latin1).toContain('nom, prénom');
      const before = await git(archive.dir, ['rev-parse', 'HEAD']);
      const files = await git(archive.dir, ['ls-tree', '-r', 'HEAD', 'content/archive']);

      phase = 'fault';
      hits.clear();
      const report = await runCapture({ ...options, now: () => new Date('2026-01-02T09:00:00Z') });
      const byName = new Map(report.results.map((r) => [r.source.platform, r]));
      for (const [name, { expect: wanted, attempts }] of Object.entries(faults)) {
        expect(byName.get(name)!.outcome, name).toMatchObject(wanted);
        if (attempts) expect(byName.get(name)!.attempts, `${name} attempts`).toBe(attempts);
      }
      expect(byName.get('retry-after')!.outcome.status).toBe('unchanged');
      expect(hits.get('retry-after')).toBe(2);
      expect(byName.get('latin1')!.outcome.status).toBe('unchanged');
      expect(exitCodeOf(report)).toBe(1);
      // Nothing recorded, nothing lost or altered: same branch, same files.
      expect(await git(archive.dir, ['rev-parse', 'HEAD'])).toBe(before);
      expect(await git(archive.dir, ['ls-tree', '-r', 'HEAD', 'content/archive'])).toBe(files);
      expect(await git(archive.dir, ['status', '--porcelain', '--', 'content/archive'])).toBe('');
      expect((await verifyArchive(archive.dir)).problems).toEqual([]);
    } finally {
      phase = 'seed';
      await archive.cleanup();
    }
  }, 60_000);

  it('the CLI reports failures with source, URL and reason, writes a JSON report, exits 1; a second run at once is refused', async () => {
    const archive = await temporaryArchive('faults-cli-');
    try {
      await mkdir(path.join(archive.dir, 'content/platforms'), { recursive: true });
      await writeFile(path.join(archive.dir, 'content/platforms/acme.yaml'), `name: Acme\nwebsite: https://acme.example/\nowner: Acme\njurisdiction: US\nkind: other\ndocuments:\n  privacy-policy:\n    url: http://127.0.0.1:${port}/fine\n  terms-of-service:\n    url: http://127.0.0.1:${port}/not-found\n  acceptable-use-policy:\n    url: http://127.0.0.1:${port}/timeout\n`);
      phase = 'fault';
      const cli = (extra: string[] = []) =>
        new Promise<{ code: number | null; out: string }>((resolve) => {
          const child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts/capture.ts'), '--archive', archive.dir, '--allow-loopback', '--timeout', '1500', '--report', path.join(archive.dir, 'report.json'), ...extra]);
          let out = '';
          child.stdout.on('data', (c: Buffer) => (out += c));
          child.stderr.on('data', (c: Buffer) => (out += c));
          child.on('close', (code) => resolve({ code, out }));
        });
      // Two runs at once: whichever takes the archive's lock first captures, the other is refused.
      const runs = await Promise.all([cli(), new Promise((r) => setTimeout(r, 300)).then(() => cli())]);
      const first = runs.find((r) => r.code !== 3)!;
      const second = runs.find((r) => r !== first)!;
      expect(first.code).toBe(1);
      expect(first.out).toMatch(/new versions\s+1/);
      expect(first.out).toContain(`acme/terms-of-service  http://127.0.0.1:${port}/not-found  fetch: HTTP 404`);
      expect(first.out).toMatch(/acme\/acceptable-use-policy .*timeout|no complete response/);
      expect(second.code).toBe(3);
      expect(second.out).toMatch(/being written by another run/);
      const json = JSON.parse(await readFile(path.join(archive.dir, 'report.json'), 'utf8')) as { results: Array<{ document: string; status: string; reason?: string }> };
      expect(json.results.map((r) => `${r.document} ${r.status} ${r.reason ?? ''}`.trim()).sort()).toEqual([
        'acme/acceptable-use-policy failed timeout',
        'acme/privacy-policy recorded',
        'acme/terms-of-service failed http-status',
      ]);
    } finally {
      phase = 'seed';
      await archive.cleanup();
    }
  }, 60_000);
});
