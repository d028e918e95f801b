export { diffVersions, describeChange, describeProvisions, type Change, type ModifiedProvision, type Significance } from './diff.ts';
export { summarizeChange, summarizeDiff, MAX_SUMMARY } from './summary.ts';
