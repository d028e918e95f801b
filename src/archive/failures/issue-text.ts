import type { LedgerEntry } from './ledger.ts';

/**
 * What the failure issues say. Error messages quote servers and pages, so they are untrusted:
 * they only ever appear inside code (a fenced block or a code span), with backticks, ANSI escapes
 * and control characters removed so that they cannot close the code, mention people, or render.
 */

export const FAILURE_LABEL = 'capture-failure';
export const REASON_LABEL_PREFIX = 'reason:';
/** GitHub refuses longer label names. */
const LABEL_LIMIT = 50;
/** Enough to recognise an error; the full text is in the run's log. */
export const QUOTE_LIMIT = 1500;

export function issueTitle(document: string): string {
  return `Capture failing: ${document}`;
}

export function reasonLabel(reason: string): string {
  return `${REASON_LABEL_PREFIX}${reason}`.slice(0, LABEL_LIMIT);
}

/** The issue's description, rewritten on every failing run. */
export function issueBody(entry: LedgerEntry): string {
  const platform = entry.document.split('/')[0]!;
  return [
    `The capture of \`${entry.document}\` has failed in ${entry.runs} consecutive ${entry.runs === 1 ? 'run' : 'runs'}.`,
    '',
    `- Source: ${codeSpan(entry.url)}`,
    `- Stage: ${entry.stage}`,
    `- Reason: ${codeSpan(entry.reason)}`,
    `- Failing since: ${entry.since}`,
    `- Last failed: ${entry.lastSeen}`,
    '',
    'Latest error:',
    '',
    codeBlock(entry.message),
    '',
    'The capture workflow keeps this description up to date and closes the issue when the document is captured again.',
    `If the page moved or changed its layout, update its declaration in \`content/platforms/${platform}.yaml\`.`,
  ].join('\n');
}

/** Posted when the failure's reason changes, so that watchers hear of it once, not on every run. */
export function reasonChangedComment(entry: LedgerEntry, previousReason: string): string {
  return [
    `The failure reason changed from ${codeSpan(previousReason)} to ${codeSpan(entry.reason)} (stage: ${entry.stage}, ${entry.runs} consecutive failing runs since ${entry.since}).`,
    '',
    codeBlock(entry.message),
  ].join('\n');
}

/** Posted when a closed issue is reopened because the document still fails. */
export function reopenedComment(entry: LedgerEntry): string {
  return [
    `Reopened: the document still fails to capture (${codeSpan(entry.reason)}, ${entry.runs} consecutive failing runs since ${entry.since}).`,
    'To stop tracking it, fix or remove its declaration.',
  ].join('\n');
}

/** Posted when closing the issue. */
export function recoveredComment(entry: LedgerEntry, now: string): string {
  return `Captured again at ${now}. It had failed in ${entry.runs} consecutive ${entry.runs === 1 ? 'run' : 'runs'} since ${entry.since} (last reason: ${codeSpan(entry.reason)}).`;
}

/** A fenced block of untrusted text. */
export function codeBlock(text: string): string {
  const quoted = untrusted(text, QUOTE_LIMIT);
  return ['```text', quoted === '' ? '(no message)' : quoted, '```'].join('\n');
}

/** A one-line code span of untrusted text. */
export function codeSpan(text: string): string {
  const quoted = untrusted(text, 300).replace(/\s+/g, ' ').trim();
  return quoted === '' ? '(none)' : `\`${quoted}\``;
}

// ANSI/VT escape sequences: CSI (colours, cursor), OSC (titles, hyperlinks), and two-byte ones.
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;
// C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that can
// make text read differently from what it is.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Untrusted text made inert for a code block or span: no escapes, no controls, no backticks
 * (which could close the code), at most `limit` characters.
 */
export function untrusted(text: string, limit: number): string {
  const clean = text.replace(/\r\n?/g, '\n').replace(ESCAPES, '').replace(CONTROLS, '').replaceAll('`', "'").trim();
  if (clean.length <= limit) return clean;
  const kept = clean.slice(0, limit).replace(/[\uD800-\uDBFF]$/, '');
  return `${kept}\n… (${clean.length - kept.length} more characters)`;
}
