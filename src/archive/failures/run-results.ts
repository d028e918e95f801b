import { z } from 'zod';
import type { CaptureReport, SourceResult } from '../capture.ts';
import { LedgerError } from './errors.ts';

/** Platform and document slugs joined: `strava/privacy-policy`. */
export const DOCUMENT_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Failure reasons are slugs (`http-status`, `bot-wall`): they become issue labels. */
export const REASON = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const FAILURE_STAGES = ['fetch', 'extract', 'guard'] as const;
export type FailureStage = (typeof FAILURE_STAGES)[number];

/** Statuses that mean the document was captured: it leaves the ledger. */
export const CAPTURED_STATUSES = ['recorded', 'unchanged', 'would-record'] as const;
/** Statuses that mean it was not: it enters the ledger, or stays in it one more run. */
export const FAILING_STATUSES = ['failed', 'refused', 'quarantined'] as const;

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

export const runReportSchema = z.object({ results: z.array(runResultSchema) });

/** The capture report's outcome for one source, in the shape of the `--report` file. */
export function runResultOf({ source, outcome }: SourceResult): RunResult {
  const document = `${source.platform}/${source.document}`;
  switch (outcome.status) {
    case 'recorded':
    case 'unchanged':
    case 'would-record':
      return { document, status: outcome.status };
    case 'failed':
      return { document, status: 'failed', stage: outcome.stage, reason: outcome.reason, message: outcome.message, url: outcome.url };
    case 'refused':
      return { document, status: 'refused', stage: 'guard', reason: outcome.reason, message: outcome.detail, url: source.urls.join(' ') };
  }
}

/** The `--report` JSON of a capture run: `{ "results": [ … ] }`, two-space indented. */
export function formatRunReport(report: CaptureReport): string {
  return `${JSON.stringify({ results: report.results.map(runResultOf) }, null, 2)}\n`;
}

/** Reads a run report; `file` only names it in errors. */
export function parseRunReport(file: string, text: string): RunResult[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new LedgerError(file, [`not valid JSON: ${(error as Error).message}`], { cause: error });
  }
  const parsed = runReportSchema.safeParse(raw);
  if (!parsed.success) throw new LedgerError(file, describeIssues(parsed.error), { cause: parsed.error });
  return parsed.data.results;
}

/** `field.path: message`, the way a person reading the JSON looks for it. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)'}: ${issue.message}`);
}
