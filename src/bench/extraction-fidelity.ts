import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { diffArrays } from 'diff';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { Nodes, Root } from 'mdast';
import { z } from 'zod';
import { extractPage, type Converter, type ExtractRules } from '../archive/extract/index.ts';
import { unifiedConverter } from '../archive/extract/converters/unified.ts';
import { turndownConverter } from '../archive/extract/converters/turndown.ts';
import { normalizeMarkdown } from '../archive/normalize/index.ts';

/**
 * Measures how close our extraction comes to Open Terms Archive's on the shared corpus of real
 * captures (page.html + declaration.json + the Markdown OTA recorded). The reference was itself
 * made by turndown, so it favours a turndown-like output; both sides are normalized first so
 * that only differences a reader of the archive would see are counted.
 */

/** The converters compared; the first is the pipeline's default. */
export const CONVERTERS: Readonly<Record<string, Converter>> = { turndown: turndownConverter, unified: unifiedConverter };
export const DEFAULT_CONVERTER = 'turndown';

/** One capture of the corpus with what OTA extracted from it. */
export interface Triple {
  name: string;
  url: string;
  rules: ExtractRules;
  html: string;
  /** OTA's Markdown, already normalized. */
  expected: string;
}

export const DIMENSIONS = ['text', 'lines', 'headings', 'clauses', 'lists', 'tables'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/**
 * 0..1 per dimension; null where neither side has anything of that kind (a page without
 * tables says nothing about table fidelity).
 */
export type Scores = Record<Dimension, number | null>;

export interface TripleResult {
  name: string;
  scores: Scores;
  /** The mean of the dimensions that apply, used to rank the worst triples. */
  mean: number;
  identical: boolean;
  error?: string;
}

export interface DimensionSummary {
  median: number | null;
  /** Medians sit at 1 on a corpus where most pages convert cleanly; the mean shows the tail. */
  mean: number | null;
  worst: number | null;
  /** How many triples the dimension applies to. */
  count: number;
}

export interface ConverterReport {
  converter: string;
  results: TripleResult[];
  summary: Record<Dimension, DimensionSummary>;
  /** Triples whose normalized output is byte-identical to OTA's. */
  identical: number;
  worst: TripleResult[];
  errors: { name: string; error: string }[];
}

export interface Timing {
  converter: string;
  pages: number;
  medianMs: number;
  p90Ms: number;
}

export interface FidelityReport {
  corpus: string;
  triples: number;
  converters: ConverterReport[];
  /** The default converter first. */
  timing?: Timing[];
}

const cssSelector = z.string().trim().min(1);
const rangeSelector = z
  .object({ startBefore: cssSelector.optional(), startAfter: cssSelector.optional(), endBefore: cssSelector.optional(), endAfter: cssSelector.optional() })
  .refine((r) => (r.startBefore === undefined) !== (r.startAfter === undefined) && (r.endBefore === undefined) !== (r.endAfter === undefined), {
    error: 'a range needs one start and one end',
  });
const selectorList = z
  .union([cssSelector, rangeSelector, z.array(z.union([cssSelector, rangeSelector]))])
  .transform((s) => (Array.isArray(s) ? s : [s]));
/** The part of an OTA declaration we use; its `filter` functions are OTA code and are ignored. */
const declarationSchema = z.object({ fetch: z.url(), select: selectorList, remove: selectorList.optional() });

/** Reads every `<triple>/{page.html,declaration.json,expected.md}` of the corpus, sorted by name. */
export async function loadCorpus(dir: string): Promise<Triple[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const folder = path.join(dir, name);
      const [html, declarationText, expected] = await Promise.all(
        ['page.html', 'declaration.json', 'expected.md'].map((file) => readFile(path.join(folder, file), 'utf8')),
      );
      const parsed = declarationSchema.safeParse(JSON.parse(declarationText!));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`${path.join(folder, 'declaration.json')}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      const { fetch, select, remove = [] } = parsed.data;
      return { name, url: fetch, rules: { select, remove, filters: [] }, html: html!, expected: normalizeMarkdown(expected!) };
    }),
  );
}

/** Extracts and normalizes one triple's page with a converter. */
export function extractTriple(triple: Triple, converter: Converter): string {
  return normalizeMarkdown(extractPage({ url: triple.url, html: triple.html }, triple.rules, converter));
}

/** Scores every triple with every converter; a triple whose extraction throws scores 0 everywhere. */
export function measureFidelity(corpus: string, triples: readonly Triple[], converters: Readonly<Record<string, Converter>>): FidelityReport {
  const expectedFeatures = new Map(triples.map((triple) => [triple.name, featuresOf(triple.expected)]));
  const reports = Object.entries(converters).map(([name, converter]) =>
    summarize(name, triples.map((triple) => measureTriple(triple, converter, expectedFeatures.get(triple.name)!))),
  );
  return { corpus, triples: triples.length, converters: reports };
}

function measureTriple(triple: Triple, converter: Converter, expected: Features): TripleResult {
  let ours: string;
  try {
    ours = extractTriple(triple, converter);
  } catch (error) {
    const zero = Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, 0])) as Scores;
    return { name: triple.name, scores: zero, mean: 0, identical: false, error: (error as Error).message };
  }
  const scores = compareFeatures(featuresOf(ours), expected);
  return { name: triple.name, scores, mean: meanOf(scores), identical: ours === triple.expected };
}

/** Scores one normalized Markdown text against the normalized reference. */
export function scoreMarkdown(ours: string, expected: string): Scores {
  return compareFeatures(featuresOf(ours), featuresOf(expected));
}

function compareFeatures(ours: Features, expected: Features): Scores {
  return {
    text: sequenceSimilarity(ours.words, expected.words),
    lines: sequenceSimilarity(ours.lines, expected.lines),
    headings: multisetF1(ours.headings, expected.headings),
    clauses: multisetF1(ours.clauses, expected.clauses),
    lists: multisetF1(ours.listItems, expected.listItems),
    tables: multisetF1(ours.tableRows, expected.tableRows),
  };
}

function meanOf(scores: Scores): number {
  const applicable = (['text', 'headings', 'clauses', 'lists', 'tables'] as const).map((d) => scores[d]).filter((s) => s !== null);
  return applicable.reduce((sum, s) => sum + s, 0) / applicable.length;
}

function summarize(converter: string, results: TripleResult[]): ConverterReport {
  const summary = Object.fromEntries(
    DIMENSIONS.map((dimension) => {
      const values = results.map((r) => r.scores[dimension]).filter((s) => s !== null);
      const mean = values.length ? values.reduce((sum, s) => sum + s, 0) / values.length : null;
      return [dimension, { median: median(values), mean, worst: values.length ? Math.min(...values) : null, count: values.length }];
    }),
  ) as Record<Dimension, DimensionSummary>;
  return {
    converter,
    results,
    summary,
    identical: results.filter((r) => r.identical).length,
    worst: [...results].sort((a, b) => a.mean - b.mean || a.name.localeCompare(b.name)).slice(0, 5),
    errors: results.flatMap((r) => (r.error === undefined ? [] : [{ name: r.name, error: r.error }])),
  };
}

/**
 * Wall time of extract + normalize per page. One unmeasured pass first, so that JIT warm-up
 * and lazy module loading do not land on the first pages.
 */
export function timeExtraction(triples: readonly Triple[], converterName: string, converter: Converter): Timing {
  const run = (triple: Triple) => {
    try {
      extractTriple(triple, converter);
    } catch {
      // A failing page still costs its time; the failure is reported by the fidelity pass.
    }
  };
  for (const triple of triples) run(triple);
  const times = triples.map((triple) => {
    const start = performance.now();
    run(triple);
    return performance.now() - start;
  });
  return { converter: converterName, pages: triples.length, medianMs: median(times) ?? 0, p90Ms: percentile(times, 0.9) };
}

// --- Features of a normalized Markdown text -----------------------------------------------

interface Features {
  words: string[];
  /** Non-blank lines of the Markdown itself: what a line diff of the archive shows. */
  lines: string[];
  /** `h<level> <text>` */
  headings: string[];
  /** Lines that open with a clause number, and ordered list items with their number. */
  clauses: string[];
  /** `<depth> <first line of the item>` */
  listItems: string[];
  /** Cell texts joined by ` | ` */
  tableRows: string[];
}

/**
 * A line that starts a numbered provision: `1.`, `4.2`, `4.2.1.`, `(a)`, `b)`, `ii.`, `(iv)`,
 * `Article 3`, `Section 12`, `§ 5`. A bare number (`2024 was…`) is not one.
 */
const CLAUSE_NUMBER =
  /^(?:\d{1,3}(?:\.\d{1,3})*\.(?=\s|$)|\d{1,3}(?:\.\d{1,3})+(?=[\s.)]|$)|\(?\d{1,3}\)|\(?[a-z]\)|\(?[ivxlc]{1,6}\)|[a-z]\.(?=\s)|[ivxlc]{1,6}\.(?=\s)|(?:article|artikel|section|clause|art\.|§)\s*\d+)/i;

const PARSE_OPTIONS = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };

function featuresOf(markdown: string): Features {
  const features: Features = {
    words: [],
    lines: markdown.split('\n').filter((line) => line.trim() !== ''),
    headings: [],
    clauses: [],
    listItems: [],
    tableRows: [],
  };
  const tree = fromMarkdown(markdown, PARSE_OPTIONS) as Root;
  features.words = plainText(tree).split(/\s+/).filter(Boolean);
  collect(tree, 0, features);
  return features;
}

function collect(node: Nodes, listDepth: number, features: Features): void {
  switch (node.type) {
    case 'heading': {
      const text = oneLine(plainText(node));
      features.headings.push(`h${node.depth} ${text}`);
      if (CLAUSE_NUMBER.test(text)) features.clauses.push(text);
      return;
    }
    case 'paragraph':
      for (const line of plainText(node).split('\n').map(oneLine)) if (CLAUSE_NUMBER.test(line)) features.clauses.push(line);
      return;
    case 'list':
      node.children.forEach((item, index) => {
        const first = item.children[0];
        const line = first && first.type !== 'list' ? oneLine(plainText(first).split('\n')[0] ?? '') : '';
        features.listItems.push(`${listDepth + 1} ${line}`);
        if (node.ordered) features.clauses.push(`${(node.start ?? 1) + index}. ${line}`);
        for (const child of item.children) collect(child, listDepth + 1, features);
      });
      return;
    case 'table':
      for (const row of node.children) features.tableRows.push(row.children.map((cell) => oneLine(plainText(cell))).join(' | '));
      return;
    default:
      if ('children' in node) for (const child of node.children) collect(child as Nodes, listDepth, features);
  }
}

const BLOCK_PARENTS = new Set(['root', 'blockquote', 'list', 'listItem', 'table', 'tableRow', 'footnoteDefinition']);

/** The text a reader sees, with a line break between blocks and at hard breaks. */
function plainText(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
    case 'html':
      return node.value;
    case 'break':
      return '\n';
    case 'image':
      return node.alt ?? '';
    default:
      if (!('children' in node)) return '';
      return node.children.map((child) => plainText(child as Nodes)).join(BLOCK_PARENTS.has(node.type) ? '\n' : '');
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// --- Scores ----------------------------------------------------------------------------------

/** 2·matched / (|a| + |b|) over the longest common subsequence: 1 when equal, 0 when disjoint. */
export function sequenceSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length + b.length === 0) return 1;
  let matched = 0;
  for (const change of diffArrays(a as string[], b as string[])) if (!change.added && !change.removed) matched += change.count;
  return (2 * matched) / (a.length + b.length);
}

/** F1 of two multisets: repeated items must be repeated to match. Null when both are empty. */
export function multisetF1(ours: readonly string[], expected: readonly string[]): number | null {
  if (ours.length + expected.length === 0) return null;
  const remaining = new Map<string, number>();
  for (const item of expected) remaining.set(item, (remaining.get(item) ?? 0) + 1);
  let matched = 0;
  for (const item of ours) {
    const left = remaining.get(item) ?? 0;
    if (left > 0) {
      matched++;
      remaining.set(item, left - 1);
    }
  }
  return (2 * matched) / (ours.length + expected.length);
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

// --- Report ----------------------------------------------------------------------------------

const format = (value: number | null) => (value === null ? '  –  ' : value.toFixed(3));

/** The report as a plain-text table. */
export function formatReport(report: FidelityReport): string {
  const out: string[] = [`Extraction fidelity against Open Terms Archive: ${report.triples} triples in ${report.corpus}`, ''];
  const width = 32;
  out.push(['dimension'.padEnd(10), ...report.converters.map((c) => `${c.converter}: median / mean / worst (n)`.padEnd(width))].join(' '));
  for (const dimension of DIMENSIONS) {
    const cells = report.converters.map((c) => {
      const s = c.summary[dimension];
      return `${format(s.median)} / ${format(s.mean)} / ${format(s.worst)} (${s.count})`.padEnd(width);
    });
    out.push([dimension.padEnd(10), ...cells].join(' '));
  }
  out.push(['identical'.padEnd(10), ...report.converters.map((c) => `${c.identical} of ${c.results.length}`.padEnd(width))].join(' '));
  for (const c of report.converters) {
    out.push('', `Worst 5 — ${c.converter}`, `  ${'triple'.padEnd(56)}${DIMENSIONS.map((d) => d.padStart(9)).join('')}`);
    for (const r of c.worst) out.push(`  ${r.name.padEnd(56)}${DIMENSIONS.map((d) => format(r.scores[d]).padStart(9)).join('')}`);
    for (const e of c.errors) out.push(`  error: ${e.name}: ${e.error}`);
  }
  if (report.timing?.length) {
    out.push('', `Extract + normalize per page (${report.timing[0]!.pages} pages, after a warm-up pass):`);
    for (const t of report.timing) out.push(`  ${t.converter.padEnd(10)} median ${t.medianMs.toFixed(1)} ms, p90 ${t.p90Ms.toFixed(1)} ms`);
  }
  return out.join('\n');
}
