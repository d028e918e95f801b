/**
 * The last gate before the archive: refuses text that is not the document (empty pages, error
 * pages served with status 200, placeholders, bot walls). A refused text is reported and never
 * recorded; the previous version stays the latest.
 */
export type GuardReason = 'empty' | 'too-short' | 'error-page' | 'placeholder' | 'bot-wall';

export type GuardVerdict = { accepted: true } | { accepted: false; reason: GuardReason; detail: string };

export interface GuardInput {
  markdown: string;
  previous?: string;
}

const MIN_WORDS = 40;

const PATTERNS: Array<[GuardReason, RegExp]> = [
  ['error-page', /\b(?:404|page not found|this page (?:isn['’]t|is not) available|page (?:does not|doesn['’]t) exist|internal server error|service unavailable|bad gateway)\b/i],
  ['placeholder', /^(?:loading|redirecting|please wait|please enable javascript|you need to enable javascript|javascript is (?:disabled|required))\b/i],
  ['bot-wall', /\b(?:verify(?:ing)? you are (?:a )?human|checking your browser|attention required|access denied|captcha|are you a robot|unusual traffic)\b/i],
];

function words(text: string): number {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
}

export function guardVersion({ markdown }: GuardInput): GuardVerdict {
  const count = words(markdown);
  if (count === 0) return { accepted: false, reason: 'empty', detail: 'the extracted text is empty' };
  if (count < MIN_WORDS) {
    const match = PATTERNS.find(([, pattern]) => pattern.test(markdown));
    if (match) return { accepted: false, reason: match[0], detail: `looks like a ${match[0].replace('-', ' ')}: "${markdown.trim().slice(0, 80)}"` };
    return { accepted: false, reason: 'too-short', detail: `only ${count} words (at least ${MIN_WORDS} expected)` };
  }
  return { accepted: true };
}
