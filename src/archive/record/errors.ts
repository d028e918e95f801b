/**
 * Recording failed. Unlike fetch and extract failures this is never expected: the run stops at
 * once, because continuing could leave the archive in a state nobody has looked at.
 */
export class RecordError extends Error {
  override readonly name = 'RecordError';
}

/** Another run holds the archive. */
export class ArchiveLockedError extends Error {
  override readonly name = 'ArchiveLockedError';
}
