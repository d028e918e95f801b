import { blocksOf, parseBlocks, type Block } from './blocks.ts';

/**
 * How a provision was found: under a heading, as a numbered clause or a definition inside a
 * section, as the text before the first heading, or as a group of paragraphs in flat text.
 */
export type ProvisionKind = 'section' | 'clause' | 'definition' | 'preamble' | 'paragraphs';

/** A section of a version. `id` is empty until `assignIds`/`initialIds` gives it one. */
export interface Provision {
  id: string;
  kind: ProvisionKind;
  /** Headings of the enclosing provisions, outermost first (numbering kept, Markdown marks removed). */
  headingPath: string[];
  /** Plain heading text; empty for the preamble and for paragraph groups. */
  heading: string;
  /** 1–6 for headings, the enclosing level + 1 for clauses and definitions, 0 for untitled text. */
  level: number;
  /** The provision's own Markdown, without its sub-provisions. */
  text: string;
  /** Position in the version, from 0. */
  order: number;
  /** `order` of the enclosing provision, or -1 at the top. */
  parent: number;
}

/** A section needs at least this many clauses (or definitions) before they are split out. */
const MIN_CLAUSES = 2;
/** Flat text: paragraphs shorter than this are merged with the next one (a pseudo-title, a one-liner). */
const SHORT_PARAGRAPH = 160;
/** Flat text: a run of short paragraphs stops growing past this many characters. */
const GROUP_SIZE = 1200;
/** How many words title an untitled provision. */
const TITLE_WORDS = 8;

/** "4.2 Data retention", "§ 3 Fees", "(a) Scope" — a clause number at the start of a line. */
const CLAUSE_NUMBER = /^(?:§+\s*)?(?:\d+(?:\.\d+)+\.?|\d+[.)]|\([a-z0-9]{1,3}\)|[A-Z][.)])\s+\S/;
/** `**"Term"** means …`, `"Term" means …`, `**Term**: …` */
const DEFINITION = /^(?:\*\*|__)?["“”'‘’]?[^\n"“”*_]{1,80}["“”'‘’]?(?:\*\*|__)?\s*(?:means|shall mean|refers to|has the meaning|includes|:)/i;
const BOLD_LEAD = /^(?:\*\*|__)[^\n*_]{1,80}(?:\*\*|__)/;

/** Whether a section body may hold clauses or definitions; bodies that cannot are not parsed (speed). */
const MAY_SPLIT = /^(?:(?:[-*+]|\d+[.)])\s+)?(?:\*\*|__|["“'‘]|§|\d+\.\d|\d+[.)]\s|\([a-z0-9]{1,3}\)\s|[A-Z][.)]\s)/m;

/**
 * Splits a normalized Markdown version into provisions: one per heading, then numbered clauses and
 * definitions of a section that holds several; a document without headings is cut into groups of
 * paragraphs. Deterministic: the same text gives the same provisions.
 *
 * Headings are found line by line: in normalized Markdown (ATX only, fenced code only) a line
 * starting with `#` outside a fence is a heading. Section bodies are split into blocks only when
 * they may hold clauses or definitions, by a line scanner that falls back to parsing (mdast, GFM)
 * when unsure (see `blocksOf`).
 */
export function segment(markdown: string): Provision[] {
  return segmentWith(markdown, blocksOf);
}

/**
 * `segment`, with the line where each provision starts (1-based, in `markdown` as given): its
 * heading, or the first line of its first paragraph or list item. The site anchors each provision
 * there (a clause's paragraph, a definition's list item). A line is 0 when the provision's text
 * could not be found in the source (not seen on the corpus; the page then anchors it nowhere).
 */
export function segmentWithLines(markdown: string): { provisions: Provision[]; lines: number[] } {
  const lines: number[] = [];
  return { provisions: segmentWith(markdown, blocksOf, lines), lines };
}

/** `segment` with every body parsed (mdast, GFM), never scanned: the reference `segment` must equal. */
export function referenceSegment(markdown: string): Provision[] {
  return segmentWith(markdown, parseBlocks);
}

/** A list item that opens with a heading: `6. ## Introduction`. */
const LIST_HEADING = /^( {0,3})(\d{1,9}[.)]|[-*+])( {1,4})(#{1,6}(?:[ \t].*)?)$/;

/**
 * Some pages number their sections with a list (`<ol><li><h2>Introduction</h2>…`), which reads as
 * `6. ## Introduction` followed by the section indented under it. Such an item is a section: its
 * heading is lifted out of the list and its content dedented, so that it and the headings inside it
 * are found like any other. Only items that open with a heading are touched; fenced code is not.
 */
export function liftListHeadings(markdown: string): string {
  if (!markdown.includes('#')) return markdown;
  const lines = markdown.split('\n');
  let indent = 0; // the lifted item's content indent; 0 outside one
  let fence = false;
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (indent > 0) {
      const lead = line.length - line.replace(/^ +/, '').length;
      if (line.trim() === '') lines[i] = '';
      else if (lead >= indent) lines[i] = line.slice(indent);
      else indent = 0;
    }
    const found = fence ? null : LIST_HEADING.exec(lines[i]!);
    if (found) {
      lines[i] = found[4]!;
      indent = found[1]!.length + found[2]!.length + found[3]!.length;
      changed = true;
    }
    if (/^ {0,3}(?:```|~~~)/.test(lines[i]!)) fence = !fence;
  }
  return changed ? lines.join('\n') : markdown;
}

/**
 * Lines of a part of the source (the first is line `first`, from 1), and where texts taken from
 * it in order start. Lifting list headings keeps every line where it was, so a line of the lifted
 * text is the same line of the source.
 */
class Lines {
  private readonly joined: string;
  private cursor = 0;
  /** The line at `counted`, the offset up to which newlines have been counted. */
  private line: number;
  private counted = 0;

  constructor(first: number, lines: string[]) {
    this.line = first;
    this.joined = lines.join('\n');
  }

  private lineAt(offset: number): number {
    for (let i = this.joined.indexOf('\n', this.counted); i >= 0 && i < offset; i = this.joined.indexOf('\n', i + 1)) this.line++;
    this.counted = Math.max(this.counted, offset);
    return this.line;
  }

  /** The line of `text`, the next occurrence after the last one found (0 when not found). */
  next(text: string): number {
    const found = this.joined.indexOf(text, this.cursor);
    if (found < 0) return 0;
    this.cursor = found + text.length;
    return this.lineAt(found);
  }

  /** The line of the first character that is not white space. */
  start(): number {
    return this.lineAt(this.joined.length - this.joined.trimStart().length);
  }
}

function segmentWith(text: string, blocksOf: (markdown: string) => Block[], lines?: number[]): Provision[] {
  const markdown = liftListHeadings(text);
  const provisions: Provision[] = [];
  const parts: Array<{ depth: number; heading: string; line: number; body: string[] }> = [{ depth: 0, heading: '', line: 1, body: [] }];
  let fence = false;
  let number = 0;
  for (const line of markdown.split('\n')) {
    number++;
    const first = line.charCodeAt(0); // the regular expressions only for lines that may match (speed)
    if ((first === 96 || first === 126) && /^(?:```|~~~)/.test(line)) fence = !fence;
    const heading = fence || first !== 35 ? null : /^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (heading) parts.push({ depth: heading[1]!.length, heading: plain(heading[2] ?? ''), line: number, body: [] });
    else parts.at(-1)!.body.push(line);
  }
  const hasHeadings = parts.length > 1;
  const preamble = parts[0]!.body.join('\n').trim();
  if (preamble) {
    const where = lines && new Lines(1, parts[0]!.body);
    emitUntitled(hasHeadings ? [{ type: 'preamble', text: preamble }] : blocksOf(preamble), provisions, hasHeadings, where, lines);
  }

  const stack: Provision[] = [];
  for (const part of parts.slice(1)) {
    while (stack.length > 0 && stack.at(-1)!.level >= part.depth) stack.pop();
    const section: Provision = {
      id: '',
      kind: 'section',
      headingPath: stack.map((p) => p.heading),
      heading: part.heading,
      level: part.depth,
      text: '',
      order: provisions.length,
      parent: stack.at(-1)?.order ?? -1,
    };
    provisions.push(section);
    lines?.push(part.line);
    stack.push(section);
    const body = part.body.join('\n').trim();
    if (MAY_SPLIT.test(body)) emitSection(section, blocksOf(body), provisions, lines && new Lines(part.line + 1, part.body), lines);
    else section.text = body;
  }
  return provisions;
}

/** Fills a section's text, splitting out its clauses or definitions when it holds several. */
function emitSection(section: Provision, blocks: Block[], out: Provision[], where?: Lines, lines?: number[]): void {
  const units = subUnits(blocks);
  const starts = units.filter((unit) => unit.kind !== undefined);
  if (starts.length < MIN_CLAUSES) {
    section.text = join(blocks.map((b) => b.text));
    return;
  }
  const own: string[] = [];
  let child: Provision | undefined;
  for (const unit of units) {
    // Units follow each other in the body: each is found after the one before.
    const line = where?.next(unit.text) ?? 0;
    if (unit.kind) {
      lines?.push(line);
      child = {
        id: '',
        kind: unit.kind,
        headingPath: [...section.headingPath, section.heading],
        heading: unit.title,
        level: section.level + 1,
        text: unit.text,
        order: out.length,
        parent: section.order,
      };
      out.push(child);
    } else if (child) child.text = join([child.text, unit.text]);
    else own.push(unit.text);
  }
  section.text = join(own);
}

interface Unit {
  kind?: 'clause' | 'definition';
  title: string;
  text: string;
}

/**
 * Paragraphs and list items that may start a clause or a definition. A list is only taken apart
 * when its items are clauses or definitions; other lists stay whole.
 */
function subUnits(blocks: Block[]): Unit[] {
  const units: Unit[] = [];
  for (const block of blocks) {
    if (block.type === 'list') {
      const items = listUnits(block.items!, block.ordered === true);
      if (items) {
        units.push(...items);
        continue;
      }
    }
    if (block.type === 'paragraph') {
      const start = startOf(block.text, false);
      if (start) {
        units.push({ ...start, text: block.text });
        continue;
      }
    }
    units.push({ title: '', text: block.text });
  }
  return units;
}

function listUnits(items: string[], ordered: boolean): Unit[] | undefined {
  const starts = items.map((item) => startOf(item.replace(/^(?:[-*+]|\d+[.)])\s+/, ''), ordered));
  if (starts.filter(Boolean).length < MIN_CLAUSES) return undefined;
  return items.map((item, index) => (starts[index] ? { ...starts[index]!, text: item } : { title: '', text: item }));
}

/** Whether a paragraph (or list item, without its marker) starts a clause or a definition, and its title. */
function startOf(text: string, orderedItem: boolean): { kind: 'clause' | 'definition'; title: string } | undefined {
  const firstLine = text.split('\n')[0]!;
  const definition = DEFINITION.exec(firstLine);
  if (definition && (BOLD_LEAD.test(firstLine) || /^["“'‘]/.test(firstLine))) {
    const term = plain(firstLine.slice(0, definition[0].length).replace(/\s*(?:means|shall mean|refers to|has the meaning|includes|:)$/i, ''));
    return { kind: 'definition', title: term.replace(/^["“”'‘’]+|["“”'‘’:]+$/g, '') };
  }
  if (CLAUSE_NUMBER.test(firstLine)) return { kind: 'clause', title: clauseTitle(firstLine) };
  // An ordered item with a bold lead ("1. **Fees.** You pay …") is a clause titled by its lead.
  if (orderedItem && BOLD_LEAD.test(firstLine)) return { kind: 'clause', title: plain(BOLD_LEAD.exec(firstLine)![0]).replace(/[.:;,]+$/, '') };
  return undefined;
}

/** "4.2 Data retention." → "4.2 Data retention"; "1. **Fees.** You pay…" → "1. Fees"; else the first words. */
function clauseTitle(line: string): string {
  const number = /^\S+/.exec(line)![0];
  const lead = BOLD_LEAD.exec(line.slice(number.length).trim());
  const title = lead ? `${number} ${plain(lead[0])}` : firstWords(line);
  return title.replace(/[.:;,]+$/, '');
}

/** Text before the first heading, or a whole document without headings. */
function emitUntitled(blocks: Block[], out: Provision[], hasHeadings: boolean, where?: Lines, lines?: number[]): void {
  const push = (kind: ProvisionKind, text: string, line: number) => {
    out.push({ id: '', kind, headingPath: [], heading: '', level: 0, text, order: out.length, parent: -1 });
    lines?.push(line);
  };
  if (hasHeadings) {
    push('preamble', join(blocks.map((b) => b.text)), where?.start() ?? 0);
    return;
  }
  // Flat text (old captures): groups of paragraphs. Short paragraphs (often pseudo-titles such as
  // "PRIVACY POLICY" or "1. What we collect") join the paragraph that follows them.
  let group: string[] = [];
  let size = 0;
  let line = 0;
  for (const block of blocks) {
    const found = where?.next(block.text) ?? 0;
    if (group.length === 0) line = found;
    group.push(block.text);
    size += block.text.length;
    if (block.text.length >= SHORT_PARAGRAPH || size >= GROUP_SIZE) {
      push('paragraphs', join(group), line);
      group = [];
      size = 0;
    }
  }
  if (group.length > 0) push('paragraphs', join(group), line);
}

function join(texts: string[]): string {
  return texts.filter((text) => text.trim() !== '').join('\n\n');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Markdown source → plain text: links keep their text, emphasis marks and escapes go. */
export function plain(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1')
    .replace(/[*_`]+/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => ENTITIES[name]!)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first words of a text, to title an untitled provision. */
export function firstWords(text: string, count = TITLE_WORDS): string {
  const words = plain(text).replace(/^(?:[-*+>#|]|\d+[.)])\s+/, '').split(' ').filter(Boolean);
  return words.slice(0, count).join(' ');
}

/**
 * What to call a provision in a summary or a table of contents: its heading as written, less a
 * colon that only introduced the text below it ("For Builders of GPTs:").
 */
export function provisionLabel(provision: Provision): string {
  if (provision.heading) return provision.heading.replace(/\s*[:：]+$/u, '') || provision.heading;
  if (provision.kind === 'preamble') return 'introduction';
  const words = firstWords(provision.text).replace(/[.,;:]+$/, '');
  return words ? `${words}…` : 'untitled text';
}
