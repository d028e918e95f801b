import { FileError } from '../../file-error.ts';

/**
 * The failure ledger or a run report could not be read. The message names the file and the field
 * (`failures.json: entries.strava/privacy-policy.runs: Too small: expected number to be >0`).
 */
export class LedgerError extends FileError {
  override readonly name = 'LedgerError';
}
