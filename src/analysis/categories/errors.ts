/** The taxonomy is missing, unreadable, invalid or inconsistent. The message names the file and field. */
export class TaxonomyError extends Error {
  override readonly name = 'TaxonomyError';
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[], options?: ErrorOptions) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`, options);
    this.file = file;
    this.problems = problems;
  }
}
