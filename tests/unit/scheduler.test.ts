import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchScheduler, fetchCapture } from '../../src/archive/fetch/index.ts';

/** What the server saw of one request: which host, when it arrived, when its answer was sent. */
interface Visit {
  host: string;
  path: string;
  arrived: number;
  finished: number;
}

/**
 * A local server that answers every request after `holdMs`, recording arrivals and how many
 * requests were in flight, per Host header and overall.
 */
async function recordingServer(holdMs: number) {
  const visits: Visit[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let total = 0;
  let maxTotal = 0;
  const server = http.createServer((request, response) => {
    const host = request.headers.host ?? '';
    const visit: Visit = { host, path: request.url ?? '', arrived: performance.now(), finished: Number.NaN };
    visits.push(visit);
    inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
    maxInFlight.set(host, Math.max(maxInFlight.get(host) ?? 0, inFlight.get(host)!));
    total++;
    maxTotal = Math.max(maxTotal, total);
    setTimeout(() => {
      inFlight.set(host, inFlight.get(host)! - 1);
      total--;
      visit.finished = performance.now();
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<p>${host}${visit.path}</p>`);
    }, holdMs);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    visits,
    maxInFlight,
    maxTotal: () => maxTotal,
    /** Sends every `*.example` host to this server. */
    connect: (url: URL) => (url.hostname.endsWith('.example') ? { host: '127.0.0.1', port } : undefined),
  };
}

const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** Timers may fire a millisecond or so early against another clock; allow a little slack. */
const TOLERANCE_MS = 15;

describe('createFetchScheduler', () => {
  it('sends one request at a time to a host, spaced by the per-host delay', async () => {
    const delay = 150;
    const server = await recordingServer(50);
    const scheduler = createFetchScheduler({ concurrency: 4, perHostDelayMs: delay });
    const urls = ['/1', '/2', '/3'].map((path) => `https://terms.a.example${path}`);
    const bodies = await Promise.all(
      urls.map((url) => scheduler.schedule(url, () => fetchCapture(url, { connect: server.connect }))),
    );

    expect(bodies.map((result) => (result.notModified ? '' : result.body.toString()))).toEqual([
      '<p>terms.a.example/1</p>',
      '<p>terms.a.example/2</p>',
      '<p>terms.a.example/3</p>',
    ]);
    expect(server.visits.map((visit) => visit.path)).toEqual(['/1', '/2', '/3']);
    expect(server.maxInFlight.get('terms.a.example')).toBe(1);
    for (let i = 1; i < server.visits.length; i++) {
      const gap = server.visits[i]!.arrived - server.visits[i - 1]!.finished;
      expect(gap).toBeGreaterThanOrEqual(delay - TOLERANCE_MS);
    }
  });

  it('runs different hosts concurrently, up to the global limit', async () => {
    const server = await recordingServer(200);
    const scheduler = createFetchScheduler({ concurrency: 2, perHostDelayMs: 1_000 });
    const urls = ['a', 'b', 'c'].map((name) => `https://www.${name}.example/terms`);
    await Promise.all(urls.map((url) => scheduler.schedule(url, () => fetchCapture(url, { connect: server.connect }))));

    expect(server.visits).toHaveLength(3);
    expect(server.maxTotal()).toBe(2);
    // The third host waited for a global slot, not for any host's delay.
    const [first, second, third] = server.visits;
    expect(second!.arrived).toBeLessThan(first!.finished);
    expect(third!.arrived).toBeGreaterThanOrEqual(Math.min(first!.finished, second!.finished) - TOLERANCE_MS);
    expect(third!.arrived - Math.min(first!.finished, second!.finished)).toBeLessThan(1_000 - TOLERANCE_MS);
  });

  it('does not hold other hosts back while one host waits out its delay', async () => {
    const delay = 300;
    const server = await recordingServer(100);
    const scheduler = createFetchScheduler({ concurrency: 4, perHostDelayMs: delay });
    const urls = ['https://a.example/1', 'https://a.example/2', 'https://b.example/1', 'https://b.example/2'];
    await Promise.all(urls.map((url) => scheduler.schedule(url, () => fetchCapture(url, { connect: server.connect }))));

    const of = (host: string) => server.visits.filter((visit) => visit.host === host);
    const [a1, a2] = of('a.example');
    const [b1, b2] = of('b.example');
    expect(server.maxInFlight.get('a.example')).toBe(1);
    expect(server.maxInFlight.get('b.example')).toBe(1);
    expect(server.maxTotal()).toBe(2);
    // b's first request did not wait behind a's pair, and each host kept its own spacing.
    expect(b1!.arrived).toBeLessThan(a2!.arrived);
    expect(a2!.arrived - a1!.finished).toBeGreaterThanOrEqual(delay - TOLERANCE_MS);
    expect(b2!.arrived - b1!.finished).toBeGreaterThanOrEqual(delay - TOLERANCE_MS);
  });

  it('passes a failure through and keeps the host queue moving, still spaced', async () => {
    const delay = 100;
    const scheduler = createFetchScheduler({ concurrency: 2, perHostDelayMs: delay });
    const ran: number[] = [];
    const failing = scheduler.schedule('https://a.example/1', async () => {
      ran.push(Date.now());
      throw new Error('boom');
    });
    const next = scheduler.schedule('https://a.example/2', async () => {
      ran.push(Date.now());
      return 'ok';
    });
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    expect(ran).toHaveLength(2);
    expect(ran[1]! - ran[0]!).toBeGreaterThanOrEqual(delay - TOLERANCE_MS);
  });
});
