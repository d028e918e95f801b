export type FetchFailure =
  | 'bad-url'
  | 'blocked-address'
  | 'dns'
  | 'network'
  | 'timeout'
  | 'http-status'
  | 'too-many-redirects'
  | 'redirect-loop'
  | 'too-large'
  | 'unsupported-content-type'
  | 'browser';

/** Reasons that may go away on their own; the run retries these once at its end. */
const TRANSIENT: ReadonlySet<FetchFailure> = new Set(['network', 'timeout', 'dns']);

/**
 * Fetching a capture failed. Expected in a long-running archive (sites go down, rate-limit,
 * move pages); it is reported and never touches the archive.
 */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly url: string;
  readonly reason: FetchFailure;
  readonly status: number | undefined;
  /** Worth trying again later in the same run (timeouts, resets, 5xx, 429). */
  readonly transient: boolean;
  /** Milliseconds the server asked us to wait, from `Retry-After`. */
  readonly retryAfterMs: number | undefined;

  constructor(
    url: string,
    reason: FetchFailure,
    message: string,
    options: ErrorOptions & { status?: number; retryAfterMs?: number; transient?: boolean } = {},
  ) {
    super(`${message} (${url})`, options);
    this.url = url;
    this.reason = reason;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.transient =
      options.transient ??
      (TRANSIENT.has(reason) ||
        (reason === 'http-status' && options.status !== undefined && (options.status >= 500 || options.status === 429 || options.status === 408)));
  }
}
