/** A source declaration is missing, unreadable or invalid. The message names the file and field. */
export class SourcesError extends Error {
  override readonly name = 'SourcesError';
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[], options?: ErrorOptions) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`, options);
    this.file = file;
    this.problems = problems;
  }
}
