import { createTwoFilesPatch } from 'diff';
import { html as diffHtml } from 'diff2html';
import { renderDiffJob } from './render-pool.ts';

/**
 * The change between two versions as HTML, server-side (no client script): diff2html renders the
 * unified diff that `diff` computes, in two layouts, with word-level highlights. diff2html escapes
 * every character of the texts it shows (tests hold it to that).
 *
 * Side by side, diff2html draws the old and the new text as two tables, which only line up when
 * lines never wrap. Prose needs wrapped lines, so the two tables are zipped into one: each row
 * holds the old line and the new line, and wraps as one.
 */

export interface RenderedDiff {
  lineByLine: string;
  sideBySide: string;
  added: number;
  removed: number;
}

const LINE_BY_LINE_FILE =
  '<div class="d2h-file-wrapper"><table class="d2h-diff-table d2h-line-by-line">' +
  '<thead><tr><th scope="col">Lines <span class="visually-hidden">(previous version, this version)</span></th><th scope="col">Text <span class="visually-hidden">(lines marked − are only in the previous version, + only in this one)</span></th></tr></thead>' +
  '<tbody class="d2h-diff-tbody">{{{diffs}}}</tbody></table></div>';
const SIDE_BY_SIDE_HEAD =
  '<thead><tr><th scope="col"><span class="visually-hidden">Line</span></th><th scope="col">Previous version</th>' +
  '<th scope="col"><span class="visually-hidden">Line</span></th><th scope="col">This version</th></tr></thead>';
const SIDE_BY_SIDE_FILE = '\u0001{{{diffs.left}}}\u0002{{{diffs.right}}}\u0003';

function rowsOf(html: string): string[] {
  return html.split('</tr>').map((row) => row.trim()).filter((row) => row.startsWith('<tr>')).map((row) => row.slice('<tr>'.length));
}

function zipSides(html: string): string {
  return html.replace(/\u0001([\s\S]*?)\u0002([\s\S]*?)\u0003/g, (_match, left: string, right: string) => {
    const leftRows = rowsOf(left);
    const rightRows = rowsOf(right);
    if (leftRows.length !== rightRows.length) throw new Error(`diff2html drew ${leftRows.length} old and ${rightRows.length} new rows`);
    const rows = leftRows.map((row, index) => `<tr>${row}${rightRows[index]}</tr>`).join('\n');
    return `<div class="d2h-file-wrapper"><table class="d2h-diff-table d2h-side-by-side">${SIDE_BY_SIDE_HEAD}<tbody class="d2h-diff-tbody">${rows}</tbody></table></div>`;
  });
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
  const patch = createTwoFilesPatch(fileName, fileName, previous, next, undefined, undefined, { context: 3 });
  const common = {
    drawFileList: false,
    diffStyle: 'word' as const,
    matching: 'lines' as const,
    renderNothingWhenEmpty: false,
  };
  const lineByLine = diffHtml(patch, { ...common, outputFormat: 'line-by-line', rawTemplates: { 'line-by-line-file-diff': LINE_BY_LINE_FILE } });
  const sideBySide = zipSides(diffHtml(patch, { ...common, outputFormat: 'side-by-side', rawTemplates: { 'side-by-side-file-diff': SIDE_BY_SIDE_FILE } }));
  // Indentation between tags only (never inside a line of text, which holds no newline).
  const compact = (html: string) => html.replace(/>\s*\n\s*</g, '><').trim();
  return { lineByLine: compact(lineByLine), sideBySide: compact(sideBySide), ...countLines(patch) };
}

/** Renders the change from one text to the next, on the render pool's threads (each pair is rendered once: no memo). */
export function renderDiff(previous: string, next: string, fileName = 'text.md'): Promise<RenderedDiff> {
  return renderDiffJob(previous, next, fileName);
}
