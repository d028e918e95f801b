import { parse as parseDiff } from 'diff2html';
import { diffWords } from '../analysis/sequence-diff.ts';
import { unifiedPatch } from './patch.ts';
import { renderDiffJob } from './render-pool.ts';

/**
 * The change between two versions as HTML, server-side (no client script), in two layouts with
 * word-level highlights: the markup of diff2html (its classes, which the site's style sheet
 * draws), for the unified diff of the two texts (src/site/patch.ts).
 *
 * diff2html parses the patch (`parse`); the rows are drawn here, because diff2html's renderers
 * parse the patch, pair the changed lines and diff their words once per layout, which was most
 * of a build's diff time. Here each block of changed lines is paired, and each pair's words
 * diffed, once, and both layouts are written from that, as diff2html draws them (`matching:
 * 'lines'`, `diffStyle: 'word'`, its default limits; tests compare the two). Every character of
 * the texts is escaped (tests hold it to that).
 *
 * Side by side, diff2html draws the old and the new text as two tables, which only line up when
 * lines never wrap. Prose needs wrapped lines, so side by side is one table: each row holds the
 * old line and the new line, and wraps as one.
 */

export interface RenderedDiff {
  lineByLine: string;
  sideBySide: string;
  added: number;
  removed: number;
}

type DiffLine = ReturnType<typeof parseDiff>[number]['blocks'][number]['lines'][number];

const WRAPPER = '<div class="d2h-wrapper d2h-light-color-scheme"><div class="d2h-file-wrapper">';
const LINE_BY_LINE_TABLE =
  '<table class="d2h-diff-table d2h-line-by-line">' +
  '<thead><tr><th scope="col">Lines <span class="visually-hidden">(previous version, this version)</span></th><th scope="col">Text <span class="visually-hidden">(lines marked − are only in the previous version, + only in this one)</span></th></tr></thead>' +
  '<tbody class="d2h-diff-tbody">';
const SIDE_BY_SIDE_TABLE =
  '<table class="d2h-diff-table d2h-side-by-side">' +
  '<thead><tr><th scope="col"><span class="visually-hidden">Line</span></th><th scope="col">Previous version</th>' +
  '<th scope="col"><span class="visually-hidden">Line</span></th><th scope="col">This version</th></tr></thead>' +
  '<tbody class="d2h-diff-tbody">';
const END = '</tbody></table></div></div>';

/** diff2html's limits: blocks are paired line by line below these, words highlighted in lines up to the last. */
const MATCHING_MAX_COMPARISONS = 2500;
const MAX_LINE_SIZE_IN_BLOCK_FOR_COMPARISON = 200;
const MAX_LINE_LENGTH_HIGHLIGHT = 10000;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '/': '&#x2F;' };
/** diff2html's escaping: every character HTML could read as markup, and the slash. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"'/]/g, (char) => ESCAPES[char]!);
}

/** What a changed or unchanged line shows: its type (diff2html's classes), prefix and escaped content. */
interface Shown {
  type: string;
  prefix: string;
  content: string;
  oldNumber: number | undefined;
  newNumber: number | undefined;
}

const EMPTY_SIDE =
  '<td class="d2h-code-side-linenumber d2h-code-side-emptyplaceholder d2h-cntx d2h-emptyplaceholder"></td>' +
  '<td class="d2h-cntx d2h-emptyplaceholder"><div class="d2h-code-side-line d2h-code-side-emptyplaceholder"><span class="d2h-code-line-prefix">&nbsp;</span><span class="d2h-code-line-ctn"><br></span></div></td>';

/** A line's first character, escaped too (diff2html writes it as it is: after a carriage return, which its parser reads as a line break, it can be any character). */
function prefixHtml(prefix: string): string {
  return prefix === ' ' || prefix === '' ? '&nbsp;' : escapeHtml(prefix);
}

function lineCell(type: string, prefix: string, content: string, contentClass: string): string {
  return `<td class="${type}"><div class="${contentClass}"><span class="d2h-code-line-prefix">${prefixHtml(prefix)}</span><span class="d2h-code-line-ctn">${content || '<br>'}</span></div></td>`;
}

function unifiedRow(line: Shown): string {
  return (
    `<tr><td class="d2h-code-linenumber ${line.type}"><div class="line-num1">${line.oldNumber || ''}</div><div class="line-num2">${line.newNumber || ''}</div></td>` +
    `${lineCell(line.type, line.prefix, line.content, 'd2h-code-line')}</tr>`
  );
}

function side(line: Shown | undefined, number: number | undefined): string {
  if (!line) return EMPTY_SIDE;
  // diff2html's template puts the number on a line of its own (whitespace a browser drops).
  return `<td class="d2h-code-side-linenumber ${line.type}">${number === undefined ? '' : `\n      ${number}\n    `}</td>${lineCell(line.type, line.prefix, line.content, 'd2h-code-side-line')}`;
}

function sideRow(left: Shown | undefined, right: Shown | undefined): string {
  return `<tr>${side(left, left?.oldNumber)}${side(right, right?.newNumber)}</tr>`;
}

/** The words that differ between two lines, as `<del>` in the old one and `<ins>` in the new one. */
function highlightWords(previous: string, next: string): [string, string] {
  if (previous.length > MAX_LINE_LENGTH_HIGHLIGHT || next.length > MAX_LINE_LENGTH_HIGHLIGHT) return [escapeHtml(previous), escapeHtml(next)];
  let before = '';
  let after = '';
  for (const part of diffWords(previous, next)) {
    const value = escapeHtml(part.value);
    if (part.added) after += `<ins>${value}</ins>`;
    else if (part.removed) before += `<del>${value}</del>`;
    else {
      before += value;
      after += value;
    }
  }
  return [before, after];
}

let row = new Int32Array(256);

/** Edit distance (insertions, deletions, substitutions of UTF-16 units), as diff2html's `levenshtein`. */
function levenshtein(a: string, b: string): number {
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  const m = endA - start;
  const n = endB - start;
  if (m === 0) return n;
  if (n === 0) return m;
  if (row.length <= m) row = new Int32Array(2 * m + 1);
  for (let j = 0; j <= m; j++) row[j] = j;
  for (let i = 1; i <= n; i++) {
    const char = b.charCodeAt(start + i - 1);
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= m; j++) {
      const above = row[j]!;
      const cost = a.charCodeAt(start + j - 1) === char ? diagonal : Math.min(diagonal, above, row[j - 1]!) + 1;
      diagonal = above;
      row[j] = cost;
    }
  }
  return row[m]!;
}

type Chunk = [oldStart: number, oldEnd: number, newStart: number, newEnd: number];

/**
 * Splits a block of removed and added lines into pairs of similar lines, as diff2html's
 * `rematch` does (the same pairs, ties included): the closest pair by relative edit distance of
 * the escaped, trimmed texts, then the same on either side of it. Each distance is computed once.
 */
function matchLines(previous: string[], next: string[]): Chunk[] {
  const width = next.length;
  const distances = new Float64Array(previous.length * width).fill(-1);
  const distance = (i: number, j: number): number => {
    let value = distances[i * width + j]!;
    if (value === -1) {
      const a = previous[i]!;
      const b = next[j]!;
      value = distances[i * width + j] = levenshtein(a, b) / (a.length + b.length);
    }
    return value;
  };
  const group = (a0: number, a1: number, b0: number, b1: number): Chunk[] => {
    if (a1 - a0 + (b1 - b0) < 3) return [[a0, a1, b0, b1]];
    let best = Infinity;
    let bestA = -1;
    let bestB = -1;
    for (let i = a0; i < a1; i++) {
      const length = previous[i]!.length;
      for (let j = b0; j < b1; j++) {
        // The distance is at least the difference in length: a pair that cannot beat the best is skipped.
        if (Math.abs(length - next[j]!.length) / (length + next[j]!.length) >= best) continue;
        const value = distance(i, j);
        if (value < best) {
          best = value;
          bestA = i;
          bestB = j;
        }
      }
    }
    if (bestA < 0) return [[a0, a1, b0, b1]];
    let result: Chunk[] = [[bestA, bestA + 1, bestB, bestB + 1]];
    if (bestA > a0 || bestB > b0) result = [...group(a0, bestA, b0, bestB), ...result];
    if (a1 > bestA + 1 || b1 > bestB + 1) result = [...result, ...group(bestA + 1, a1, bestB + 1, b1)];
    return result;
  };
  return group(0, previous.length, 0, next.length);
}

/** Removed lines followed by added lines: paired when the block is small enough, as diff2html does. */
function changedLines(removed: DiffLine[], added: DiffLine[], unified: string[], sides: string[]): void {
  const contentOf = (line: DiffLine) => line.content.slice(1);
  let chunks: Chunk[] = [[0, removed.length, 0, added.length]];
  if (removed.length > 0 && added.length > 0) {
    let longest = 0;
    for (const line of removed) longest = Math.max(longest, line.content.length);
    for (const line of added) longest = Math.max(longest, line.content.length);
    if (removed.length * added.length < MATCHING_MAX_COMPARISONS && longest < MAX_LINE_SIZE_IN_BLOCK_FOR_COMPARISON) {
      const key = (line: DiffLine) => escapeHtml(contentOf(line)).trim();
      chunks = matchLines(removed.map(key), added.map(key));
    }
  }
  for (const [a0, a1, b0, b1] of chunks) {
    const before: Shown[] = [];
    const after: Shown[] = [];
    for (let i = 0; i < Math.max(a1 - a0, b1 - b0); i++) {
      const old = a0 + i < a1 ? removed[a0 + i]! : undefined;
      const next = b0 + i < b1 ? added[b0 + i]! : undefined;
      if (old && next) {
        const [oldHtml, newHtml] = highlightWords(contentOf(old), contentOf(next));
        before.push({ type: 'd2h-del d2h-change', prefix: old.content.slice(0, 1), content: oldHtml, oldNumber: old.oldNumber, newNumber: old.newNumber });
        after.push({ type: 'd2h-ins d2h-change', prefix: next.content.slice(0, 1), content: newHtml, oldNumber: next.oldNumber, newNumber: next.newNumber });
      } else if (old) before.push(plainLine(old, 'd2h-del'));
      else if (next) after.push(plainLine(next, 'd2h-ins'));
    }
    for (const line of before) unified.push(unifiedRow(line));
    for (const line of after) unified.push(unifiedRow(line));
    for (let i = 0; i < Math.max(before.length, after.length); i++) sides.push(sideRow(before[i], after[i]));
  }
}

function plainLine(line: DiffLine, type: string): Shown {
  return { type, prefix: line.content.slice(0, 1), content: escapeHtml(line.content.slice(1)), oldNumber: line.oldNumber, newNumber: line.newNumber };
}

function renderRows(patch: string): { unified: string[]; sides: string[] } {
  const unified: string[] = [];
  const sides: string[] = [];
  for (const file of parseDiff(patch)) {
    if (file.blocks.length === 0) {
      unified.push('<tr><td class="d2h-info"><div class="d2h-code-line">File without changes</div></td></tr>');
      sides.push('<tr><td class="d2h-info" colspan="4"><div class="d2h-code-side-line">File without changes</div></td></tr>');
    }
    for (const block of file.blocks) {
      const header = escapeHtml(block.header) || '&nbsp;';
      unified.push(`<tr><td class="d2h-code-linenumber d2h-info"></td><td class="d2h-info"><div class="d2h-code-line">${header}</div></td></tr>`);
      sides.push(
        `<tr><td class="d2h-code-side-linenumber d2h-info"></td><td class="d2h-info"><div class="d2h-code-side-line">${header}</div></td>` +
          '<td class="d2h-code-side-linenumber d2h-info"></td><td class="d2h-info"><div class="d2h-code-side-line">&nbsp;</div></td></tr>',
      );
      // diff2html's grouping: a context line alone; removed lines with the added lines right after them.
      let removed: DiffLine[] = [];
      let added: DiffLine[] = [];
      const flush = () => {
        if (removed.length > 0 || added.length > 0) changedLines(removed, added, unified, sides);
        removed = [];
        added = [];
      };
      for (const line of block.lines) {
        if (line.type === 'context') {
          flush();
          const shown: Shown = { type: 'd2h-cntx', prefix: line.content.slice(0, 1), content: escapeHtml(line.content.slice(1)), oldNumber: line.oldNumber, newNumber: line.newNumber };
          unified.push(unifiedRow(shown));
          sides.push(sideRow(shown, shown));
        } else if (line.type === 'insert') {
          if (removed.length === 0) {
            flush();
            changedLines([], [line], unified, sides);
          } else added.push(line);
        } else {
          if (added.length > 0) flush();
          removed.push(line);
        }
      }
      flush();
    }
  }
  return { unified, sides };
}

export function countLines(patch: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  const lines = patch.split('\n');
  const firstHunk = lines.findIndex((line) => line.startsWith('@@'));
  for (const line of firstHunk < 0 ? [] : lines.slice(firstHunk)) {
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  return { added, removed };
}

export function renderDiffUncached(previous: string, next: string, fileName = 'text.md'): RenderedDiff {
  const patch = unifiedPatch(fileName, previous, next, 3);
  const { unified, sides } = renderRows(patch);
  return {
    lineByLine: `${WRAPPER}${LINE_BY_LINE_TABLE}${unified.join('')}${END}`,
    sideBySide: `${WRAPPER}${SIDE_BY_SIDE_TABLE}${sides.join('')}${END}`,
    ...countLines(patch),
  };
}

/** Renders the change from one text to the next, on the render pool's threads (each pair is rendered once: no memo). */
export function renderDiff(previous: string, next: string, fileName = 'text.md'): Promise<RenderedDiff> {
  return renderDiffJob(previous, next, fileName);
}
