import { z } from 'zod';
import { LedgerError } from './errors.ts';

/** Platform and document slugs joined: `strava/privacy-policy`. */
export const DOCUMENT_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Failure reasons are slugs (`http-status`, `bot-wall`): they become issue labels. */
export const REASON = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const FAILURE_STAGES = ['fetch', 'extract', 'guard'] as const;
export type FailureStage = (typeof FAILURE_STAGES)[number];

/** Statuses that mean the document was captured: it leaves the ledger. */
// A held text was captured fine; it waits for confirmation, not for a fix (docs/decisions/0006).
export const CAPTURED_STATUSES = ['recorded', 'unchanged', 'would-record', 'held'] as const;
/** Statuses that mean it was not: it enters the ledger, or stays in it one more run. */
export const FAILING_STATUSES = ['failed', 'refused'] as const;

const documentId = z.string().regex(DOCUMENT_ID, 'must be "<platform>/<document>" (slugs)');

/**
 * One document's outcome in a run, as the capture command writes it to its `--report` file.
 * Unknown fields are ignored, so the report may carry more than this reads.
 */
export const runResultSchema = z.discriminatedUnion('status', [
  z.object({
    /** `platform/document`. */
    document: documentId,
    status: z.enum(CAPTURED_STATUSES),
  }),
  z.object({
    document: documentId,
    status: z.enum(FAILING_STATUSES),
    /** Where it failed: fetching, extracting, or refused by the guard (refused and quarantined). */
    stage: z.enum(FAILURE_STAGES),
    /** The error's reason (`timeout`, `http-status`, `bot-wall` …). */
    reason: z.string().regex(REASON, 'must be a slug (a-z, 0-9, hyphens)').max(43, 'must fit in a label (43 characters)'),
    /** The error message or the guard's detail: may quote the page, so it is untrusted text. */
    message: z.string().default(''),
    /** The URL that failed; for guard refusals the declared URL(s). */
    url: z.string().default(''),
  }),
]);
export type RunResult = z.input<typeof runResultSchema>;

const knownStatuses: ReadonlySet<unknown> = new Set([...CAPTURED_STATUSES, ...FAILING_STATUSES]);
const reportSchema = z.object({ results: z.array(z.looseObject({ status: z.string() })) });

/**
 * Reads the results of a run report (`{ "results": [ … ] }`, as `capture --report` writes it);
 * `file` only names it in errors. A result with a status this module does not know (one a newer
 * capture added) is skipped, which leaves that document's ledger entry as it was.
 */
export function parseRunReport(file: string, text: string): RunResult[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new LedgerError(file, [`not valid JSON: ${(error as Error).message}`], { cause: error });
  }
  const report = reportSchema.safeParse(raw);
  if (!report.success) throw new LedgerError(file, describeIssues(report.error), { cause: report.error });
  const results: RunResult[] = [];
  const problems: string[] = [];
  report.data.results.forEach((item, index) => {
    if (!knownStatuses.has(item.status)) return;
    const parsed = runResultSchema.safeParse(item);
    if (parsed.success) results.push(parsed.data);
    else problems.push(...parsed.error.issues.map((issue) => `results.${index}.${issue.path.map(String).join('.')}: ${issue.message}`));
  });
  if (problems.length > 0) throw new LedgerError(file, problems);
  return results;
}

/** `field.path: message`, the way a person reading the JSON looks for it. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)'}: ${issue.message}`);
}
