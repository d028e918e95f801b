import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import zlib from 'node:zlib';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { FetchError } from './errors.ts';
import { isAllowedAddress, isInternalHostname } from './public-address.ts';

export { FetchError, type FetchFailure } from './errors.ts';
export { createFetchScheduler, type FetchScheduler } from './scheduler.ts';
export { decodeBody, detectCharset } from './charset.ts';
export { isPublicAddress, urlShapeProblem } from './public-address.ts';

export const ARCHIVER_NAME = 'governance-archive';
export const ARCHIVER_VERSION = '0.1.0';
export const USER_AGENT = `${ARCHIVER_NAME}/${ARCHIVER_VERSION} (+https://github.com/governance-archive/governance-archive; archives public legal documents)`;

/** The raw bytes fetched for one URL of a source, with what the server said about them. */
export interface Capture {
  /** The URL as declared. */
  url: string;
  /** The URL after redirects. */
  finalUrl: string;
  status: number;
  /** Media type without parameters, e.g. `text/html`. */
  mediaType: string;
  contentType: string;
  body: Buffer;
  fetchedAt: string;
  etag?: string;
  lastModified?: string;
}

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export interface FetchOptions {
  timeoutMs?: number;
  maxRedirects?: number;
  maxBytes?: number;
  userAgent?: string;
  /** Tests and the demo serve on 127.0.0.1; production never does. */
  allowLoopback?: boolean;
  /**
   * Where to connect for a URL instead of resolving its host, keeping the Host header: the demo
   * and tests serve `https://www.lumen-ai.example/…` from a plain HTTP server on loopback.
   */
  connect?: (url: URL) => { host: string; port: number } | undefined;
  /** Validators from the previous capture, for a conditional request. */
  validators?: Validators;
  /** Longest `Retry-After` we wait for inside one fetch; longer waits become a transient failure. */
  maxRetryAfterMs?: number;
  /** Clock for `fetchedAt`; the demo runs on a simulated clock. */
  now?: () => Date;
}

export type FetchResult = { notModified: true; url: string } | ({ notModified: false } & Capture);

const ACCEPTED_MEDIA_TYPES = new Set(['text/html', 'application/xhtml+xml', 'text/plain', 'application/pdf']);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Fetches one URL: follows redirects (each hop checked against the address rule), enforces a
 * deadline and a body-size cap, honours a short `Retry-After` once, and sends a conditional
 * request when validators are known. Throws FetchError for anything but a usable document.
 */
export async function fetchCapture(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  try {
    return await fetchFollowingRedirects(url, options);
  } catch (error) {
    if (error instanceof FetchError && error.retryAfterMs !== undefined && error.retryAfterMs <= maxRetryAfterMs) {
      await sleep(error.retryAfterMs);
      return fetchFollowingRedirects(url, options);
    }
    throw error;
  }
}

async function fetchFollowingRedirects(declared: string, options: FetchOptions): Promise<FetchResult> {
  const maxRedirects = options.maxRedirects ?? 5;
  const seen = new Set<string>();
  let current = declared;
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(declared, current, options, hop === 0 ? options.validators : undefined);
    if (response.kind === 'done') return response.result;
    seen.add(current);
    const next = response.location;
    if (seen.has(next)) throw new FetchError(declared, 'redirect-loop', `redirect loop at ${next}`);
    if (hop + 1 > maxRedirects) throw new FetchError(declared, 'too-many-redirects', `more than ${maxRedirects} redirects`);
    current = next;
  }
}

type Hop = { kind: 'done'; result: FetchResult } | { kind: 'redirect'; location: string };

function guardedLookup(declared: string, allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = addresses as dns.LookupAddress[];
      const blocked = list.find((a) => !isAllowedAddress(a.address, allowLoopback));
      if (blocked || list.length === 0) {
        const err = new FetchError(declared, 'blocked-address', `${hostname} resolves to the non-public address ${blocked?.address ?? '(none)'}`);
        return callback(err as unknown as NodeJS.ErrnoException, '', 4);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

function requestOnce(declared: string, target: string, options: FetchOptions, validators: Validators | undefined): Promise<Hop> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const allowLoopback = options.allowLoopback ?? false;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.reject(new FetchError(declared, 'bad-url', `not a URL: ${target}`));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.reject(new FetchError(declared, 'bad-url', `refusing the ${url.protocol} protocol at ${target}`));
  }
  const override = options.connect?.(url);
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!override) {
    if (isIP(literal) && !isAllowedAddress(literal, allowLoopback)) {
      return Promise.reject(new FetchError(declared, 'blocked-address', `refusing the non-public address ${literal}`));
    }
    if (!isIP(literal) && isInternalHostname(literal) && !(allowLoopback && literal === 'localhost')) {
      return Promise.reject(new FetchError(declared, 'blocked-address', `refusing the internal host name ${literal}`));
    }
  }
  const headers: Record<string, string> = {
    'user-agent': options.userAgent ?? USER_AGENT,
    accept: 'text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5',
    'accept-language': 'en;q=1.0',
    'accept-encoding': 'gzip, deflate, br',
  };
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;

  return new Promise<Hop>((resolve, reject) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const fail = (error: unknown) => reject(toFetchError(declared, error, timeoutMs));
    const client = override || url.protocol === 'http:' ? http : https;
    const request = client.request(
      {
        protocol: override ? 'http:' : url.protocol,
        hostname: override ? override.host : literal,
        port: override ? override.port : url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { ...headers, host: url.host },
        lookup: override ? undefined : guardedLookup(declared, allowLoopback),
        signal: deadline,
        servername: override || isIP(literal) ? undefined : literal,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (REDIRECT_STATUSES.has(status) && location) {
          response.resume();
          let next: string;
          try {
            next = new URL(location, url).toString();
          } catch {
            return reject(new FetchError(declared, 'bad-url', `redirect to an invalid location: ${location}`));
          }
          return resolve({ kind: 'redirect', location: next });
        }
        if (status === 304 && validators) {
          response.resume();
          return resolve({ kind: 'done', result: { notModified: true, url: declared } });
        }
        if (status < 200 || status >= 300) {
          response.resume();
          return reject(
            new FetchError(declared, 'http-status', `HTTP ${status}${target !== declared ? ` at ${target}` : ''}`, {
              status,
              retryAfterMs: parseRetryAfter(response.headers['retry-after'], options.now?.() ?? new Date()),
            }),
          );
        }
        const contentType = String(response.headers['content-type'] ?? 'text/html');
        const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
        if (!ACCEPTED_MEDIA_TYPES.has(mediaType)) {
          response.resume();
          return reject(new FetchError(declared, 'unsupported-content-type', `unsupported content type ${mediaType}`));
        }
        const declaredLength = Number(response.headers['content-length']);
        if (Number.isFinite(declaredLength) && declaredLength > maxBytes && !response.headers['content-encoding']) {
          response.destroy();
          return reject(new FetchError(declared, 'too-large', `body of ${declaredLength} bytes exceeds the ${maxBytes}-byte cap`));
        }
        const decoded = decompress(response, String(response.headers['content-encoding'] ?? ''));
        const chunks: Buffer[] = [];
        let size = 0;
        decoded.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            // Reject before destroying: destroy() emits 'aborted' synchronously, which would
            // otherwise settle the promise first as a network failure.
            reject(new FetchError(declared, 'too-large', `body exceeds the ${maxBytes}-byte cap`));
            response.destroy();
            decoded.destroy();
            return;
          }
          chunks.push(chunk);
        });
        decoded.on('error', fail);
        response.on('error', fail);
        response.on('aborted', () => fail(new Error('connection closed before the body ended')));
        decoded.on('end', () => {
          const header = (name: string) => {
            const value = response.headers[name];
            return typeof value === 'string' ? value : undefined;
          };
          const etag = header('etag');
          const lastModified = header('last-modified');
          resolve({
            kind: 'done',
            result: {
              notModified: false,
              url: declared,
              finalUrl: target,
              status,
              mediaType,
              contentType,
              body: Buffer.concat(chunks),
              fetchedAt: (options.now?.() ?? new Date()).toISOString(),
              ...(etag ? { etag } : {}),
              ...(lastModified ? { lastModified } : {}),
            },
          });
        });
      },
    );
    request.on('error', fail);
    request.end();
  });
}

function decompress(stream: http.IncomingMessage, encoding: string): Readable {
  switch (encoding.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return stream.pipe(zlib.createGunzip());
    case 'deflate':
      return stream.pipe(zlib.createInflate());
    case 'br':
      return stream.pipe(zlib.createBrotliDecompress());
    default:
      return stream;
  }
}

function toFetchError(url: string, error: unknown, timeoutMs: number): FetchError {
  if (error instanceof FetchError) return error;
  const err = error as NodeJS.ErrnoException & { name?: string };
  if (err?.name === 'AbortError' || err?.name === 'TimeoutError' || err?.code === 'ABORT_ERR') {
    return new FetchError(url, 'timeout', `no complete response within ${timeoutMs} ms`, { cause: error });
  }
  if (err?.code === 'ENOTFOUND' || err?.code === 'EAI_AGAIN') {
    return new FetchError(url, 'dns', `host not found (${err.code})`, { cause: error, transient: err.code === 'EAI_AGAIN' });
  }
  return new FetchError(url, 'network', `${err?.code ?? 'network error'}: ${err?.message ?? String(error)}`, { cause: error });
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}
