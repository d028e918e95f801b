/**
 * A file that is missing, unreadable or invalid: the message names the file, then each problem with
 * its field (`content/platforms/acme.yaml: documents.privacy-policy.url: …`). The stages' own errors
 * (sources, taxonomy, failure ledger) are this, under their own names.
 */
export class FileError extends Error {
  override readonly name: string = 'FileError';
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[], options?: ErrorOptions) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`, options);
    this.file = file;
    this.problems = problems;
  }
}
