import TurndownService from 'turndown';
import { gfm } from 'turndown-plugin-gfm';
import type { Converter } from '../index.ts';

/**
 * The converter Open Terms Archive uses (turndown with GFM tables and strikethrough), kept to
 * compare against the default unified converter: see docs/decisions/0003. The nodes are
 * serialised back to HTML because turndown parses its own DOM (domino) and cannot walk
 * cheerio's tree.
 */
export const turndownConverter: Converter = (nodes, $) => service().turndown($.html(nodes));

let instance: TurndownService | undefined;

function service(): TurndownService {
  if (instance) return instance;
  instance = new TurndownService({
    headingStyle: 'atx',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    fence: '```',
    emDelimiter: '_',
    strongDelimiter: '**',
    hr: '---',
    linkStyle: 'inlined',
  });
  instance.use(gfm);
  // turndown-plugin-gfm 1.0.2 keeps every table without a <th> header row as raw HTML, and
  // lets a paragraph break inside a cell split the row; the archive must hold neither. These
  // rules replace its table rules (later rules win), as OTA's fork of the plugin does.
  instance.addRule('tableCell', { filter: ['th', 'td'], replacement: (content, node) => cell(content, node as unknown as DomNode) });
  instance.addRule('tableRow', {
    filter: 'tr',
    replacement: (content, node) => {
      const row = node as unknown as DomNode;
      if (!isHeadingRow(row)) return `\n${content}`;
      return `\n${content}\n${elementChildren(row).map((child) => cell('---', child)).join('')}`;
    },
  });
  instance.addRule('table', {
    filter: 'table',
    replacement: (content, node) => {
      const table = node as unknown as DomNode;
      const rows = content.replace(/\n{2,}/g, '\n').trim();
      const firstRow = rowsOf(table)[0];
      if (!firstRow || isHeadingRow(firstRow)) return `\n\n${rows}\n\n`;
      // GFM needs a header row: an empty one keeps the first data row a data row.
      const columns = Math.max(...rowsOf(table).map((row) => elementChildren(row).length));
      return `\n\n|${'  |'.repeat(columns)}\n|${' --- |'.repeat(columns)}\n${rows}\n\n`;
    },
  });
  // A table of one cell, or one holding another table, lays the page out; its content is the text.
  instance.addRule('layoutTable', {
    filter: (node) => {
      const table = closestTable(node as unknown as DomNode);
      return table !== undefined && isLayoutTable(table);
    },
    replacement: (content) => `\n\n${content}\n\n`,
  });
  return instance;
}

/** The part of domino's DOM the table rules read (the project compiles without DOM types). */
interface DomNode {
  nodeName: string;
  nodeType: number;
  parentNode: DomNode | null;
  childNodes: ArrayLike<DomNode>;
  previousSibling: DomNode | null;
  getElementsByTagName(name: string): ArrayLike<DomNode>;
}

const TABLE_PARTS = new Set(['TABLE', 'THEAD', 'TBODY', 'TFOOT', 'TR', 'TH', 'TD']);

function elementChildren(node: DomNode): DomNode[] {
  return Array.from(node.childNodes).filter((child) => child.nodeType === 1);
}

function rowsOf(table: DomNode): DomNode[] {
  return Array.from(table.getElementsByTagName('tr')).filter((row) => closestTable(row) === table);
}

function closestTable(node: DomNode): DomNode | undefined {
  if (!TABLE_PARTS.has(node.nodeName)) return undefined;
  for (let current: DomNode | null = node; current; current = current.parentNode) if (current.nodeName === 'TABLE') return current;
  return undefined;
}

function isLayoutTable(table: DomNode): boolean {
  const rows = rowsOf(table);
  if (rows.length === 1 && elementChildren(rows[0]!).length <= 1) return true;
  return table.getElementsByTagName('table').length > 0;
}

function isHeadingRow(row: DomNode): boolean {
  const parent = row.parentNode;
  if (parent?.nodeName === 'THEAD') return true;
  const first = parent && elementChildren(parent)[0] === row;
  const cells = elementChildren(row);
  return Boolean(first) && rowsOf(closestTable(row)!)[0] === row && cells.length > 0 && cells.every((c) => c.nodeName === 'TH');
}

function cell(content: string, node: DomNode): string {
  let first = true;
  for (let sibling = node.previousSibling; sibling; sibling = sibling.previousSibling) if (sibling.nodeType === 1) first = false;
  const text = content.trim().replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
  return `${first ? '| ' : ' '}${text} |`;
}
