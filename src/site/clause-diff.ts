import { diffWordsWithSpace } from 'diff';

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

export function clauseDiff(before: string, after: string): ClauseDiff {
  let html = '';
  let wordsAdded = 0;
  let wordsRemoved = 0;
  for (const part of diffWordsWithSpace(readable(before), readable(after))) {
    const text = escapeHtml(part.value);
    if (part.added) {
      html += `<ins>${text}</ins>`;
      wordsAdded += countWords(part.value);
    } else if (part.removed) {
      html += `<del>${text}</del>`;
      wordsRemoved += countWords(part.value);
    } else html += text;
  }
  return { html, wordsAdded, wordsRemoved };
}
