import { describe, expect, it } from 'vitest';
import { QUOTE_LIMIT, codeBlock, codeSpan, issueBody, issueTitle, reasonLabel, untrusted } from '../../src/archive/failures/issue-text.ts';
import type { LedgerEntry } from '../../src/archive/failures/index.ts';

const entry: LedgerEntry = {
  document: 'acme/privacy-policy',
  url: 'https://acme.example/privacy',
  stage: 'fetch',
  reason: 'http-status',
  message: 'HTTP 503 Service Unavailable (https://acme.example/privacy)',
  since: '2026-03-01T06:17:00.000Z',
  lastSeen: '2026-03-01T12:17:00.000Z',
  runs: 2,
};

describe('failure issue text', () => {
  it('titles and labels', () => {
    expect(issueTitle('acme/privacy-policy')).toBe('Capture failing: acme/privacy-policy');
    expect(reasonLabel('timeout')).toBe('reason:timeout');
    expect(reasonLabel('x'.repeat(80))).toHaveLength(50);
  });

  it('describes the failure with the message in a fenced block', () => {
    const body = issueBody(entry);
    expect(body).toContain('has failed in 2 consecutive runs');
    expect(body).toContain('- Reason: `http-status`');
    expect(body).toContain('- Failing since: 2026-03-01T06:17:00.000Z');
    expect(body).toContain('```text\nHTTP 503 Service Unavailable (https://acme.example/privacy)\n```');
    expect(body).toContain('content/platforms/acme.yaml');
  });

  it('makes scraped text inert: no backticks, escapes, controls or bidirectional overrides', () => {
    const hostile = 'Access denied ```\n</details> @maintainer \u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007 \u0000\u0007\u202eevil\u202c done';
    const block = codeBlock(hostile);
    const inner = block.slice('```text\n'.length, -'\n```'.length);
    expect(inner).not.toContain('`');
    expect(inner).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(inner).toBe("Access denied '''\n</details> @maintainer red link evil done");
    expect(block.split('```')).toHaveLength(3);
    expect(codeSpan('a `b`\nc')).toBe("`a 'b' c`");
    expect(codeSpan('')).toBe('(none)');
  });

  it('caps quotes and says how much was left out', () => {
    const quoted = untrusted('y'.repeat(QUOTE_LIMIT + 500), QUOTE_LIMIT);
    expect(quoted).toBe(`${'y'.repeat(QUOTE_LIMIT)}\n… (500 more characters)`);
    expect(untrusted(`${'z'.repeat(9)}😀`, 10)).toBe(`${'z'.repeat(9)}\n… (2 more characters)`);
  });
});
