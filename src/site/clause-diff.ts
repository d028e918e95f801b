import { diffArrays, diffWordsWithSpace } from 'diff';

/**
 * The change between two texts of one provision, inline: the text as it now reads, words taken
 * out in `<del>`, words put in in `<ins>`. Provisions are short, and a clause reads better with
 * its changes marked in place than as lines side by side. Every character of the scraped text
 * is escaped: the result is only ever text, `<ins>` and `<del>`.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

export interface ClauseDiff {
  html: string;
  wordsAdded: number;
  wordsRemoved: number;
}

/**
 * A provision's Markdown as a reader sees it, still one sentence per line: link targets, emphasis
 * marks and backslash escapes go (a change of link target alone is a technical change, shown in the
 * version's diff), list markers and line breaks stay.
 */
export function readable(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(?<!\\)(\*\*|__)(?=\S)([\s\S]*?[^\s\\])\1/g, '$2')
    .replace(/(?<![\w*\\])\*(?=\S)([^*\n]*?[^\s\\])\*(?![\w*])/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1');
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

/**
 * Lines first (one sentence per line), then words within each changed line paired with the one
 * that replaced it: as precise as a word diff of the whole text where sentences were edited, and
 * without its cost on long provisions that were rewritten.
 */
export function clauseDiff(before: string, after: string): ClauseDiff {
  let html = '';
  let wordsAdded = 0;
  let wordsRemoved = 0;
  const ins = (text: string) => {
    if (text === '') return;
    html += `<ins>${escapeHtml(text)}</ins>`;
    wordsAdded += countWords(text);
  };
  const del = (text: string) => {
    if (text === '') return;
    html += `<del>${escapeHtml(text)}</del>`;
    wordsRemoved += countWords(text);
  };
  const lines = (text: string) => (text === '' ? [] : text.split('\n'));
  const parts = diffArrays(lines(readable(before)), lines(readable(after)));
  let first = true;
  const newline = () => {
    if (!first) html += '\n';
    first = false;
  };
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      for (const line of part.value) {
        newline();
        html += escapeHtml(line);
      }
      continue;
    }
    // A run of removed lines followed by added ones (or the reverse): pair them in order.
    const next = parts[i + 1];
    const removed = part.removed ? part.value : next?.removed ? next.value : [];
    const added = part.added ? part.value : next?.added ? next.value : [];
    if (next && (next.added || next.removed) && next.added !== part.added) i++;
    const paired = Math.min(removed.length, added.length);
    for (let k = 0; k < paired; k++) {
      newline();
      for (const change of diffWordsWithSpace(removed[k]!, added[k]!)) {
        if (change.added) ins(change.value);
        else if (change.removed) del(change.value);
        else html += escapeHtml(change.value);
      }
    }
    for (const line of removed.slice(paired)) {
      newline();
      del(line);
    }
    for (const line of added.slice(paired)) {
      newline();
      ins(line);
    }
  }
  return { html, wordsAdded, wordsRemoved };
}
