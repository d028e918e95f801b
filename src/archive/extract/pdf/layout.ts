/**
 * From positioned text to Markdown: the part of PDF extraction that knows nothing of PDF.js.
 * A PDF has no paragraphs or headings, only glyph runs at coordinates; the structure is read
 * back from the layout the way a reader sees it — lines from shared baselines, paragraphs from
 * vertical gaps, headings from type size, running headers from repetition across pages.
 *
 * Known limits: one text column (two-column pages interleave their lines), and headings set in
 * bold at body size stay paragraphs.
 */

/** One run of text as the PDF places it, in the page's own coordinates (y grows upwards). */
export interface TextRun {
  text: string;
  /** Left end of the baseline. */
  x: number;
  y: number;
  /** Advance width of the run. */
  width: number;
  /** Type size, in the same units. */
  size: number;
}

/** One visual line of a page. */
export interface Line {
  page: number;
  text: string;
  x: number;
  /** Baseline. */
  y: number;
  /** Type size of most of its characters. */
  size: number;
}

export type Block = { kind: 'heading'; level: number; text: string } | { kind: 'paragraph'; text: string };

/** A line at least this much larger than the body text is a heading. */
const HEADING_RATIO = 1.15;
/** Longer lines are prose set large (an introduction), not headings. */
const MAX_HEADING_LENGTH = 200;
/** How many lines at each end of a page may be a running header, footer or page number. */
const EDGE_LINES = 3;

/**
 * Starts of numbered clauses and list items: "1.", "4.2", "12.3.1", "(a)", "(iv)", "a)", "•".
 * A number needs its dot: a wrapped line may well start with "30 days".
 */
const CLAUSE_START = /^(?:\d{1,3}\.(?:\d{1,3}\.?)*\s|\((?:[a-z]{1,2}|[ivxlc]{1,6}|\d{1,3})\)\s|[a-z]\)\s|[•◦▪●○■□‣⁃∙·]\s?)/i;
const BULLET = /^[•◦▪●○■□‣⁃∙·]\s*/;
/** "12", "- 12 -", "Page 3", "Page 3 of 12", "3 of 12", "3/12", "p. 3". */
const PAGE_NUMBER = /^(?:[-–—]\s*)?(?:(?:page|p\.|pg\.?)\s*)?\d{1,4}(?:\s*(?:of|\/)\s*\d{1,4})?(?:\s*[-–—])?$/i;
/** Front matter's "iv": a well-formed lower-case roman numeral, so that a line "civil" is not one. */
const ROMAN_PAGE_NUMBER = /^(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$/;
/** A paragraph that ends like this does not continue on the next page. */
const ENDS_SENTENCE = /[.!?:;…]["'”’)\]]*$/;

/**
 * Groups the runs of one page into lines: runs whose baselines are within a fraction of the
 * type size belong together (a superscript footnote mark stays on its line), ordered by x.
 */
export function linesOfPage(runs: readonly TextRun[], page: number): Line[] {
  const sorted = runs
    .filter((run) => run.text !== '' && run.size > 0)
    .toSorted((a, b) => b.y - a.y || a.x - b.x);
  const groups: TextRun[][] = [];
  let current: TextRun[] = [];
  let anchor: TextRun | undefined;
  for (const run of sorted) {
    if (anchor && Math.abs(anchor.y - run.y) <= 0.4 * Math.max(anchor.size, run.size)) {
      current.push(run);
      // The line's baseline is that of its largest type, not of a raised footnote mark.
      if (run.size > anchor.size) anchor = run;
    } else {
      if (current.length > 0) groups.push(current);
      current = [run];
      anchor = run;
    }
  }
  if (current.length > 0) groups.push(current);

  const lines: Line[] = [];
  for (const group of groups) {
    const ordered = group.toSorted((a, b) => a.x - b.x);
    let text = '';
    let end = -Infinity;
    for (const run of ordered) {
      const gap = run.x - end;
      if (text !== '' && gap > 0.15 * run.size && !/\s$/.test(text) && !/^\s/.test(run.text)) text += ' ';
      text += run.text;
      end = Math.max(end, run.x + run.width);
    }
    text = text.replace(/\s+/g, ' ').trim();
    if (text === '') continue;
    const dominant = dominantSize(ordered.map((run) => ({ size: run.size, weight: run.text.trim().length })));
    const baseline = ordered.find((run) => round(run.size) === dominant) ?? ordered[0]!;
    lines.push({ page, text, x: ordered[0]!.x, y: baseline.y, size: dominant });
  }
  return lines;
}

/**
 * Drops what repeats on most pages at their top or bottom (running headers and footers, with
 * their page numbers masked so that "Page 2 of 3" and "Page 3 of 3" count as one), and lines
 * at a page's edge that are only a page number. Only the edges are considered: a short line in
 * the body ("12", a table cell) is content.
 */
export function dropPageFurniture(pages: readonly Line[][]): Line[][] {
  const edges = pages.map((lines) => {
    // A short page has little body between its edges: at most a quarter of its lines at each end.
    const count = Math.min(EDGE_LINES, Math.ceil(lines.length / 4));
    return new Set([...lines.slice(0, count), ...lines.slice(-count)]);
  });
  const key = (line: Line) => `${round(line.size)}|${line.text.replace(/\d+/g, '#').toLowerCase()}`;
  const pagesWith = new Map<string, number>();
  for (const edge of edges) {
    for (const k of new Set([...edge].map(key))) pagesWith.set(k, (pagesWith.get(k) ?? 0) + 1);
  }
  // "Most pages": more than half, and at least two, so a one-page document keeps its lines.
  const threshold = Math.max(2, Math.floor(pages.length / 2) + 1);
  return pages.map((lines, index) =>
    lines.filter((line) => {
      if (!edges[index]!.has(line)) return true;
      return !PAGE_NUMBER.test(line.text) && !ROMAN_PAGE_NUMBER.test(line.text) && (pagesWith.get(key(line)) ?? 0) < threshold;
    }),
  );
}

/** Lines (in reading order, page by page) to headings and paragraphs. */
export function blocksOf(lines: readonly Line[]): Block[] {
  if (lines.length === 0) return [];
  const body = dominantSize(lines.map((line) => ({ size: line.size, weight: line.text.length })));
  const headingSizes = [...new Set(lines.filter((line) => isHeadingCandidate(line, body)).map((line) => round(line.size)))].sort((a, b) => b - a);
  const levelOf = (line: Line) => (isHeadingCandidate(line, body) ? Math.min(3, headingSizes.indexOf(round(line.size)) + 1) : 0);
  const leading = lineSpacing(lines, body);

  const blocks: Block[] = [];
  let previous: Line | undefined;
  /** Lines of the open block, and where its text started. */
  let open: { block: Block; lines: Line[] } | undefined;
  for (const line of lines) {
    const level = levelOf(line);
    const gap = previous && previous.page === line.page ? previous.y - line.y : undefined;
    if (level > 0) {
      // A heading set over two lines stays one heading.
      const continues = open?.block.kind === 'heading' && open.block.level === level && gap !== undefined && gap <= 1.6 * line.size;
      if (continues) open!.lines.push(line);
      else open = push(blocks, { kind: 'heading', level, text: '' }, line);
    } else if (!open || open.block.kind !== 'paragraph' || startsParagraph(line, previous!, open.lines, gap, leading * (line.size / body))) {
      open = push(blocks, { kind: 'paragraph', text: '' }, line);
    } else {
      open.lines.push(line);
    }
    open!.block.text = joinLines(open!.lines.map((member) => member.text));
    previous = line;
  }
  return blocks;
}

export function toMarkdown(blocks: readonly Block[]): string {
  const parts = blocks.map((block) => {
    if (block.kind === 'heading') return `${'#'.repeat(block.level)} ${escapeMarkdown(block.text)}`;
    const bullet = BULLET.exec(block.text);
    return bullet ? `- ${escapeMarkdown(block.text.slice(bullet[0].length))}` : escapeMarkdown(block.text);
  });
  return parts.length === 0 ? '' : `${parts.join('\n\n')}\n`;
}

function push(blocks: Block[], block: Block, line: Line): { block: Block; lines: Line[] } {
  blocks.push(block);
  return { block, lines: [line] };
}

function isHeadingCandidate(line: Line, body: number): boolean {
  return line.size >= HEADING_RATIO * body && line.text.length <= MAX_HEADING_LENGTH && /\p{L}/u.test(line.text);
}

function startsParagraph(line: Line, previous: Line, members: readonly Line[], gap: number | undefined, leading: number): boolean {
  if (CLAUSE_START.test(line.text)) return true;
  // Small print (footnotes) starts anew; a line of inline code set a point smaller does not.
  if (Math.max(line.size, previous.size) > 1.15 * Math.min(line.size, previous.size)) return true;
  if (gap === undefined) {
    // Across a page break a paragraph goes on unless the last one visibly ended.
    return ENDS_SENTENCE.test(previous.text);
  }
  if (gap > leading + 0.3 * line.size || gap < 0) return true;
  // A first-line indent, in a paragraph that is not a clause with a hanging indent.
  const first = members[0]!;
  return !CLAUSE_START.test(first.text) && members.length > 1 && line.x - previous.x > line.size && Math.abs(previous.x - first.x) < 1;
}

/**
 * The distance between baselines inside a paragraph: the smallest spacing that recurs among
 * body lines. The most frequent one would be the paragraph spacing in a text of one-line
 * paragraphs.
 */
function lineSpacing(lines: readonly Line[], body: number): number {
  const counts = new Map<number, number>();
  let total = 0;
  for (let i = 1; i < lines.length; i++) {
    const [a, b] = [lines[i - 1]!, lines[i]!];
    if (a.page !== b.page || round(a.size) !== body || round(b.size) !== body) continue;
    const gap = round(a.y - b.y);
    if (gap < 0.9 * body || gap > 1.8 * body) continue;
    counts.set(gap, (counts.get(gap) ?? 0) + 1);
    total++;
  }
  const recurring = [...counts].filter(([, count]) => count >= Math.max(2, 0.05 * total)).map(([gap]) => gap);
  return recurring.length > 0 ? Math.min(...recurring) : 1.2 * body;
}

/**
 * Joins the lines of a paragraph. A word broken with a hyphen is mended when the next line
 * starts in lower case ("in-" + "formation"); before a capital or a digit the hyphen is part of
 * the word ("non-" + "EU") and stays, without a space.
 */
export function joinLines(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) {
    if (text === '') text = line;
    else if (/\p{L}-$/u.test(text) && /^\p{Ll}/u.test(line)) text = text.slice(0, -1) + line;
    else if (/\p{L}-$/u.test(text) || /\u00ad$/.test(text)) text = text.replace(/\u00ad$/, '') + line;
    else text = `${text} ${line}`;
  }
  return text;
}

/**
 * PDF text is plain text: characters that Markdown would read as markup are escaped. A clause
 * number at the start stays as it is ("1." makes an ordered list item, which it is).
 */
function escapeMarkdown(text: string): string {
  const escaped = text.replace(/[\\`*_[\]<]/g, '\\$&');
  return /^(?:#{1,6}(?:\s|$)|>|[-+](?:\s|$)|=+\s*$|-{3,}\s*$)/.test(escaped) ? `\\${escaped}` : escaped;
}

/** The size carrying the most weight (characters), rounded to half a point; ties go to the smaller. */
function dominantSize(entries: readonly { size: number; weight: number }[]): number {
  const totals = new Map<number, number>();
  for (const { size, weight } of entries) totals.set(round(size), (totals.get(round(size)) ?? 0) + Math.max(weight, 1));
  let best = 0;
  let bestWeight = -1;
  for (const [size, weight] of [...totals].sort((a, b) => a[0] - b[0])) {
    if (weight > bestWeight) {
      best = size;
      bestWeight = weight;
    }
  }
  return best;
}

function round(value: number): number {
  return Math.round(value * 2) / 2;
}
