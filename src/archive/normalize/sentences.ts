/**
 * The deterministic sentence splitter behind "one sentence per line". Changing these rules
 * changes the bytes of every version, so a change here is a technical re-extraction.
 */

/** Words that end with a full stop without ending the sentence (compared case-insensitively). */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'cf', 'vs', 'v', 'viz', 'approx', 'incl', 'excl', 'esp', 'resp', 'al',
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'no', 'nos', 'nr', 'art', 'arts', 'sec',
  'secs', 'para', 'paras', 'ch', 'p', 'pp', 'fig', 'vol', 'ed', 'rev', 'ref', 'op', 'cit', 'ibid',
  'inc', 'ltd', 'llc', 'l.l.c', 'co', 'corp', 'plc', 'gmbh', 'ag', 's.a', 's.a.s', 'b.v', 'n.v', 'pty',
  'u.s', 'u.s.a', 'u.k', 'e.u', 'e.e.a', 'd.c', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug',
  'sep', 'sept', 'oct', 'nov', 'dec', 'min', 'max', 'est', 'dept', 'govt', 'tel', 'ext', 'z.b', 'd.h',
  'u.a', 'bzw', 'ggf', 'vgl', 'abs', 'nº', 'n°',
]);

/**
 * A sentence ends at `.`, `!`, `?` or `…` (optionally followed by closing quotes or brackets)
 * when whitespace and then an upper-case letter, a digit or an opening quote or bracket follow.
 */
const BOUNDARY = /([.!?…]+["'”’»)\]]*)(\s+)(?=[\p{Lu}\p{Lt}\p{N}"'“‘«(\[¿¡])/gu;

function endsWithAbbreviation(before: string): boolean {
  // "2." or "4.1." that opens a sentence or follows a colon is a clause number ("…as follows:
  // 1. Access"), not the end of one; "under 18." is.
  if (/(?:^|[.!?:;]\s+)\(?\d+(?:\.\d+)*\.$/.test(before)) return true;
  const word = /(?:^|[\s(\["'“‘])([\p{L}.°º]+)\.$/u.exec(before)?.[1];
  if (!word) return false;
  const lower = word.toLowerCase();
  // Single capitals are initials ("J. Smith"); "item a." ends a sentence.
  if (/^\p{Lu}$/u.test(word)) return true;
  return ABBREVIATIONS.has(lower);
}

/** Offsets in `text` where the whitespace between two sentences starts and ends. */
export function sentenceBreaks(text: string): Array<{ start: number; end: number }> {
  const breaks: Array<{ start: number; end: number }> = [];
  for (const match of text.matchAll(BOUNDARY)) {
    const punctuation = match[1]!;
    const endOfPunctuation = match.index + punctuation.length;
    if (punctuation.startsWith('.') && punctuation.length === 1 + (punctuation.length - 1) && /^\.["'”’»)\]]*$/.test(punctuation)) {
      if (endsWithAbbreviation(text.slice(0, match.index + 1))) continue;
    }
    breaks.push({ start: endOfPunctuation, end: endOfPunctuation + match[2]!.length });
  }
  return breaks;
}

/** Splits prose into sentences, one per line, for plain strings. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const { start, end } of sentenceBreaks(text)) {
    out.push(text.slice(from, start));
    from = end;
  }
  out.push(text.slice(from));
  return out;
}

/** True when `text` ends a sentence and the text after it can start one. */
export function endsSentence(text: string): boolean {
  const match = /([.!?…]+["'”’»)\]]*)$/u.exec(text);
  if (!match) return false;
  if (match[1]!.startsWith('.') && /^\.["'”’»)\]]*$/.test(match[1]!)) {
    return !endsWithAbbreviation(text.slice(0, match.index + 1));
  }
  return true;
}

export function startsSentence(text: string): boolean {
  return /^[\p{Lu}\p{Lt}\p{N}"'“‘«(\[¿¡]/u.test(text);
}
