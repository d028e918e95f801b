export { LedgerError } from './errors.ts';
export * from './ledger.ts';
export * from './run-results.ts';
export { DEFAULT_THRESHOLD, syncFailureIssues, type IssueAction, type IssueActionKind, type IssueSyncError, type SyncOptions, type SyncResult } from './issues.ts';
export { FAILURE_LABEL, issueTitle, reasonLabel } from './issue-text.ts';
