import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../src/archive/capture.ts';
import { exitCodeOf } from '../../src/archive/report.ts';
import { decideHeld, listHeld } from '../../src/archive/review.ts';
import { readHistory } from '../../src/history/log.ts';
import { verifyArchive } from '../../src/history/verify.ts';
import { temporaryArchive } from '../support/archive.ts';

const section = (n: number, extra = '') =>
  `<h2>${n}. Section ${n}</h2><p>This is section ${n} of the policy. It explains in plain words what we do with the information described here and why we need it.${extra} You can ask us about it at any time.</p>`;
const policy = (sections: number[], extra = '') => `<html><body><main><h1>Policy</h1>${sections.map((n) => section(n, n === 1 ? extra : '')).join('')}</main></body></html>`;
const FULL = policy([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const SHRUNK = policy([1, 2, 3]);
const A = policy([1, 2, 3, 4, 5, 6], ' Variant A.');
const B = policy([1, 2, 3, 4, 5, 6], ' Variant B.');

let body = FULL;
let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function archiveWithPolicy() {
  const archive = await temporaryArchive('held-');
  await mkdir(path.join(archive.dir, 'content/platforms'), { recursive: true });
  await writeFile(path.join(archive.dir, 'content/platforms/acme.yaml'), `name: Acme\nwebsite: https://acme.example/\nowner: Acme\njurisdiction: US\nkind: other\ndocuments:\n  privacy-policy:\n    url: http://127.0.0.1:${port}/privacy\n`);
  let day = 0;
  const run = async (html: string) => {
    body = html;
    day++;
    const report = await runCapture({ archiveDir: archive.dir, fetch: { allowLoopback: true }, perHostDelayMs: 0, now: () => new Date(Date.UTC(2026, 0, day, 9)) });
    return { outcome: report.results[0]!.outcome, exit: exitCodeOf(report) };
  };
  const versions = async () => (await readHistory(archive.dir)).filter((c) => c.version).length;
  return { archive, run, versions };
}

describe('held texts', () => {
  it('holds a drastic shrink until it is seen on three runs in a row', async () => {
    const { archive, run, versions } = await archiveWithPolicy();
    try {
      expect((await run(FULL)).outcome.status).toBe('recorded');
      const first = await run(SHRUNK);
      expect(first.outcome).toMatchObject({ status: 'held', reason: 'drastic-shrink', sightings: 1, needed: 3 });
      expect(first.exit).toBe(1);
      expect((await listHeld(archive.dir)).map((h) => h.document)).toEqual(['acme/privacy-policy']);
      expect((await run(SHRUNK)).outcome).toMatchObject({ status: 'held', sightings: 2 });
      expect(await versions()).toBe(1);
      expect((await run(SHRUNK)).outcome).toMatchObject({ status: 'recorded', change: 'substantive' });
      expect(await versions()).toBe(2);
      expect(await listHeld(archive.dir)).toEqual([]);
      expect((await verifyArchive(archive.dir)).problems).toEqual([]);
    } finally {
      await archive.cleanup();
    }
  });

  it('forgets a shrink that goes away, and records one a person approves', async () => {
    const { archive, run, versions } = await archiveWithPolicy();
    try {
      await run(FULL);
      expect((await run(SHRUNK)).outcome.status).toBe('held');
      expect((await run(FULL)).outcome.status).toBe('unchanged');
      expect(await listHeld(archive.dir)).toEqual([]);
      expect((await run(SHRUNK)).outcome).toMatchObject({ status: 'held', sightings: 1 });
      expect(await decideHeld(archive.dir, 'acme/privacy-policy', 'approve')).toMatch(/^recorded the held text/);
      expect(await versions()).toBe(2);
      expect(await listHeld(archive.dir)).toEqual([]);
      expect((await verifyArchive(archive.dir)).problems).toEqual([]);
      await expect(decideHeld(archive.dir, 'acme/privacy-policy', 'reject')).rejects.toThrow(/nothing is held/);
    } finally {
      await archive.cleanup();
    }
  });

  it('does not turn an alternating variant into a version on every run', async () => {
    const { archive, run, versions } = await archiveWithPolicy();
    try {
      expect((await run(A)).outcome.status).toBe('recorded');
      expect((await run(B)).outcome.status).toBe('recorded');
      for (let i = 0; i < 4; i++) {
        expect((await run(A)).outcome).toMatchObject({ status: 'held', reason: 'flap', sightings: 1 });
        expect((await run(B)).outcome.status).toBe('unchanged');
      }
      expect(await versions()).toBe(2);
    } finally {
      await archive.cleanup();
    }
  });
});
