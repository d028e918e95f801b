import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/** A top-level block of a Markdown text, with its source. */
export interface Block {
  /** The mdast node type: `paragraph`, `list`, `table`, `code`, `blockquote`, … */
  type: string;
  /** The block's source, as mdast positions delimit it. */
  text: string;
  /** Lists only: whether the list is ordered. */
  ordered?: boolean;
  /** Lists only: the source of each item, marker included. */
  items?: string[];
}

/**
 * The top-level blocks of a Markdown text, each with its source; thematic breaks and link
 * definitions are left out. The fast scanner reads the text when it can tell the blocks apart with
 * certainty (it always can in normalized Markdown); otherwise the text is parsed (mdast, GFM).
 */
export function blocksOf(markdown: string): Block[] {
  return scanBlocks(markdown) ?? parseBlocks(markdown);
}

/** The reference: the blocks as mdast (micromark, GFM) parses them; on the corpus ~100× slower than `scanBlocks`. */
export function parseBlocks(markdown: string): Block[] {
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const blocks: Block[] = [];
  for (const node of tree.children) {
    if (node.type === 'thematicBreak' || node.type === 'definition') continue;
    const block: Block = { type: node.type, text: markdown.slice(node.position!.start.offset!, node.position!.end.offset!) };
    if (node.type === 'list') {
      block.ordered = node.ordered === true;
      block.items = node.children.map((item) => markdown.slice(item.position!.start.offset!, item.position!.end.offset!));
    }
    blocks.push(block);
  }
  return blocks;
}

// The scanner reads the subset of Markdown that the normalizer (src/archive/normalize) writes:
// blocks start at the margin and are separated by blank lines; list items are indented by their
// marker's width plus one space, continuation lines by the same; fences are backticks; tables
// have outer pipes; no tabs, no trailing spaces, no HTML. Anything it cannot place with certainty
// (lazy continuation, a block interrupting a paragraph, setext underlines, unclosed fences,
// definitions, indented code, …) makes it give up, and the text is parsed instead.

/** Gives up on the whole text: tabs and carriage returns (columns, line ends), trailing spaces, HTML at a line start. */
const UNSURE = /[\t\r\f\v]| $|^[ >]*(?:(?:[-*+]|\d{1,9}[.)]) +[ >]*)*</m;
/** A thematic break (left out of the blocks; it wins over a list item). */
const BREAK = /^ {0,3}([-*_])(?: *\1){2,} *$/;
/** A setext underline, or a thematic break: after a paragraph line either changes the block before. */
const UNDERLINE = /^ {0,3}(?:=+|-+) *$/;
/** A list marker at the margin: bullet or number, delimiter, then spaces and content, or nothing (an empty item). */
const MARKER = /^(?:([-*+])|\d{1,9}([.)]))(?:( +)(?=[^ ])|$)/;
/** A list marker with nothing after it (an empty item), at any indentation. */
const EMPTY_ITEM = /^ *(?:[-*+]|\d{1,9}[.)])$/;
/** A fence opening or closing, possibly inside list items or block quotes. */
const FENCE_ANYWHERE = /^[ >]*(?:(?:[-*+]|\d{1,9}[.)]) +[ >]*)*(?:```|~~~)/;
const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
/** What may start a block inside a paragraph (or may be misread there): give up when a continuation line looks like it. */
const INTERRUPT = /^ {0,3}(?:>|```|~~~|[-*+](?: |$)|1[.)](?: |$)|#{1,6}(?: |$))/;
/** A line that might be a table's delimiter row. */
const DELIMITER_LIKE = /^[ |:-]*\|[ |:-]*$/;
/** A delimiter row as the normalizer writes it. */
const DELIMITER = /^\|(?: *:?-+:? *\|)+$/;
/** A link or footnote definition (left out of the blocks, and it can span lines). */
const DEFINITION = /^ {0,3}\[[^\n]*\]:/;
const ATX = /^ {0,3}#{1,6}(?: |$)/;

/**
 * The top-level blocks of normalized Markdown, as `parseBlocks` gives them, found line by line;
 * `undefined` when the text holds something the scanner does not place with certainty.
 */
export function scanBlocks(markdown: string): Block[] | undefined {
  if (UNSURE.test(markdown)) return undefined;
  const lines = markdown.split('\n');
  const starts: number[] = new Array(lines.length);
  for (let i = 0, offset = 0; i < lines.length; i++) {
    starts[i] = offset;
    offset += lines[i]!.length + 1;
  }
  const end = (i: number) => starts[i]! + lines[i]!.length;
  const source = (from: number, to: number) => markdown.slice(starts[from]!, end(to));
  const blocks: Block[] = [];
  const n = lines.length;
  let i = 0;
  while (i < n) {
    const line = lines[i]!;
    if (line === '') {
      i++;
      continue;
    }
    const first = line.charCodeAt(0);
    // Indented code, or an indented block start the normalizer does not write.
    if (first === 32) return undefined;
    if (BREAK.test(line)) {
      i++;
      continue;
    }
    if (DEFINITION.test(line) || ATX.test(line)) return undefined;

    const fence = FENCE_OPEN.exec(line);
    if (fence) {
      const marker = fence[1]!;
      if (marker[0] === '`' && fence[2]!.includes('`')) return undefined;
      let j = i + 1;
      while (j < n && !closesFence(lines[j]!, marker)) j++;
      if (j >= n) return undefined;
      blocks.push({ type: 'code', text: source(i, j) });
      i = j + 1;
      continue;
    }

    if (first === 62 /* > */) {
      let j = i;
      for (;;) {
        if (FENCE_ANYWHERE.test(lines[j]!)) return undefined;
        if (j + 1 >= n || lines[j + 1] === '') break;
        // A line without `>` is lazy continuation or the next block: not placed here.
        if (lines[j + 1]!.charCodeAt(0) !== 62) return undefined;
        j++;
      }
      blocks.push({ type: 'blockquote', text: source(i, j) });
      i = j + 1;
      continue;
    }

    const marker = MARKER.exec(line);
    if (marker) {
      const list = scanList(lines, i, marker);
      if (!list) return undefined;
      blocks.push({
        type: 'list',
        text: markdown.slice(starts[i]!, end(list.items.at(-1)![1])),
        ordered: marker[1] === undefined,
        items: list.items.map(([from, to]) => source(from, to)),
      });
      i = list.next;
      continue;
    }

    if (first === 124 /* | */ && i + 1 < n && DELIMITER_LIKE.test(lines[i + 1]!)) {
      const delimiter = lines[i + 1]!;
      const columns = cells(line);
      if (!DELIMITER.test(delimiter) || columns < 1 || columns !== cells(delimiter)) return undefined;
      let j = i + 1;
      while (j + 1 < n && lines[j + 1] !== '') {
        // A row without a leading pipe may be a row or the next block.
        if (lines[j + 1]!.charCodeAt(0) !== 124) return undefined;
        j++;
      }
      blocks.push({ type: 'table', text: source(i, j) });
      i = j + 1;
      continue;
    }

    // A paragraph: up to a blank line; give up on any line that could interrupt it or turn it into something else.
    let j = i;
    while (j + 1 < n && lines[j + 1] !== '') {
      const next = lines[j + 1]!;
      if (INTERRUPT.test(next) || UNDERLINE.test(next) || BREAK.test(next) || DELIMITER_LIKE.test(next)) return undefined;
      j++;
    }
    blocks.push({ type: 'paragraph', text: source(i, j) });
    i = j + 1;
  }
  return blocks;
}

/**
 * The items of the list starting at line `start` (a marker at the margin), each as its first and
 * last non-blank line, and the line after the list; `undefined` when unsure. An item holds the lines
 * indented at least as far as its content; a fence opened at that column must close in the item.
 */
function scanList(lines: string[], start: number, first: RegExpExecArray): { items: Array<[number, number]>; next: number } | undefined {
  const n = lines.length;
  const kind = first[1] ?? first[2]!;
  const items: Array<[number, number]> = [];
  let itemStart = start;
  let last = start;
  /** The item's content column; -1 for an empty item, which nothing after a blank line can join. */
  let width = 0;
  /** The fence open in the item, if any. */
  let fence: string | undefined;
  let blank = false;
  const open = (line: string, marker: RegExpExecArray): boolean => {
    blank = false;
    fence = undefined;
    if (marker[3] === undefined) {
      width = -1;
      return true;
    }
    // More than four spaces after the marker: the content is indented code.
    if (marker[3].length > 4) return false;
    width = marker[0].length;
    return opensFence(line, width);
  };
  const opensFence = (line: string, column: number): boolean => {
    const opening = FENCE_OPEN.exec(line.slice(column));
    if (opening) {
      if (opening[1]![0] === '`' && opening[2]!.includes('`')) return false;
      fence = opening[1]!;
      return true;
    }
    // A fence anywhere else (in a nested item or quote) may end the item elsewhere than it seems.
    return !FENCE_ANYWHERE.test(line);
  };
  if (!open(lines[start]!, first)) return undefined;
  let j = start + 1;
  for (; j < n; j++) {
    const line = lines[j]!;
    if (line === '') {
      blank = true;
      continue;
    }
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    if (width === -1 ? indent > 0 : indent >= width) {
      // After a blank line nothing joins an empty item; right after it, an indented line would.
      if (width === -1) return undefined;
      if (fence !== undefined) {
        if (closesFence(line.slice(width), fence)) fence = undefined;
      } else if (EMPTY_ITEM.test(line) || !(indent === width ? opensFence(line, width) : !FENCE_ANYWHERE.test(line))) return undefined;
      last = j;
      blank = false;
      continue;
    }
    if (indent > 0) return undefined;
    // A fence still open when its item ends takes in the blank lines after it.
    if (fence !== undefined) return undefined;
    if (BREAK.test(line)) {
      if (blank) break;
      return undefined;
    }
    const next = MARKER.exec(line);
    if (next && (next[1] ?? next[2]) === kind) {
      items.push([itemStart, last]);
      itemStart = j;
      last = j;
      if (!open(line, next)) return undefined;
      continue;
    }
    // After a blank line, a line at the margin ends the list; right after an item's line it may be lazy continuation.
    if (blank) break;
    return undefined;
  }
  if (fence !== undefined) return undefined;
  items.push([itemStart, last]);
  return { items, next: j };
}

/** Whether a line closes a fence opened with `marker`. */
function closesFence(line: string, marker: string): boolean {
  let indent = 0;
  while (line.charCodeAt(indent) === 32) indent++;
  if (indent > 3) return false;
  let count = 0;
  while (line[indent + count] === marker[0]) count++;
  if (count < marker.length) return false;
  for (let k = indent + count; k < line.length; k++) if (line[k] !== ' ') return false;
  return true;
}

/** The number of cells of a table row with outer pipes (escaped pipes do not count). */
function cells(row: string): number {
  let pipes = 0;
  for (let k = 0; k < row.length; k++) {
    const c = row[k];
    if (c === '\\') k++;
    else if (c === '|') pipes++;
  }
  // Outer pipes on both sides: the normalizer's form (a row ending in an escaped pipe is not).
  if (!row.endsWith('|') || /(?:^|[^\\])(?:\\\\)*\\\|$/.test(row)) return -1;
  return pipes - 1;
}
