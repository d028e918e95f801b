import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapture } from '../../src/archive/capture.ts';
import { findChromium } from '../../src/archive/fetch/browser.ts';
import { reextractArchive } from '../../src/archive/reextract.ts';
import { verifyArchive } from '../../src/history/verify.ts';
import { REPO_ROOT, temporaryArchive } from '../support/archive.ts';

const scripted = `<!doctype html><html><head><title>Terms</title></head><body><main id="app">Loading…</main>
<script>setTimeout(() => { document.getElementById('app').innerHTML = '<h1>Scripted Terms</h1><h2>1. Using the service</h2><p>These terms only appear after the page runs its scripts. You may use the service for lawful purposes and must keep your password safe. We may suspend accounts that break these terms after telling you why, unless the law forbids us to.</p>'; }, 150);</script></body></html>`;

let server: http.Server;
let port: number;
beforeAll(async () => {
  const pdf = await readFile(path.join(REPO_ROOT, 'tests/fixtures/pdf/policy.pdf'));
  server = http.createServer((request, response) => {
    if (request.url === '/terms') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(scripted);
    } else if (request.url === '/privacy.pdf') {
      response.writeHead(200, { 'content-type': 'application/pdf' });
      response.end(pdf);
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('harder sources through the whole pipeline', () => {
  it('captures a PDF into Markdown with headings, and re-extracts it from evidence', async () => {
    const archive = await temporaryArchive();
    try {
      await mkdir(path.join(archive.dir, 'content/platforms'), { recursive: true });
      await writeFile(path.join(archive.dir, 'content/platforms/acme.yaml'), `name: Acme\nwebsite: https://acme.example/\nowner: Acme\njurisdiction: US\nkind: other\ndocuments:\n  privacy-policy:\n    url: http://127.0.0.1:${port}/privacy.pdf\n`);
      const report = await runCapture({ archiveDir: archive.dir, fetch: { allowLoopback: true }, perHostDelayMs: 0 });
      expect(report.results[0]!.outcome).toMatchObject({ status: 'recorded', change: 'initial' });
      const text = await readFile(path.join(archive.dir, 'content/archive/acme/privacy-policy.md'), 'utf8');
      expect(text).toMatch(/^# /m);
      expect(text).toMatch(/^## /m);
      expect(text).not.toMatch(/Page \d+ of \d+/);
      expect((await reextractArchive({ archiveDir: archive.dir })).map((r) => r.outcome.status)).toEqual(['unchanged']);
      expect((await verifyArchive(archive.dir)).problems).toEqual([]);
    } finally {
      await archive.cleanup();
    }
  });

  it.skipIf(!findChromium())('renders a source declared browser: true in Chromium', async () => {
    const archive = await temporaryArchive();
    try {
      await mkdir(path.join(archive.dir, 'content/platforms'), { recursive: true });
      const declare = (browser: boolean) =>
        writeFile(path.join(archive.dir, 'content/platforms/acme.yaml'), `name: Acme\nwebsite: https://acme.example/\nowner: Acme\njurisdiction: US\nkind: other\ndocuments:\n  terms-of-service:\n    url: http://127.0.0.1:${port}/terms\n    browser: ${browser}\n`);
      // Without the browser the page is a placeholder, which the guard refuses.
      await declare(false);
      const plain = await runCapture({ archiveDir: archive.dir, fetch: { allowLoopback: true }, perHostDelayMs: 0 });
      expect(plain.results[0]!.outcome.status).toBe('refused');
      await declare(true);
      const rendered = await runCapture({ archiveDir: archive.dir, fetch: { allowLoopback: true, timeoutMs: 15_000 }, perHostDelayMs: 0 });
      expect(rendered.results[0]!.outcome).toMatchObject({ status: 'recorded' });
      const text = await readFile(path.join(archive.dir, 'content/archive/acme/terms-of-service.md'), 'utf8');
      expect(text).toContain('# Scripted Terms');
      expect(text).toContain('These terms only appear after the page runs its scripts.');
    } finally {
      await archive.cleanup();
    }
  }, 60_000);
});
if (!findChromium()) console.warn('[browser] no Chromium found: the browser-rendering capture test is skipped (apt-get install chromium).');
