import { FileError } from '../../file-error.ts';

/** The taxonomy is missing, unreadable, invalid or inconsistent. The message names the file and field. */
export class TaxonomyError extends FileError {
  override readonly name = 'TaxonomyError';
}
