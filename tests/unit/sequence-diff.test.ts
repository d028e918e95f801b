import { diffArrays, diffWordsWithSpace } from 'diff';
import { describe, expect, it } from 'vitest';
import { diffSequences, diffWords, editCounts } from '../../src/analysis/sequence-diff.ts';

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A sequence, and an edit of it: tokens dropped, inserted, replaced or moved, from a small alphabet (many ties). */
function pair(next: () => number, alphabet: number, length: number): [string[], string[]] {
  const pick = () => String.fromCharCode(97 + Math.floor(next() * alphabet));
  const before = Array.from({ length: Math.floor(next() * length) }, pick);
  const after = [...before];
  const edits = Math.floor(next() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (after.length + 1));
    const kind = next();
    if (kind < 0.3) after.splice(at, 1 + Math.floor(next() * 3));
    else if (kind < 0.6) after.splice(at, 0, ...Array.from({ length: 1 + Math.floor(next() * 3) }, pick));
    else if (kind < 0.85) after.splice(at, 1, pick());
    else after.reverse();
  }
  return [before, after];
}

const plain = <T extends { added?: boolean; removed?: boolean; count?: number; value: unknown }>(parts: T[]) =>
  parts.map((p) => ({ added: Boolean(p.added), removed: Boolean(p.removed), count: p.count, value: p.value }));

describe('diffSequences', () => {
  it('returns the parts of diffArrays, tie for tie, on 20,000 random edits', () => {
    const next = random(7);
    for (let i = 0; i < 20_000; i++) {
      const [before, after] = pair(next, 2 + Math.floor(next() * 6), 1 + Math.floor(next() * 40));
      const expected = plain(diffArrays(before, after));
      const actual = plain(diffSequences(before, after));
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ before, after, actual }).toEqual({ before, after, actual: expected });
    }
  });

  it('hands a comparison past its step budget over to diffArrays, with the same result', () => {
    const next = random(5);
    for (let i = 0; i < 2_000; i++) {
      const [before, after] = pair(next, 3, 30);
      expect(plain(diffSequences(before, after, 4))).toEqual(plain(diffArrays(before, after)));
    }
  });

  it('handles empty sides, identical sequences and wholly different ones', () => {
    for (const [before, after] of [
      [[], []],
      [['a'], []],
      [[], ['a', 'b']],
      [['a', 'b'], ['a', 'b']],
      [['a', 'b'], ['c', 'd', 'e']],
      [['x', 'a', 'b'], ['a', 'b', 'x']],
    ] as Array<[string[], string[]]>) {
      expect(plain(diffSequences(before, after))).toEqual(plain(diffArrays(before, after)));
    }
  });

  it('agrees on long texts cut into words, with a rewrite in the middle', () => {
    const words = (seed: number, n: number) => {
      const next = random(seed);
      return Array.from({ length: n }, () => ['the', 'data', 'we', 'your', 'may', 'share', 'with', 'partners', 'and', 'you'][Math.floor(next() * 10)]!);
    };
    const before = [...words(1, 3000), ...words(2, 400), ...words(3, 3000)];
    const after = [...words(1, 3000), ...words(4, 500), ...words(3, 3000)];
    expect(plain(diffSequences(before, after))).toEqual(plain(diffArrays(before, after)));
  });
});

describe('editCounts', () => {
  it('counts what diffArrays adds and removes, on 20,000 random edits', () => {
    const next = random(11);
    for (let i = 0; i < 20_000; i++) {
      const [before, after] = pair(next, 2 + Math.floor(next() * 6), 1 + Math.floor(next() * 40));
      const expected = { added: 0, removed: 0 };
      for (const part of diffArrays(before, after)) {
        if (part.added) expected.added += part.count;
        if (part.removed) expected.removed += part.count;
      }
      const actual = editCounts(before, after);
      if (actual.added !== expected.added || actual.removed !== expected.removed) expect({ before, after, actual }).toEqual({ before, after, actual: expected });
    }
  });
});

describe('diffWords', () => {
  it('returns the parts of diffWordsWithSpace on prose with punctuation, accents and line breaks', () => {
    const next = random(3);
    const vocabulary = ['We', 'may', 'share', 'your', 'données', 'with', 'partners', ',', '.', ' ', '  ', '\n', '\r\n', '(', ')', 'AI', 'l’utilisateur', '—', '42', 'naïve'];
    for (let i = 0; i < 5_000; i++) {
      const [a, b] = pair(next, vocabulary.length, 30).map((tokens) => tokens.map((t) => vocabulary[t.charCodeAt(0) - 97]!).join(next() < 0.5 ? ' ' : ''));
      const expected = diffWordsWithSpace(a!, b!).map((p) => ({ value: p.value, added: Boolean(p.added), removed: Boolean(p.removed) }));
      const actual = diffWords(a!, b!).map((p) => ({ value: p.value, added: p.added, removed: p.removed }));
      if (JSON.stringify(actual) !== JSON.stringify(expected)) expect({ a, b, actual }).toEqual({ a, b, actual: expected });
    }
  });
});
