/**
 * Word prefilters for rules. Most provisions match only a few of the hundreds of rules, and scanning
 * the whole text once per rule (by regex or even by `includes`) is what costs time. So the text is cut
 * into words once, and each rule gets, when it can be derived safely, the alternatives of words every
 * match must start with (e.g. `\\b(sell|sale of)\\b…` → `sell` or `sale`+`of`… cut to words of 3+
 * letters: `sell` or `sale`); the rule's regex only runs when all words of one alternative start a word
 * of the text. Words are cut to at most NEEDLE_LENGTH characters and compared with the same-length
 * prefixes of the text's words. When no needles can be derived the rule always runs: the prefilter may
 * only skip work, never change a result (tested on the corpus).
 */

/** Alternatives of words; a match is possible only when every word of one alternative occurs. */
export type Needles = string[][];

const MIN_NEEDLE = 3;
const NEEDLE_LENGTH = 6;

/**
 * Every prefix of 3..NEEDLE_LENGTH characters of every word of `text`. Words are runs of ASCII letters
 * and digits, like the `\\b` of a regular expression sees them; `ſ` is folded to `s` as case-insensitive
 * matching does.
 */
export function wordPrefixes(text: string): Set<string> {
  const prefixes = new Set<string>();
  for (const word of new Set(text.toLowerCase().replace(/ſ/g, 's').split(/[^a-z0-9]+/))) {
    for (let n = MIN_NEEDLE; n <= Math.min(word.length, NEEDLE_LENGTH); n++) prefixes.add(word.slice(0, n));
  }
  return prefixes;
}

/** The words of a literal that starts at a word boundary, as needles; null when none is long enough. */
function wordsOf(literal: string): string[] | null {
  const words = literal.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= MIN_NEEDLE).map((w) => w.slice(0, NEEDLE_LENGTH));
  return words.length > 0 ? words : null;
}

export function mayMatch(needles: Needles, prefixes: Set<string>): boolean {
  return needles.some((words) => words.every((w) => prefixes.has(w)));
}

/** Splits `source` at `|` outside groups and classes. */
function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/** Index of the `)` closing the group opened at `open`, or -1. */
function closingParen(source: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

const QUANTIFIER = /^[?*{]/;

/**
 * The needles one of which starts every match of `source`, or null when that cannot be told.
 * `atWord` says a `\b` (or the start of a word) precedes `source`.
 */
function leadingNeedles(source: string, atWord: boolean): Needles | null {
  const alternatives = splitTopLevel(source);
  if (alternatives.length > 1) {
    const all: Needles = [];
    for (const alternative of alternatives) {
      const found = leadingNeedles(alternative, atWord);
      if (!found) return null;
      all.push(...found);
    }
    return all;
  }
  let s = source;
  while (s.startsWith('\\b')) {
    s = s.slice(2);
    atWord = true;
  }
  if (s.startsWith('(')) {
    const close = closingParen(s, 0);
    if (close < 0 || QUANTIFIER.test(s.slice(close + 1))) return null;
    const inner = s.slice(s.startsWith('(?:') ? 3 : 1, close);
    if (/^\?/.test(inner)) return null; // lookarounds and named groups
    return leadingNeedles(inner, atWord);
  }
  if (!atWord) return null;
  // Letters, digits and single spaces: every word after a literal space starts a word of the text too.
  let literal = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (!/[a-z0-9 ]/i.test(c)) break;
    if (QUANTIFIER.test(s.slice(i + 1))) break; // an optional character ends the certain prefix
    literal += c;
  }
  // A word cut short by the end of the literal is still the start of a word: its prefix is safe.
  const words = wordsOf(literal);
  return words ? [words] : null;
}

export function needlesOfPattern(pattern: string): Needles | null {
  return leadingNeedles(pattern, false);
}

/** A phrase matches whole words with whitespace between them, so all of its words are needles. */
export function needlesOfPhrase(phrase: string): Needles | null {
  const words = wordsOf(phrase.trim());
  return words ? [words] : null;
}
