export type ExtractFailure = 'no-match' | 'empty' | 'unsupported' | 'invalid-selector';

/** The captured page did not yield the document: a selector matched nothing, nothing was left. */
export class ExtractError extends Error {
  override readonly name = 'ExtractError';
  readonly url: string;
  readonly reason: ExtractFailure;
  /** Extraction failures come from the page's shape, which does not fix itself within a run. */
  readonly transient = false;

  constructor(url: string, reason: ExtractFailure, message: string, options?: ErrorOptions) {
    super(`${message} (${url})`, options);
    this.url = url;
    this.reason = reason;
  }
}
