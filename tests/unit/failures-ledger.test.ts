import { describe, expect, it } from 'vitest';
import {
  LedgerError,
  MESSAGE_LIMIT,
  emptyLedger,
  formatLedger,
  parseLedger,
  parseRunReport,
  updateLedger,
  type Ledger,
  type RunResult,
} from '../../src/archive/failures/index.ts';
import type { CaptureReport, SourceResult } from '../../src/archive/capture.ts';
import { reportJson } from '../../src/archive/report.ts';
import type { Source } from '../../src/archive/sources/index.ts';

const T1 = '2026-03-01T06:17:00.000Z';
const T2 = '2026-03-01T12:17:00.000Z';
const T3 = '2026-03-01T18:17:00.000Z';

const timeout: RunResult = { document: 'acme/privacy-policy', status: 'failed', stage: 'fetch', reason: 'timeout', message: 'no answer in 30 s', url: 'https://acme.example/privacy' };
const botWall: RunResult = { document: 'acme/privacy-policy', status: 'refused', stage: 'guard', reason: 'bot-wall', message: 'looks like a bot wall', url: 'https://acme.example/privacy' };
const ok = (document: string, status: 'recorded' | 'unchanged' | 'would-record' | 'held' = 'unchanged'): RunResult => ({ document, status });

describe('updateLedger', () => {
  it('enters a failing document with its first run, and counts the following ones', () => {
    const first = updateLedger(emptyLedger(), [timeout, ok('acme/terms-of-service')], T1);
    expect(first.changed).toBe(true);
    expect(first.opened.map((entry) => entry.document)).toEqual(['acme/privacy-policy']);
    expect(first.ledger.entries['acme/privacy-policy']).toEqual({
      document: 'acme/privacy-policy',
      url: 'https://acme.example/privacy',
      stage: 'fetch',
      reason: 'timeout',
      message: 'no answer in 30 s',
      since: T1,
      lastSeen: T1,
      runs: 1,
    });

    const second = updateLedger(first.ledger, [botWall], T2);
    expect(second.opened).toEqual([]);
    expect(second.ledger.entries['acme/privacy-policy']).toMatchObject({ stage: 'guard', reason: 'bot-wall', message: 'looks like a bot wall', since: T1, lastSeen: T2, runs: 2 });
  });

  it('keeps the issue number while the document keeps failing', () => {
    const ledger: Ledger = { version: 1, entries: { 'acme/privacy-policy': { ...updateLedger(emptyLedger(), [timeout], T1).ledger.entries['acme/privacy-policy']!, issue: 7 } } };
    expect(updateLedger(ledger, [timeout], T2).ledger.entries['acme/privacy-policy']).toMatchObject({ issue: 7, runs: 2 });
  });

  it.each(['recorded', 'unchanged', 'would-record', 'held'] as const)('removes a document that is %s, and reports it recovered as it was', (status) => {
    const failing = updateLedger(emptyLedger(), [timeout], T1).ledger;
    const after = updateLedger(failing, [ok('acme/privacy-policy', status)], T2);
    expect(after.ledger.entries).toEqual({});
    expect(after.recovered).toEqual([failing.entries['acme/privacy-policy']]);
    expect(after.changed).toBe(true);
  });

  it('counts refused documents as failing', () => {
    const { ledger } = updateLedger(emptyLedger(), [botWall], T1);
    expect(Object.keys(ledger.entries)).toEqual(['acme/privacy-policy']);
  });

  it('leaves documents the run did not look at alone', () => {
    const failing = updateLedger(emptyLedger(), [timeout, { ...timeout, document: 'zeta/privacy-policy' }], T1).ledger;
    const after = updateLedger(failing, [ok('zeta/privacy-policy')], T2);
    expect(after.ledger.entries['acme/privacy-policy']).toEqual(failing.entries['acme/privacy-policy']);
    expect(after.recovered.map((entry) => entry.document)).toEqual(['zeta/privacy-policy']);
  });

  it('reports no change when nothing failed and nothing recovered', () => {
    const failing = updateLedger(emptyLedger(), [timeout], T1).ledger;
    const after = updateLedger(failing, [ok('acme/terms-of-service'), ok('zeta/privacy-policy', 'recorded')], T2);
    expect(after.changed).toBe(false);
    expect(formatLedger(after.ledger)).toBe(formatLedger(failing));
    expect(updateLedger(emptyLedger(), [], T3).changed).toBe(false);
  });

  it('does not modify the previous ledger', () => {
    const failing = updateLedger(emptyLedger(), [timeout], T1).ledger;
    const before = formatLedger(failing);
    updateLedger(failing, [timeout], T2);
    updateLedger(failing, [ok('acme/privacy-policy')], T2);
    expect(formatLedger(failing)).toBe(before);
  });

  it('caps long messages', () => {
    const { ledger } = updateLedger(emptyLedger(), [{ ...timeout, message: 'x'.repeat(MESSAGE_LIMIT * 3) }], T1);
    expect(ledger.entries['acme/privacy-policy']!.message.length).toBe(MESSAGE_LIMIT + 1);
  });

  it('refuses a run that reports a document twice', () => {
    expect(() => updateLedger(emptyLedger(), [timeout, ok('acme/privacy-policy')], T1)).toThrow(/acme\/privacy-policy appears twice/);
  });
});

describe('formatLedger and parseLedger', () => {
  const ledger = updateLedger(emptyLedger(), [{ ...timeout, document: 'zeta/terms-of-service' }, timeout], T1).ledger;

  it('writes sorted keys, two-space indentation and a final newline', () => {
    const text = formatLedger(ledger);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "entries": {\n    "acme/privacy-policy": {\n      "document": "acme/privacy-policy",\n      "lastSeen"');
    expect(text.indexOf('"acme/privacy-policy"')).toBeLessThan(text.indexOf('"zeta/terms-of-service"'));
    expect(text.indexOf('"entries"')).toBeLessThan(text.indexOf('"version"'));
  });

  it('gives the same bytes whatever the order things were added in', () => {
    const reversed = updateLedger(emptyLedger(), [timeout, { ...timeout, document: 'zeta/terms-of-service' }], T1).ledger;
    expect(formatLedger(reversed)).toBe(formatLedger(ledger));
  });

  it('round-trips', () => {
    const withIssue: Ledger = { version: 1, entries: { ...ledger.entries, 'acme/privacy-policy': { ...ledger.entries['acme/privacy-policy']!, issue: 12 } } };
    expect(parseLedger('failures.json', formatLedger(withIssue))).toEqual(withIssue);
    expect(formatLedger(parseLedger('failures.json', formatLedger(withIssue)))).toBe(formatLedger(withIssue));
  });

  it('names the file and the field of a mistake', () => {
    const broken = JSON.parse(formatLedger(ledger));
    broken.entries['acme/privacy-policy'].runs = 0;
    broken.entries['zeta/terms-of-service'].since = 'yesterday';
    const error = (() => {
      try {
        parseLedger('ledger:failures.json', JSON.stringify(broken));
      } catch (caught) {
        return caught as LedgerError;
      }
    })();
    expect(error).toBeInstanceOf(LedgerError);
    expect(error!.problems).toEqual([
      expect.stringMatching(/^entries\.acme\/privacy-policy\.runs: /),
      'entries.zeta/terms-of-service.since: must be an ISO 8601 date-time',
    ]);
    expect(error!.message).toMatch(/^ledger:failures\.json: /);
  });

  it('refuses an entry filed under another document, an unknown version, unknown fields and bad JSON', () => {
    const moved = JSON.parse(formatLedger(ledger));
    moved.entries['acme/terms-of-service'] = moved.entries['acme/privacy-policy'];
    expect(() => parseLedger('f.json', JSON.stringify(moved))).toThrow('entries.acme/terms-of-service.document: must equal its key "acme/terms-of-service"');
    expect(() => parseLedger('f.json', JSON.stringify({ version: 2, entries: {} }))).toThrow(/f\.json: version: /);
    expect(() => parseLedger('f.json', JSON.stringify({ version: 1, entries: {}, extra: true }))).toThrow(/f\.json: \(top level\): .*extra/);
    expect(() => parseLedger('f.json', '{"version":')).toThrow(/f\.json: not valid JSON/);
  });
});

describe('run reports', () => {
  it('reads the results of a report and ignores fields it does not know', () => {
    const text = JSON.stringify({
      startedAt: T1,
      results: [
        { document: 'acme/privacy-policy', status: 'failed', stage: 'fetch', reason: 'http-status', message: 'HTTP 403', url: 'https://acme.example/privacy', attempts: 2 },
        { document: 'acme/terms-of-service', status: 'recorded', change: 'substantive' },
      ],
    });
    expect(parseRunReport('report.json', text)).toEqual([
      { document: 'acme/privacy-policy', status: 'failed', stage: 'fetch', reason: 'http-status', message: 'HTTP 403', url: 'https://acme.example/privacy' },
      { document: 'acme/terms-of-service', status: 'recorded' },
    ]);
  });

  it('names the result and field of a mistake', () => {
    const text = JSON.stringify({ results: [{ document: 'acme/privacy-policy', status: 'unchanged' }, { document: 'Acme Privacy', status: 'failed', stage: 'fetch' }] });
    expect(() => parseRunReport('report.json', text)).toThrow(/report\.json: \n  - results\.1\.document: must be "<platform>\/<document>".*\n  - results\.1\.reason: /s);
    expect(() => parseRunReport('report.json', JSON.stringify({ results: [{ document: 'a/b' }] }))).toThrow(/results\.0\.status: /);
    expect(() => parseRunReport('report.json', JSON.stringify({ result: [] }))).toThrow(/report\.json: results: /);
  });

  it('skips results with a status it does not know, leaving their ledger entries alone', () => {
    const text = JSON.stringify({ results: [{ document: 'acme/privacy-policy', status: 'archived-by-a-future-version', reason: 'drastic-shrink' }, { document: 'acme/terms-of-service', status: 'unchanged' }] });
    expect(parseRunReport('report.json', text)).toEqual([{ document: 'acme/terms-of-service', status: 'unchanged' }]);
  });

  it('reads the report the capture command writes', () => {
    const source = (document: string) => ({ platform: 'acme', document, urls: [`https://acme.example/${document}`] }) as unknown as Source;
    const results: SourceResult[] = [
      { source: source('privacy-policy'), attempts: 2, outcome: { status: 'failed', stage: 'fetch', reason: 'timeout', message: 'no answer', url: 'https://acme.example/privacy-policy', transient: true } },
      { source: source('terms-of-service'), attempts: 1, outcome: { status: 'refused', reason: 'bot-wall', detail: 'looks like a bot wall' } },
      { source: source('trackers-policy'), attempts: 1, outcome: { status: 'unchanged', notModified: true } },
    ];
    const report: CaptureReport = { results, repaired: [] };
    expect(parseRunReport('report.json', reportJson(report))).toEqual([
      { document: 'acme/privacy-policy', status: 'failed', stage: 'fetch', reason: 'timeout', message: 'no answer', url: 'https://acme.example/privacy-policy' },
      { document: 'acme/terms-of-service', status: 'refused', stage: 'guard', reason: 'bot-wall', message: 'looks like a bot wall', url: 'https://acme.example/terms-of-service' },
      { document: 'acme/trackers-policy', status: 'unchanged' },
    ]);
  });
});
