/**
 * Text similarity of provisions: Jaccard over word bigrams ("shingles"), on words lower-cased
 * and without accents or punctuation, so that restyling does not count and reordering a few words
 * costs little. Texts of fewer than 12 words (a date line, a short clause) are compared word by word.
 */

/** Words of a text: letters and digits, lower-cased, without accents; Markdown link targets dropped. */
export function words(text: string): string[] {
  return text
    .replace(/\]\([^)]*\)/g, ' ')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

export type Shingles = Set<string>;

/** Below this many words a text is compared word by word: one changed word would break too many bigrams. */
export const SHORT_TEXT = 12;

export function shingles(tokens: string[]): Shingles {
  if (tokens.length < SHORT_TEXT) return new Set(tokens);
  const out = new Set<string>();
  for (let i = 1; i < tokens.length; i++) out.add(`${tokens[i - 1]} ${tokens[i]}`);
  return out;
}

function intersection(a: Shingles, b: Shingles): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let count = 0;
  for (const item of small) if (large.has(item)) count++;
  return count;
}

/** |a ∩ b| / |a ∪ b|, 0 when either is empty. */
export function jaccard(a: Shingles, b: Shingles): number {
  if (a.size === 0 || b.size === 0) return 0;
  const common = intersection(a, b);
  return common / (a.size + b.size - common);
}

/** |part ∩ whole| / |part|: how much of `part` is found in `whole` (for splits and merges). */
export function containment(part: Shingles, whole: Shingles): number {
  if (part.size === 0) return 0;
  return intersection(part, whole) / part.size;
}
