import { FileError } from '../../file-error.ts';

/** A source declaration is missing, unreadable or invalid. The message names the file and field. */
export class SourcesError extends FileError {
  override readonly name = 'SourcesError';
}
