/**
 * The shape of a normalized version, measured the way a reader sees it: its lines as plain text
 * (no Markdown syntax, no link targets), how many words it has, and how much structure (headings,
 * list items, prose sentences). Every rule of the guard reads these numbers, so that a verdict can
 * always be explained with them.
 */
export interface TextLine {
  /** The line as a reader sees it: Markdown syntax, link targets and bare URLs removed. */
  text: string;
  words: number;
  kind: 'heading' | 'item' | 'table' | 'prose';
  /** At least six words ending like a sentence: what running text has and link lists lack. */
  sentence: boolean;
}

export interface TextShape {
  /** Non-empty lines, in order, each kept once: a block repeated on every page of a multi-page capture counts once. */
  lines: TextLine[];
  /** Words over `lines`: a page that says the same three sentences ten times has the words of three sentences. */
  words: number;
  /** ATX headings and lines that are entirely bold (pseudo-headings): the sections a reader can see. */
  sections: number;
  listItems: number;
  /** Distinct lines that are sentences (see `TextLine.sentence`). */
  sentences: number;
}

/** Scripts written without spaces between words: a run of their letters is several words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
const UNSPACED_SE_ASIAN = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;
const HAS_WORD = /[\p{L}\p{N}]/u;
const SENTENCE_END = /[.!?;:。！？」]["'”’)\]]*$/u;

/**
 * Words of a plain text. Spaced scripts count whitespace-separated tokens holding a letter or digit;
 * Chinese and Japanese count one word per two characters and Thai-like scripts one per five (their
 * average word lengths), so that thresholds mean about the same amount of text in every language.
 */
export function countWords(text: string): number {
  let count = 0;
  for (const token of text.split(/\s+/)) {
    if (!HAS_WORD.test(token)) continue;
    const cjk = token.match(UNSPACED)?.length ?? 0;
    const seAsian = token.match(UNSPACED_SE_ASIAN)?.length ?? 0;
    const rest = token.replace(UNSPACED, ' ').replace(UNSPACED_SE_ASIAN, ' ').split(' ').filter((part) => HAS_WORD.test(part)).length;
    count += Math.ceil(cjk / 2) + Math.ceil(seAsian / 5) + rest;
  }
  return count;
}

/** Markdown inline syntax to plain text: images and links keep their text, URLs go, emphasis goes. */
export function plainText(line: string): string {
  return line
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<(?:https?|mailto):[^>]*>/gi, '')
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, '')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/\\([\\`*_{}[\]()#+\-.!|=<>~])/g, '$1')
    .replace(/(\*\*|__|[*_`~])/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function measureShape(markdown: string): TextShape {
  const lines: TextLine[] = [];
  const seen = new Set<string>();
  let sections = 0;
  let listItems = 0;
  let sentences = 0;
  let inFence = false;
  for (const raw of markdown.split('\n')) {
    if (/^\s*(?:```|~~~)/.test(raw)) {
      inFence = !inFence;
      continue;
    }
    let line = raw.trim();
    if (line === '' || /^(?:[-*_]\s*){3,}$/.test(line)) continue;
    let kind: TextLine['kind'] = 'prose';
    if (!inFence) {
      line = line.replace(/^(?:>\s?)+/, '');
      const heading = /^#{1,6}\s+/.exec(line);
      const item = /^(?:[-*+]|\d{1,9}[.)])\s+/.exec(line);
      if (heading) {
        kind = 'heading';
        line = line.slice(heading[0].length);
      } else if (item) {
        kind = 'item';
        line = line.slice(item[0].length);
      } else if (line.startsWith('|')) {
        kind = 'table';
        if (/^\|?[\s:|-]+\|?$/.test(line)) continue;
        line = line.replace(/\|/g, ' ');
      } else if (/^(?:\*\*|__)[^*_]+(?:\*\*|__):?$/.test(line)) {
        kind = 'heading';
      }
    }
    const text = plainText(line);
    const words = countWords(text);
    if (words === 0) continue;
    if (kind === 'heading') sections++;
    if (kind === 'item') listItems++;
    if (seen.has(text)) continue;
    seen.add(text);
    const sentence = kind !== 'heading' && kind !== 'table' && words >= 6 && SENTENCE_END.test(text);
    if (sentence) sentences++;
    lines.push({ text, words, kind, sentence });
  }
  return { lines, words: lines.reduce((sum, line) => sum + line.words, 0), sections, listItems, sentences };
}
