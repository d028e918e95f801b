import { diffSequences, diffWords } from '../analysis/sequence-diff.ts';

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
  // A link's target stays on its line and emphasis inside its paragraph: an unclosed mark in a
  // scraped text must not swallow the lines after it.
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)\n]*\)/g, '$1')
    .replace(/(?<!\\)(\*\*|__)(?=\S)((?:(?!\n[ \t]*\n)[\s\S])*?[^\s\\])\1/g, '$2')
    .replace(/(?<![\w*\\])\*(?=\S)([^*\n]*?[^\s\\])\*(?![\w*])/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1')
    // Spaces at a line's end show nothing (a Markdown line break is already a new line here).
    .replace(/[ \t]+$/gm, '');
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Unchanged lines shown around a change; longer runs of unchanged lines are folded. */
export const CONTEXT_LINES = 2;

/**
 * Lines first (one sentence per line), then words within each changed line paired with the one
 * that replaced it: as precise as a word diff of the whole text where sentences were edited, and
 * without its cost on long provisions that were rewritten. Unchanged lines more than
 * `CONTEXT_LINES` away from a change are folded into one "unchanged lines" marker, so that a long
 * section's history shows its changes, not its whole text again at each version.
 */
export function clauseDiff(before: string, after: string, context = CONTEXT_LINES): ClauseDiff {
  const out: Array<{ html: string; changed: boolean }> = [];
  let wordsAdded = 0;
  let wordsRemoved = 0;
  const ins = (text: string) => {
    if (text === '') return '';
    wordsAdded += countWords(text);
    return `<ins>${escapeHtml(text)}</ins>`;
  };
  const del = (text: string) => {
    if (text === '') return '';
    wordsRemoved += countWords(text);
    return `<del>${escapeHtml(text)}</del>`;
  };
  const lines = (text: string) => (text === '' ? [] : text.split('\n'));
  const parts = diffSequences(lines(readable(before)), lines(readable(after)));
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      for (const line of part.value) out.push({ html: escapeHtml(line), changed: false });
      continue;
    }
    // A run of removed lines followed by added ones (or the reverse): pair them in order.
    const next = parts[i + 1];
    const removed = part.removed ? part.value : next?.removed ? next.value : [];
    const added = part.added ? part.value : next?.added ? next.value : [];
    if (next && (next.added || next.removed) && next.added !== part.added) i++;
    const paired = Math.min(removed.length, added.length);
    for (let k = 0; k < paired; k++) {
      let html = '';
      for (const change of diffWords(removed[k]!, added[k]!)) {
        html += change.added ? ins(change.value) : change.removed ? del(change.value) : escapeHtml(change.value);
      }
      out.push({ html, changed: true });
    }
    for (const line of removed.slice(paired)) out.push({ html: del(line), changed: true });
    for (const line of added.slice(paired)) out.push({ html: ins(line), changed: true });
  }
  // Fold unchanged lines far from any change.
  const near = out.map(() => context === Infinity);
  out.forEach((line, index) => {
    if (!line.changed) return;
    for (let k = Math.max(0, index - context); k <= Math.min(out.length - 1, index + context); k++) near[k] = true;
  });
  const shown: string[] = [];
  for (let index = 0; index < out.length; ) {
    if (near[index] || out[index]!.changed) {
      shown.push(out[index]!.html);
      index++;
      continue;
    }
    let end = index;
    while (end < out.length && !near[end]) end++;
    // Folding one line saves nothing.
    if (end - index === 1) shown.push(out[index]!.html);
    else shown.push(`<span class="folded">[${end - index} unchanged lines]</span>`);
    index = end;
  }
  return { html: shown.join('\n'), wordsAdded, wordsRemoved };
}
