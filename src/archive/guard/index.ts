import { JUNK_PATTERNS, matchJunk, type JunkPattern, type JunkReason } from './patterns.ts';
import { wrongLanguage } from './language.ts';
import { measureShape, type TextLine, type TextShape } from './shape.ts';

export { primaryLanguage } from './language.ts';

/**
 * The last gate before the archive. It reads the normalized Markdown of a capture and says whether
 * it is the document:
 * - `refuse`: junk that must never be recorded (an empty page, an error page served with status
 *   200, a placeholder, a bot, login or cookie wall, text in another language than declared);
 * - `quarantine`: maybe real, maybe broken (most of the text or all of its structure vanished
 *   since the latest version); held until a person or a second capture confirms it;
 * - `accept`: record it.
 * Every rule is a count anyone can redo by hand, and every verdict's `detail` says which count and
 * which line decided, so that a person can act on it (fix a selector, raise a threshold, confirm).
 * A pure function: same input, same verdict.
 */
export type GuardReason =
  | 'empty'
  | 'too-short'
  | 'error-page'
  | 'placeholder'
  | 'bot-wall'
  | 'login-wall'
  | 'cookie-wall'
  | 'wrong-language'
  | 'drastic-shrink'
  | 'structural-collapse';

export type GuardVerdict =
  | { verdict: 'accept' }
  | { verdict: 'refuse'; reason: GuardReason; detail: string }
  | { verdict: 'quarantine'; reason: 'drastic-shrink' | 'structural-collapse'; detail: string };

export interface GuardOptions {
  /** Fewer words than this is not a document (words hold a letter or digit; repeated lines count once). */
  minWords: number;
  /** Quarantine a version with fewer words than this fraction of the previous version's. */
  shrinkRatio: number;
  /** At or under this many words, a junk line among the first lines makes the page junk. */
  junkMaxWords: number;
  /** Junk lines making up this share of the words make the page junk, however long it is. */
  junkShare: number;
  /** How many first lines (plus the first heading) count as the top of the page. */
  headLines: number;
  /** A longer page whose top is a junk line is still a document when the rest has this many sentences. */
  documentMinSentences: number;
  /** Structural collapse needs at least this many headings (or bold pseudo-headings) in the previous version … */
  collapseMinSections: number;
  /** … and fewer than this fraction of them left. */
  collapseKeepRatio: number;
  /** Or at least this many list items in the previous version … */
  collapseMinListItems: number;
  /** … fewer than this fraction of them left, and no headings in their place. */
  listGoneRatio: number;
  /** Fewer words than this: no verdict on language. */
  languageMinWords: number;
  /** The language a text reads as must have at least this share of its words among its common words … */
  languageMinStopwordShare: number;
  /** … and the declared language's share must be under this fraction of it (words only one of the two has then decide). */
  languageMaxDeclaredRatio: number;
}

export const DEFAULT_GUARD_OPTIONS: GuardOptions = Object.freeze({
  minWords: 40,
  shrinkRatio: 0.5,
  junkMaxWords: 150,
  junkShare: 0.5,
  headLines: 3,
  documentMinSentences: 10,
  collapseMinSections: 5,
  collapseKeepRatio: 1 / 3,
  collapseMinListItems: 10,
  listGoneRatio: 0.1,
  // Real running text has 25–50% common words in its language and a few percent in any other;
  // these margins leave mixed and bilingual texts alone.
  languageMinWords: 80,
  languageMinStopwordShare: 0.12,
  languageMaxDeclaredRatio: 0.5,
});

export interface GuardInput {
  /** The normalized Markdown of the capture. */
  markdown: string;
  /** The normalized Markdown of the latest recorded version of the same document, if any. */
  previous?: string;
  /** BCP 47 tag of the document's declared language (`en`, `fr`, `pt-BR`); compared on its primary subtag. */
  language?: string;
  options?: Partial<GuardOptions>;
}

export function guardVersion(input: GuardInput): GuardVerdict {
  const options: GuardOptions = { ...DEFAULT_GUARD_OPTIONS, ...input.options };
  const shape = measureShape(input.markdown);
  if (shape.words === 0) return refuse('empty', 'the extracted text has no words');

  // Junk first: a short text that is a "Loading" page is a placeholder, not merely too short.
  const junk = findJunk(shape, options);
  if (junk) return refuse(junk.reason, junk.detail);
  if (shape.words < options.minWords) {
    return refuse('too-short', `only ${plural(shape.words, 'word')} (at least ${options.minWords} expected): ${quote(shape.lines.map((line) => line.text).join(' '))}`);
  }

  if (input.language) {
    const evidence = wrongLanguage(input.markdown, input.language, {
      minWords: options.languageMinWords,
      scriptShare: 0.8,
      minStopwordShare: options.languageMinStopwordShare,
      maxDeclaredRatio: options.languageMaxDeclaredRatio,
    });
    if (evidence) return refuse('wrong-language', evidence.detail);
  }

  if (input.previous !== undefined) {
    const previous = measureShape(input.previous);
    // A junk or empty previous version says nothing about what the document should look like.
    if (previous.words >= options.minWords) {
      const change = compare(previous, shape, options);
      if (change) return { verdict: 'quarantine', reason: change.reason, detail: change.detail };
    }
  }
  return { verdict: 'accept' };
}

function refuse(reason: GuardReason, detail: string): GuardVerdict {
  return { verdict: 'refuse', reason, detail };
}

interface Finding {
  line: TextLine;
  index: number;
  pattern: JunkPattern;
}

/** Most specific first: a Cloudflare page also asks for cookies, a login page may say "error". */
const PRECEDENCE: readonly JunkReason[] = ['bot-wall', 'login-wall', 'cookie-wall', 'error-page', 'placeholder'];

/**
 * A junk phrase makes a page junk only when it dominates it: real policies mention CAPTCHAs,
 * cookies, logging in, JavaScript and even "404". The page is dominated when
 * - the whole text is under `minWords` words, or
 * - junk lines make up `junkShare` of its words, or
 * - a junk line sits at its top (first lines or first heading) and the page is short
 *   (`junkMaxWords`) or the rest of it has no running text to speak of (`documentMinSentences`):
 *   an error page under a long site map is still an error page, a long policy under a stray
 *   "Loading…" is still a policy.
 */
function findJunk(shape: TextShape, options: GuardOptions): { reason: JunkReason; detail: string } | undefined {
  const findings: Finding[] = [];
  shape.lines.forEach((line, index) => {
    const pattern = matchJunk(line.text);
    if (pattern) findings.push({ line, index, pattern });
  });
  if (findings.length === 0) return undefined;

  const firstHeading = shape.lines.findIndex((line) => line.kind === 'heading');
  const atTop = (finding: Finding) => finding.index < options.headLines || finding.index === firstHeading;
  const junkWords = findings.reduce((sum, finding) => sum + finding.line.words, 0);
  const junkLines = new Set(findings.map((finding) => finding.index));
  const otherSentences = shape.lines.filter((line, index) => line.sentence && !junkLines.has(index)).length;

  let candidates: Finding[];
  let why: string;
  if (shape.words < options.minWords) {
    candidates = findings;
    why = `the whole text is ${plural(shape.words, 'word')}`;
  } else if (junkWords / shape.words >= options.junkShare) {
    candidates = findings;
    why = `such lines make up ${Math.round((100 * junkWords) / shape.words)}% of its ${shape.words} words`;
  } else {
    candidates = findings.filter(atTop);
    if (candidates.length === 0) return undefined;
    if (shape.words <= options.junkMaxWords) why = `at the top of a ${shape.words}-word text`;
    else if (otherSentences < options.documentMinSentences) why = `at the top, and the other ${plural(shape.words - junkWords, 'word')} hold only ${plural(otherSentences, 'sentence')}`;
    else return undefined;
  }
  const reason = PRECEDENCE.find((candidate) => candidates.some((finding) => finding.pattern.reason === candidate))!;
  // Name the most specific pattern (the catalogue lists vendors before generic words), then the first line.
  const rank = (finding: Finding) => JUNK_PATTERNS.indexOf(finding.pattern);
  const chosen = candidates.filter((finding) => finding.pattern.reason === reason).reduce((best, finding) => (rank(finding) < rank(best) ? finding : best));
  return { reason, detail: `looks like ${chosen.pattern.label}: ${quote(chosen.line.text)} (${why})` };
}

/** Against the previous version: a text that lost most of its words, or most of its structure. */
function compare(previous: TextShape, next: TextShape, options: GuardOptions): { reason: 'drastic-shrink' | 'structural-collapse'; detail: string } | undefined {
  const ratio = next.words / previous.words;
  if (ratio < options.shrinkRatio) {
    return {
      reason: 'drastic-shrink',
      detail: `${next.words} words, down from ${previous.words} in the previous version (${Math.floor(ratio * 100)}%; under ${Math.round(options.shrinkRatio * 100)}% is held for confirmation)`,
    };
  }
  const length = `while the text kept ${Math.round(ratio * 100)}% of its words`;
  if (previous.sections >= options.collapseMinSections && next.sections < previous.sections * options.collapseKeepRatio) {
    return {
      reason: 'structural-collapse',
      detail: `${next.sections} of the previous version's ${previous.sections} headings are left ${length}: the page was probably captured flattened or from another element`,
    };
  }
  // List items that became headings are a redesign, not a collapse: only count items that left no heading behind.
  const lostItems = previous.listItems - next.listItems;
  const gainedSections = next.sections - previous.sections;
  if (
    previous.listItems >= options.collapseMinListItems &&
    next.listItems < previous.listItems * options.listGoneRatio &&
    gainedSections < lostItems * options.collapseKeepRatio
  ) {
    return {
      reason: 'structural-collapse',
      detail: `${next.listItems} of the previous version's ${previous.listItems} list items are left and no headings took their place, ${length}`,
    };
  }
  return undefined;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > 100 ? `${flat.slice(0, 99).trimEnd()}…` : flat}"`;
}
