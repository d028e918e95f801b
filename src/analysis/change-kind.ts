/**
 * What a change between two texts amounts to, before any analysis of provisions:
 * `editorial` when only whitespace, punctuation or letter case differ, else `substantive`.
 */
export type TextChange = 'initial' | 'substantive' | 'editorial' | 'none';

/** Letters and digits only, lower-cased and without accents: what remains when style is removed. */
export function wordsOnly(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export function classifyTextChange(previous: string | undefined, next: string): TextChange {
  if (previous === undefined) return 'initial';
  if (previous === next) return 'none';
  return wordsOnly(previous) === wordsOnly(next) ? 'editorial' : 'substantive';
}
