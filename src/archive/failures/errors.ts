/**
 * The failure ledger or a run report could not be read. The message names the file and the field
 * (`failures.json: entries.strava/privacy-policy.runs: Too small: expected number to be >0`).
 */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[], options?: ErrorOptions) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`, options);
    this.file = file;
    this.problems = problems;
  }
}
