import { z } from 'zod';
import { LedgerError } from './errors.ts';
import { CAPTURED_STATUSES, DOCUMENT_ID, FAILURE_STAGES, REASON, describeIssues, type RunResult } from './run-results.ts';

/**
 * The ledger keeps the sources that fail from one run to the next, apart from the archive texts
 * (on its own branch): a failure is operational state, never part of a document's history.
 */

/** Error messages are kept for the issue body, not as a log: a long one says nothing more. */
export const MESSAGE_LIMIT = 2000;

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const ledgerEntrySchema = z.strictObject({
  /** `platform/document`; also the entry's key. */
  document: z.string().regex(DOCUMENT_ID, 'must be "<platform>/<document>" (slugs)'),
  /** The URL that failed (for guard refusals, the declared URLs). */
  url: z.string(),
  /** Where the latest failure happened. */
  stage: z.enum(FAILURE_STAGES),
  /** The latest failure's reason (`timeout`, `http-status`, `bot-wall` …); also an issue label. */
  reason: z.string().regex(REASON, 'must be a slug (a-z, 0-9, hyphens)'),
  /** The latest failure's message: untrusted text (it may quote the page). */
  message: z.string(),
  /** The first run of this streak of failures. */
  since: isoTime,
  /** The latest failing run. */
  lastSeen: isoTime,
  /** Consecutive failing runs, this one included. */
  runs: z.int().positive(),
  /** The GitHub issue tracking this failure, once one is opened. */
  issue: z.int().positive().optional(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const ledgerSchema = z
  .strictObject({
    /** The format of this file; bumped on an incompatible change. */
    version: z.literal(1),
    /** Failing documents, by `platform/document`. */
    entries: z.record(z.string(), ledgerEntrySchema),
  })
  .superRefine((ledger, context) => {
    for (const [key, entry] of Object.entries(ledger.entries)) {
      if (entry.document !== key) {
        context.addIssue({ code: 'custom', path: ['entries', key, 'document'], message: `must equal its key "${key}"` });
      }
    }
  });
export type Ledger = z.infer<typeof ledgerSchema>;

export interface LedgerUpdate {
  ledger: Ledger;
  /**
   * Whether the serialized ledger differs from the previous one. `runs` and `lastSeen` are stored
   * (the issue threshold counts consecutive runs, and an issue says when a document last failed),
   * so any run in which something fails changes the ledger: it is then written once per run,
   * on its own branch. A run in which nothing fails and nothing recovers leaves it as it was,
   * so a healthy archive writes nothing.
   */
  changed: boolean;
  /** Entries created by this run: documents that had not been failing. */
  opened: LedgerEntry[];
  /** Entries removed by this run, as they were: documents captured again. */
  recovered: LedgerEntry[];
}

export function emptyLedger(): Ledger {
  return { version: 1, entries: {} };
}

const captured: ReadonlySet<string> = new Set(CAPTURED_STATUSES);

/**
 * Applies one run's results. A captured document leaves the ledger; a failing one enters it or
 * counts one more run, with the latest stage, reason, message and URL. Documents the run did not
 * look at (filtered out) are left as they are, so a run for one platform ends no other streak.
 */
export function updateLedger(previous: Ledger, results: readonly RunResult[], now: string): LedgerUpdate {
  const entries: Record<string, LedgerEntry> = { ...previous.entries };
  const opened: LedgerEntry[] = [];
  const recovered: LedgerEntry[] = [];
  const seen = new Set<string>();
  for (const result of results) {
    if (seen.has(result.document)) throw new Error(`${result.document} appears twice in the run's results`);
    seen.add(result.document);
    const before = entries[result.document];
    if (captured.has(result.status)) {
      if (before) {
        delete entries[result.document];
        recovered.push(before);
      }
      continue;
    }
    if (!('stage' in result)) throw new Error(`${result.document}: a ${result.status} result needs a stage and a reason`);
    const failure = {
      url: result.url ?? '',
      stage: result.stage,
      reason: result.reason,
      message: capMessage(result.message ?? ''),
      lastSeen: now,
    };
    if (before) {
      entries[result.document] = { ...before, ...failure, runs: before.runs + 1 };
    } else {
      const entry: LedgerEntry = { document: result.document, ...failure, since: now, runs: 1 };
      entries[result.document] = entry;
      opened.push(entry);
    }
  }
  const ledger: Ledger = { version: 1, entries: sortedByKey(entries) };
  return { ledger, changed: formatLedger(ledger) !== formatLedger(previous), opened, recovered };
}

/** Deterministic JSON: keys sorted at every level, two-space indent, a final newline. */
export function formatLedger(ledger: Ledger): string {
  return `${JSON.stringify(canonical(ledger), null, 2)}\n`;
}

/** Reads a ledger; `file` only names it in errors. */
export function parseLedger(file: string, text: string): Ledger {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new LedgerError(file, [`not valid JSON: ${(error as Error).message}`], { cause: error });
  }
  const parsed = ledgerSchema.safeParse(raw);
  if (!parsed.success) throw new LedgerError(file, describeIssues(parsed.error), { cause: parsed.error });
  return { version: 1, entries: sortedByKey(parsed.data.entries) };
}

function capMessage(message: string): string {
  if (message.length <= MESSAGE_LIMIT) return message;
  return `${message.slice(0, MESSAGE_LIMIT).replace(/[\uD800-\uDBFF]$/, '')}…`;
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
