import type { CaptureReport, SourceResult } from './capture.ts';

/** One line per finished source, for progress output. */
export function progressLine(result: SourceResult, done: number, total: number): string {
  const id = `${result.source.platform}/${result.source.document}`;
  const o = result.outcome;
  const what =
    o.status === 'recorded' ? `new version (${o.change}): ${o.summary}`
    : o.status === 'would-record' ? `would record a ${o.change} version (dry run)`
    : o.status === 'unchanged' ? (o.notModified ? 'unchanged (not modified)' : 'unchanged')
    : o.status === 'refused' ? `REFUSED (${o.reason}): ${o.detail}`
    : o.status === 'held' ? `HELD for review (${o.reason}, seen ${o.sightings} of ${o.needed} runs needed): ${o.detail}`
    : `FAILED at ${o.stage} (${o.reason}${o.transient ? ', transient' : ''}): ${o.message}`;
  return `[${String(done).padStart(String(total).length)}/${total}] ${id}: ${what}${result.attempts > 1 ? ' [retried]' : ''}`;
}

export interface Counts {
  captured: number;
  unchanged: number;
  recorded: number;
  refused: number;
  held: number;
  failed: number;
}

export function countOutcomes(report: CaptureReport): Counts {
  const counts: Counts = { captured: 0, unchanged: 0, recorded: 0, refused: 0, held: 0, failed: 0 };
  for (const { outcome } of report.results) {
    if (outcome.status !== 'failed') counts.captured++;
    if (outcome.status === 'unchanged') counts.unchanged++;
    if (outcome.status === 'recorded' || outcome.status === 'would-record') counts.recorded++;
    if (outcome.status === 'refused') counts.refused++;
    if (outcome.status === 'held') counts.held++;
    if (outcome.status === 'failed') counts.failed++;
  }
  return counts;
}

/** The end-of-run table, then every failure and refusal with its source, URL and reason. */
export function formatSummary(report: CaptureReport, { dryRun = false } = {}): string {
  const c = countOutcomes(report);
  const rows: Array<[string, number]> = [
    ['sources', report.results.length],
    ['captured', c.captured],
    ['unchanged', c.unchanged],
    [dryRun ? 'new versions (dry run, not recorded)' : 'new versions', c.recorded],
    ['refused by the guard', c.refused],
    ['held for review', c.held],
    ['failed', c.failed],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = ['', 'Summary', ...rows.map(([label, n]) => `  ${label.padEnd(width)}  ${String(n).padStart(5)}`)];
  const problems = report.results.filter((r) => r.outcome.status === 'failed' || r.outcome.status === 'refused' || r.outcome.status === 'held');
  if (problems.length > 0) {
    lines.push('', 'Problems');
    for (const { source, outcome } of problems) {
      if (outcome.status === 'failed') lines.push(`  ${source.platform}/${source.document}  ${outcome.url}  ${outcome.stage}: ${outcome.message}`);
      else if (outcome.status === 'refused') lines.push(`  ${source.platform}/${source.document}  ${source.urls.join(' ')}  refused (${outcome.reason}): ${outcome.detail}`);
      else if (outcome.status === 'held') lines.push(`  ${source.platform}/${source.document}  ${source.urls.join(' ')}  held (${outcome.reason}, ${outcome.sightings}/${outcome.needed}): ${outcome.detail}; approve with npm run held -- approve ${source.platform}/${source.document}`);
    }
  }
  if (report.repaired.length > 0) lines.push('', `Repaired after an interrupted run: ${report.repaired.join(', ')}`);
  return lines.join('\n');
}

/** 0 when everything was captured; 1 when any source failed, was refused or is held for review. */
export function exitCodeOf(report: CaptureReport): number {
  const c = countOutcomes(report);
  return c.failed + c.refused + c.held > 0 ? 1 : 0;
}

/** A capture run as JSON, for the failure-issue job and anyone scripting around a run. */
export function reportJson(report: CaptureReport): string {
  const results = report.results.map(({ source, outcome, attempts }) => {
    const base = { document: `${source.platform}/${source.document}`, status: outcome.status, attempts };
    switch (outcome.status) {
      case 'recorded':
        return { ...base, change: outcome.change, summary: outcome.summary, commit: outcome.commit };
      case 'would-record':
        return { ...base, change: outcome.change };
      case 'failed':
        return { ...base, stage: outcome.stage, reason: outcome.reason, message: outcome.message, url: outcome.url, transient: outcome.transient };
      case 'refused':
        return { ...base, stage: 'guard', reason: outcome.reason, message: outcome.detail, url: source.urls[0] };
      case 'held':
        return { ...base, reason: outcome.reason, message: outcome.detail, sightings: outcome.sightings, needed: outcome.needed };
      default:
        return base;
    }
  });
  return `${JSON.stringify({ results }, null, 2)}\n`;
}
