import { fromMarkdown } from 'mdast-util-from-markdown';
import { toMarkdown, type Options as ToMarkdownOptions } from 'mdast-util-to-markdown';
import { gfmFromMarkdown, gfmToMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { Nodes, Parent, PhrasingContent, Root, Text } from 'mdast';
import { endsSentence, sentenceBreaks, startsSentence } from './sentences.ts';

export { splitSentences } from './sentences.ts';

/**
 * Every style choice fixed, so that the same text always gives the same bytes. Pipes in tables
 * are not aligned: padding would make a one-cell change rewrite every row of the table.
 */
const STYLE: ToMarkdownOptions = {
  bullet: '-',
  bulletOther: '*',
  bulletOrdered: '.',
  emphasis: '_',
  strong: '*',
  fence: '`',
  fences: true,
  rule: '-',
  ruleRepetition: 3,
  ruleSpaces: false,
  setext: false,
  closeAtx: false,
  listItemIndent: 'one',
  incrementListMarker: true,
  resourceLink: true,
  tightDefinitions: true,
  quote: '"',
  extensions: [gfmToMarkdown({ tablePipeAlign: false, tableCellPadding: true })],
};

/** Characters that change nothing a reader sees: zero-width spaces, soft hyphens, BOMs. */
const INVISIBLE = /[\u200b\u00ad\ufeff\u2060]/g;
/** Every kind of space, including no-break and thin spaces, and line breaks inside a paragraph. */
const SPACES = /[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+/g;

/**
 * Canonical Markdown: the same text always gives the same bytes, and
 * `normalizeMarkdown(normalizeMarkdown(x)) === normalizeMarkdown(x)`. One sentence per line in
 * prose, ATX headings, `-` bullets, `_emphasis_`, `**strong**`, whitespace folded, NFC.
 */
export function normalizeMarkdown(markdown: string): string {
  const tree = fromMarkdown(markdown.normalize('NFC').replace(INVISIBLE, ''), {
    extensions: [gfm()],
    mdastExtensions: [gfmFromMarkdown()],
  });
  canonicalize(tree);
  const out = toMarkdown(tree, STYLE)
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return out === '' ? '' : `${out}\n`;
}

function canonicalize(node: Nodes): void {
  if (!('children' in node)) return;
  const parent = node as Parent;
  for (const child of parent.children) canonicalize(child as Nodes);
  // Empty nodes go first, so that the text on both sides of one is merged and folded.
  parent.children = parent.children.filter((child) => !isEmpty(child as Nodes));
  foldPhrasing(parent);
  parent.children = parent.children.filter((child) => !isEmpty(child as Nodes));
  if (node.type === 'list') {
    // Loose or tight is derived from structure, never from the blank lines the source happened to have.
    const spread = node.children.some((item) => item.children.filter((block) => block.type !== 'list').length > 1);
    node.spread = spread;
    for (const item of node.children) item.spread = spread;
  }
  if (node.type === 'paragraph') splitIntoSentences(node.children);
}

/** Merges adjacent text, folds whitespace, trims at the edges of blocks. */
function foldPhrasing(parent: Parent): void {
  const merged: Nodes[] = [];
  for (const child of parent.children as Nodes[]) {
    const previous = merged.at(-1);
    if (child.type === 'text' && previous?.type === 'text') previous.value += child.value;
    else merged.push(child);
  }
  for (const child of merged) if (child.type === 'text') child.value = child.value.replace(SPACES, ' ');
  if (isBlockWithPhrasing(parent)) {
    // Trim the block's edges until stable: removing a trailing hard break can expose spaces,
    // and trimming spaces can expose a hard break. Markdown cannot express either at an edge.
    for (let changed = true; changed; ) {
      changed = false;
      const first = merged[0];
      const last = merged.at(-1);
      if (first?.type === 'text' && first.value !== first.value.trimStart()) (first.value = first.value.trimStart()), (changed = true);
      if (last?.type === 'text' && last.value !== last.value.trimEnd()) (last.value = last.value.trimEnd()), (changed = true);
      if (merged[0]?.type === 'break' || (merged[0]?.type === 'text' && (merged[0] as Text).value === '')) merged.shift(), (changed = true);
      const end = merged.at(-1);
      if (end?.type === 'break' || (end?.type === 'text' && end.value === '')) merged.pop(), (changed = true);
    }
  }
  parent.children = merged as Parent['children'];
}

function isBlockWithPhrasing(node: Parent): boolean {
  return node.type === 'paragraph' || node.type === 'heading' || node.type === 'tableCell';
}

function isEmpty(node: Nodes): boolean {
  if (node.type === 'text') return node.value === '';
  if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'emphasis' || node.type === 'strong' || node.type === 'delete') {
    return node.children.length === 0;
  }
  if (node.type === 'link') return node.children.length === 0;
  if (node.type === 'list' || node.type === 'blockquote') return node.children.length === 0;
  return false;
}

/**
 * Puts each sentence of a paragraph on its own line. Breaks inside text nodes are found by the
 * splitter; a break between a text node and a following emphasis or link is found by looking at
 * both sides.
 */
function splitIntoSentences(children: PhrasingContent[]): void {
  children.forEach((child, index) => {
    if (child.type !== 'text') return;
    const text = child as Text;
    let value = text.value;
    const breaks = sentenceBreaks(value);
    for (const { start, end } of breaks.reverse()) value = `${value.slice(0, start)}\n${value.slice(end)}`;
    const previous = children[index - 1];
    const leading = /^\s+/.exec(value);
    if (leading && previous && previous.type !== 'text' && previous.type !== 'break') {
      const previousText = lastText(previous);
      if (previousText !== undefined && endsSentence(previousText) && startsSentence(value.slice(leading[0].length))) {
        value = `\n${value.slice(leading[0].length)}`;
      }
    }
    const next = children[index + 1];
    const trailing = /\s+$/.exec(value);
    if (trailing && next && next.type !== 'text' && next.type !== 'break') {
      const before = value.slice(0, trailing.index);
      const nextText = firstText(next);
      if (endsSentence(before) && nextText !== undefined && startsSentence(nextText)) value = `${before}\n`;
    }
    text.value = value;
  });
}

function lastText(node: PhrasingContent): string | undefined {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if ('children' in node && node.children.length > 0) return lastText(node.children.at(-1) as PhrasingContent);
  return undefined;
}

function firstText(node: PhrasingContent): string | undefined {
  if (node.type === 'text' || node.type === 'inlineCode') return node.value;
  if ('children' in node && node.children.length > 0) return firstText(node.children[0] as PhrasingContent);
  return undefined;
}

export type { Root };
