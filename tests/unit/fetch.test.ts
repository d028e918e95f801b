import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { FetchError, USER_AGENT, fetchCapture, parseRetryAfter, type FetchOptions, type FetchResult } from '../../src/archive/fetch/index.ts';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

interface LocalServer {
  origin: string;
  port: number;
  /** Every request the server received, in arrival order. */
  requests: http.IncomingMessage[];
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

/** A real HTTP server on loopback, on a port the OS picks. */
async function serve(handler: Handler): Promise<LocalServer> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port, requests };
}

const local: FetchOptions = { allowLoopback: true, timeoutMs: 5_000 };

async function fetchFailure(promise: Promise<FetchResult>): Promise<FetchError> {
  const error = await promise.then(
    (result) => {
      throw new Error(`expected a FetchError, got a result: ${JSON.stringify({ ...result, body: undefined })}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

function capture(result: FetchResult) {
  if (result.notModified) throw new Error('expected a capture, got notModified');
  return result;
}

const page = '<!doctype html><html><head><title>Terms</title></head><body><h1>Terms of Service</h1></body></html>';

describe('fetchCapture: a plain page', () => {
  it('returns the body bytes, media type, final URL and the injected clock time', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'Text/HTML; charset=UTF-8' });
      response.end(page);
    });
    const url = `${server.origin}/terms`;
    const result = capture(await fetchCapture(url, { ...local, now: () => new Date('2026-03-11T09:17:00Z') }));
    expect(result.body.equals(Buffer.from(page))).toBe(true);
    expect(result.status).toBe(200);
    expect(result.mediaType).toBe('text/html');
    expect(result.contentType).toBe('Text/HTML; charset=UTF-8');
    expect(result.url).toBe(url);
    expect(result.finalUrl).toBe(url);
    expect(result.fetchedAt).toBe('2026-03-11T09:17:00.000Z');
    expect(server.requests.map((r) => r.url)).toEqual(['/terms']);
  });

  it('identifies the archiver in the User-Agent header and sends no validators unasked', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(page);
    });
    await fetchCapture(`${server.origin}/`, local);
    const headers = server.requests[0]!.headers;
    expect(headers['user-agent']).toBe(USER_AGENT);
    expect(headers['user-agent']).toMatch(/^governance-archive\/\d+\.\d+\.\d+ \(\+https:\/\//);
    expect(headers['if-none-match']).toBeUndefined();
    expect(headers['if-modified-since']).toBeUndefined();
  });
});

describe('fetchCapture: redirects', () => {
  it('follows a relative Location and reports the final URL', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/legal/terms') {
        response.writeHead(301, { location: 'tos?lang=en' });
        return response.end();
      }
      if (request.url === '/legal/tos?lang=en') {
        response.writeHead(302, { location: '/final' });
        return response.end();
      }
      if (request.url === '/final') {
        response.writeHead(200, { 'content-type': 'text/html' });
        return response.end(page);
      }
      response.writeHead(404).end();
    });
    const url = `${server.origin}/legal/terms`;
    const result = capture(await fetchCapture(url, local));
    expect(result.url).toBe(url);
    expect(result.finalUrl).toBe(`${server.origin}/final`);
    expect(result.body.toString()).toBe(page);
    expect(server.requests.map((r) => r.url)).toEqual(['/legal/terms', '/legal/tos?lang=en', '/final']);
  });

  it('reports a redirect loop as redirect-loop', async () => {
    const server = await serve((request, response) => {
      response.writeHead(307, { location: request.url === '/a' ? '/b' : '/a' });
      response.end();
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/a`, local));
    expect(error.reason).toBe('redirect-loop');
    expect(error.transient).toBe(false);
    expect(server.requests.map((r) => r.url)).toEqual(['/a', '/b']);
  });

  it('follows exactly maxRedirects hops and refuses one more as too-many-redirects', async () => {
    // /hop/n redirects to /hop/n+1 until /hop/<end>, which is the page.
    const chain = (end: number) =>
      serve((request, response) => {
        const n = Number(request.url!.split('/').pop());
        if (n >= end) {
          response.writeHead(200, { 'content-type': 'text/html' });
          return response.end(page);
        }
        response.writeHead(302, { location: `/hop/${n + 1}` });
        response.end();
      });

    const within = await chain(3);
    const ok = capture(await fetchCapture(`${within.origin}/hop/0`, { ...local, maxRedirects: 3 }));
    expect(ok.finalUrl).toBe(`${within.origin}/hop/3`);

    const beyond = await chain(4);
    const error = await fetchFailure(fetchCapture(`${beyond.origin}/hop/0`, { ...local, maxRedirects: 3 }));
    expect(error.reason).toBe('too-many-redirects');
    expect(beyond.requests).toHaveLength(4);
  });

  it.each([
    ['a private address', 'http://10.0.0.1/'],
    ['the cloud metadata endpoint', 'http://169.254.169.254/latest/meta-data'],
    ['an IPv4-mapped IPv6 private address', 'http://[::ffff:192.168.1.1]/admin'],
    ['an internal host name', 'http://metadata.google.internal/computeMetadata/v1/'],
  ])('refuses a redirect to %s as blocked-address, without trying to connect', async (_label, target) => {
    const server = await serve((_request, response) => {
      response.writeHead(302, { location: target });
      response.end();
    });
    const timeoutMs = 10_000;
    const started = performance.now();
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { ...local, timeoutMs }));
    // A connection attempt would end as `timeout` or `network`, and not this fast.
    expect(error.reason).toBe('blocked-address');
    expect(error.transient).toBe(false);
    expect(performance.now() - started).toBeLessThan(timeoutMs / 2);
  });

  it('refuses a redirect to 0.0.0.0, which would otherwise reach this very server', async () => {
    // On Linux and macOS a connection to 0.0.0.0 lands on the local host, so the request count
    // shows whether the refused hop was attempted.
    const server = await serve((_request, response) => {
      response.writeHead(302, { location: `http://0.0.0.0:${port}/` });
      response.end();
    });
    const port = server.port;
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, local));
    expect(error.reason).toBe('blocked-address');
    expect(server.requests).toHaveLength(1);
  });
});

describe('fetchCapture: the address rule', () => {
  it('refuses the loopback server unless allowLoopback is set', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(page);
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { timeoutMs: 5_000 }));
    expect(error.reason).toBe('blocked-address');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses the name localhost unless allowLoopback is set, and resolves it when it is', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(page);
    });
    const url = `http://localhost:${server.port}/`;
    const error = await fetchFailure(fetchCapture(url, { timeoutMs: 5_000 }));
    expect(error.reason).toBe('blocked-address');
    expect(server.requests).toHaveLength(0);

    // Allowed, the name goes through the guarded DNS lookup and reaches the server.
    const result = capture(await fetchCapture(url, local));
    expect(result.body.toString()).toBe(page);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses other protocols as bad-url', async () => {
    const error = await fetchFailure(fetchCapture('ftp://ftp.example.org/terms.txt', local));
    expect(error.reason).toBe('bad-url');
  });

  it('sends a connect-overridden URL to the local server with the original Host header', async () => {
    const server = await serve((request, response) => {
      if (request.url === '/x') {
        response.writeHead(301, { location: '/y' });
        return response.end();
      }
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(page);
    });
    const connect = (url: URL) => (url.hostname === 'www.example-platform.example' ? { host: '127.0.0.1', port: server.port } : undefined);
    // No allowLoopback: an override is an explicit choice of where to connect.
    const result = capture(await fetchCapture('https://www.example-platform.example/x', { timeoutMs: 5_000, connect }));
    expect(result.url).toBe('https://www.example-platform.example/x');
    expect(result.finalUrl).toBe('https://www.example-platform.example/y');
    expect(result.body.toString()).toBe(page);
    expect(server.requests.map((r) => [r.headers.host, r.url])).toEqual([
      ['www.example-platform.example', '/x'],
      ['www.example-platform.example', '/y'],
    ]);
  });
});

describe('fetchCapture: timeouts and broken connections', () => {
  it('times out on a server that never answers', async () => {
    const server = await serve(() => {
      // Keep the connection open and say nothing.
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { ...local, timeoutMs: 300 }));
    expect(error.reason).toBe('timeout');
    expect(error.transient).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('times out on a body that trickles in slower than the deadline', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.write('<!doctype html>');
      const timer = setInterval(() => response.write('.'), 50);
      response.on('close', () => clearInterval(timer));
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { ...local, timeoutMs: 300 }));
    expect(error.reason).toBe('timeout');
    expect(error.transient).toBe(true);
  });

  it('reports a connection reset before the response as a transient network failure', async () => {
    const server = await serve((request) => {
      request.socket.destroy();
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, local));
    expect(error.reason).toBe('network');
    expect(error.transient).toBe(true);
  });

  it('reports a connection cut in the middle of the body as a transient network failure', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': '10000' });
      response.write('<!doctype html><p>the first part', () => response.socket?.destroy());
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, local));
    expect(error.reason).toBe('network');
    expect(error.transient).toBe(true);
  });
});

describe('fetchCapture: HTTP status', () => {
  it('reports 404 as a permanent http-status failure', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<h1>Not found</h1>');
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/gone`, local));
    expect(error.reason).toBe('http-status');
    expect(error.status).toBe(404);
    expect(error.transient).toBe(false);
    expect(error.url).toBe(`${server.origin}/gone`);
  });

  it('reports 503 as transient and does not retry it without Retry-After', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(503).end();
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, local));
    expect(error.reason).toBe('http-status');
    expect(error.status).toBe(503);
    expect(error.transient).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('waits a short Retry-After once and succeeds when the second request gets 200', async () => {
    const server = await serve((_request, response) => {
      if (server.requests.length === 1) {
        response.writeHead(429, { 'retry-after': '1' });
        return response.end();
      }
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(page);
    });
    const started = performance.now();
    const result = capture(await fetchCapture(`${server.origin}/`, { ...local, maxRetryAfterMs: 2_000 }));
    expect(result.body.toString()).toBe(page);
    expect(server.requests).toHaveLength(2);
    // The wait was honoured (a lower bound only).
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries only once, however often the server says Retry-After', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': '0' });
      response.end();
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, local));
    expect(error.status).toBe(429);
    expect(error.transient).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('does not wait for a long Retry-After and reports it on a transient failure', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': '3600' });
      response.end();
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { ...local, maxRetryAfterMs: 100 }));
    expect(error.reason).toBe('http-status');
    expect(error.status).toBe(429);
    expect(error.transient).toBe(true);
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(server.requests).toHaveLength(1);
  }, 5_000);

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-03-11T09:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 11 Mar 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 11 Mar 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('fetchCapture: body size and encoding', () => {
  it('refuses a body whose Content-Length exceeds maxBytes', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': '5000' });
      response.end('x'.repeat(5000));
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { ...local, maxBytes: 1000 }));
    expect(error.reason).toBe('too-large');
    expect(error.transient).toBe(false);
  });

  it('refuses a chunked body without Content-Length once it exceeds maxBytes', async () => {
    const server = await serve((_request, response) => {
      // No Content-Length and several writes: Node sends it chunked.
      response.writeHead(200, { 'content-type': 'text/html' });
      for (let i = 0; i < 10; i++) response.write('y'.repeat(500));
      response.end();
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { ...local, maxBytes: 1000 }));
    expect(error.reason).toBe('too-large');
  });

  it('accepts a body of exactly maxBytes', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('z'.repeat(1000));
    });
    const result = capture(await fetchCapture(`${server.origin}/`, { ...local, maxBytes: 1000 }));
    expect(result.body).toHaveLength(1000);
  });

  it('applies the cap while a compressed body is still streaming', async () => {
    // The response never ends: only the decoded size can stop it before the deadline.
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      const gzip = zlib.createGzip();
      gzip.pipe(response);
      gzip.write(Buffer.alloc(1_000_000, 'a'));
      gzip.flush();
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { ...local, maxBytes: 100_000 }));
    expect(error.reason).toBe('too-large');
  });

  it('applies the cap to the decoded size of a compressed body', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(1_000_000, 'a'));
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      response.end(bomb);
    });
    expect(bomb.length).toBeLessThan(10_000);
    const error = await fetchFailure(fetchCapture(`${server.origin}/`, { ...local, maxBytes: 100_000 }));
    expect(error.reason).toBe('too-large');
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('decodes a %s-encoded body', async (encoding, compress) => {
    const html = `<!doctype html><p>${'Privacy policy — données personnelles. '.repeat(50)}</p>`;
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': encoding });
      response.end(compress(Buffer.from(html)));
    });
    const result = capture(await fetchCapture(`${server.origin}/`, local));
    expect(result.body.toString('utf8')).toBe(html);
    expect(server.requests[0]!.headers['accept-encoding']).toContain(encoding);
  });

  it('refuses an unsupported content type', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    });
    const error = await fetchFailure(fetchCapture(`${server.origin}/logo.png`, local));
    expect(error.reason).toBe('unsupported-content-type');
    expect(error.transient).toBe(false);
  });

  it('accepts a PDF', async () => {
    const pdf = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/pdf' });
      response.end(pdf);
    });
    const result = capture(await fetchCapture(`${server.origin}/terms.pdf`, local));
    expect(result.mediaType).toBe('application/pdf');
    expect(result.body.equals(pdf)).toBe(true);
  });
});

describe('fetchCapture: conditional requests', () => {
  const etag = '"v1-abc"';
  const lastModified = 'Tue, 10 Mar 2026 12:00:00 GMT';

  /** Answers 304 when either validator matches, like most servers and CDNs. */
  const conditionalServer = () =>
    serve((request, response) => {
      if (request.headers['if-none-match'] === etag || request.headers['if-modified-since'] === lastModified) {
        response.writeHead(304, { etag, 'last-modified': lastModified });
        return response.end();
      }
      response.writeHead(200, { 'content-type': 'text/html', etag, 'last-modified': lastModified });
      response.end(page);
    });

  it('records the validators of a capture', async () => {
    const server = await conditionalServer();
    const result = capture(await fetchCapture(`${server.origin}/`, local));
    expect(result.etag).toBe(etag);
    expect(result.lastModified).toBe(lastModified);
  });

  it('sends If-None-Match and reports notModified on 304', async () => {
    const server = await conditionalServer();
    const url = `${server.origin}/terms`;
    const result = await fetchCapture(url, { ...local, validators: { etag } });
    expect(result).toEqual({ notModified: true, url });
    expect(server.requests[0]!.headers['if-none-match']).toBe(etag);
  });

  it('sends If-Modified-Since and reports notModified on 304', async () => {
    const server = await conditionalServer();
    const url = `${server.origin}/terms`;
    const result = await fetchCapture(url, { ...local, validators: { lastModified } });
    expect(result).toEqual({ notModified: true, url });
    expect(server.requests[0]!.headers['if-modified-since']).toBe(lastModified);
  });

  it('returns a full capture when the validators no longer match', async () => {
    const server = await conditionalServer();
    const result = capture(await fetchCapture(`${server.origin}/`, { ...local, validators: { etag: '"v0-old"' } }));
    expect(result.body.toString()).toBe(page);
    expect(result.etag).toBe(etag);
  });
});
