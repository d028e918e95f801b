import { editCounts } from '../sequence-diff.ts';
import { assignIds, headingCore, type Match } from './match.ts';
import { provisionLabel, segment, type Provision } from './segment.ts';
import { jaccard, words } from './similarity.ts';

/**
 * How well ids survive a document's history: the share of provisions carried over from one version
 * to the next, and the ids lost on changes that only reworded sections (see `rewordLost`).
 */
export interface Measurement {
  documents: number;
  versions: number;
  /** Consecutive version pairs whose texts differ. */
  pairs: number;
  provisions: number;
  /** Provisions of the earlier version of each pair … */
  previousProvisions: number;
  /** … whose id lives on (or which merged into a provision of the next version). */
  matched: number;
  matchedBy: Record<Match['by'], number>;
  /** Pairs whose sets of headings are equal (numbering and style ignored). */
  sameHeadingPairs: number;
  /** In those pairs: provisions whose text changed but has a similar counterpart in the next version… */
  rewordOpportunities: number;
  /** …that did not keep its id: the failures. */
  rewordLost: number;
  /** In those pairs: provisions left without a counterpart. */
  sameHeadingRemoved: number;
  segmentMs: number;
  matchMs: number;
  examples: { rewordLost: Example[]; sameHeadingRemoved: Example[] };
}

export interface Example {
  document: string;
  /** Labels of the two versions (file names in the corpus). */
  pair: [string, string];
  provision: string;
  idBefore: string;
  idAfter: string | null;
  similarity: number;
}

/** "Stayed similar": at least this share of words in common, in order (2·LCS / total words). */
export const REWORD_SIMILAR = 0.6;
const EXAMPLES = 5;

export function emptyMeasurement(): Measurement {
  return {
    documents: 0,
    versions: 0,
    pairs: 0,
    provisions: 0,
    previousProvisions: 0,
    matched: 0,
    matchedBy: { heading: 0, text: 0, split: 0, merge: 0, added: 0, removed: 0 },
    sameHeadingPairs: 0,
    rewordOpportunities: 0,
    rewordLost: 0,
    sameHeadingRemoved: 0,
    segmentMs: 0,
    matchMs: 0,
    examples: { rewordLost: [], sameHeadingRemoved: [] },
  };
}

/**
 * Adds one document's history (normalized versions, oldest first) to `into`. `labels` name the
 * versions in examples. Time is measured with `now` (milliseconds) so that this stays pure for tests.
 */
export function measureHistory(
  into: Measurement,
  document: string,
  versions: string[],
  labels: string[] = versions.map((_, i) => String(i)),
  now: () => number = () => 0,
): Measurement {
  into.documents++;
  into.versions += versions.length;
  const retired = new Set<string>();
  let previous: Provision[] = [];
  let previousText: string | undefined;
  versions.forEach((markdown, index) => {
    let start = now();
    const segmented = segment(markdown);
    into.segmentMs += now() - start;
    start = now();
    const { provisions, matches } = assignIds(previous, segmented, { retired });
    into.matchMs += now() - start;
    into.provisions += provisions.length;
    for (const p of provisions) retired.add(p.id);
    if (previousText !== undefined && previousText !== markdown) {
      into.pairs++;
      into.previousProvisions += previous.length;
      for (const match of matches) {
        if (match.previous !== null && match.next !== null && (match.previousId === match.id || match.by === 'merge')) into.matched++;
        if (match.previous !== null || match.by === 'added') into.matchedBy[match.by]++;
      }
      if (sameHeadings(previous, provisions)) {
        into.sameHeadingPairs++;
        checkRewords(into, document, [labels[index - 1]!, labels[index]!], previous, provisions, matches);
      }
    }
    previous = provisions;
    previousText = markdown;
  });
  return into;
}

function headingSet(provisions: Provision[]): string {
  const keys = provisions.filter((p) => p.kind === 'section').map((p) => words(headingCore(p.heading)).join(' '));
  return [...new Set(keys)].sort().join('\n');
}

function sameHeadings(a: Provision[], b: Provision[]): boolean {
  return headingSet(a) === headingSet(b);
}

/**
 * For every provision of `before` whose text is not found as is in `after`: its most similar
 * provision of `after` (by word overlap, confirmed by the in-order share of words). When that one
 * is similar enough and carries another id, the id was lost on a reword.
 */
function checkRewords(m: Measurement, document: string, pair: [string, string], before: Provision[], after: Provision[], matches: Match[]): void {
  const afterWords = after.map((p) => words(p.text));
  const afterSets = afterWords.map((w) => new Set(w));
  const afterTexts = new Set(afterWords.map((w) => w.join(' ')));
  const matchOf = new Map(matches.filter((x) => x.previous !== null).map((x) => [x.previous!, x]));
  for (const p of before) {
    const tokens = words(p.text);
    if (tokens.length === 0 || afterTexts.has(tokens.join(' '))) continue;
    const set = new Set(tokens);
    let bestIndex = -1;
    let bestScore = 0;
    afterSets.forEach((candidate, i) => {
      const score = jaccard(set, candidate);
      if (score > bestScore) {
        bestScore = score;
        bestIndex = i;
      }
    });
    const match = matchOf.get(p.order);
    if (bestIndex < 0 || lcsRatio(tokens, afterWords[bestIndex]!) < REWORD_SIMILAR) {
      if (match?.next === null) {
        m.sameHeadingRemoved++;
        if (wanted(m.examples.sameHeadingRemoved, document))
          m.examples.sameHeadingRemoved.push({ document, pair, provision: provisionLabel(p), idBefore: p.id, idAfter: null, similarity: round(bestScore) });
      }
      continue;
    }
    m.rewordOpportunities++;
    const kept = after[bestIndex]!.id === p.id || (match?.by === 'merge' && match.id === after[bestIndex]!.id);
    if (kept) continue;
    m.rewordLost++;
    if (wanted(m.examples.rewordLost, document))
      m.examples.rewordLost.push({ document, pair, provision: provisionLabel(p), idBefore: p.id, idAfter: after[bestIndex]!.id, similarity: round(bestScore) });
  }
}

/** Examples from as many documents as possible: one per document. */
function wanted(examples: Example[], document: string): boolean {
  return examples.length < EXAMPLES && !examples.some((e) => e.document === document);
}

function lcsRatio(a: string[], b: string[]): number {
  if (a.length + b.length === 0) return 1;
  // Very long texts: the order check is skipped (word overlap alone), as an LCS there costs seconds.
  if (a.length * b.length > 4_000_000) return jaccard(new Set(a), new Set(b));
  const common = a.length - editCounts(a, b).removed;
  return (2 * common) / (a.length + b.length);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function share(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}

const percent = (part: number, whole: number) => `${(100 * share(part, whole)).toFixed(2)}%`;

/** The measurement as a plain-text report. */
export function formatMeasurement(m: Measurement): string {
  const lines = [
    `documents ${m.documents}, versions ${m.versions}, changed pairs ${m.pairs}, provisions ${m.provisions}`,
    `provisions matched across pairs: ${m.matched} / ${m.previousProvisions} = ${percent(m.matched, m.previousProvisions)}`,
    `  matched by heading ${m.matchedBy.heading}, text ${m.matchedBy.text}, split ${m.matchedBy.split}, merge ${m.matchedBy.merge}; added ${m.matchedBy.added}, removed ${m.matchedBy.removed}`,
    `pairs with the same headings: ${m.sameHeadingPairs}`,
    `  reworded provisions: ${m.rewordOpportunities}, id lost: ${m.rewordLost} = ${percent(m.rewordLost, m.rewordOpportunities)}`,
    `  provisions left without a counterpart there: ${m.sameHeadingRemoved}`,
    `time: segment ${Math.round(m.segmentMs)} ms, match ${Math.round(m.matchMs)} ms, total ${Math.round(m.segmentMs + m.matchMs)} ms`,
  ];
  for (const [kind, examples] of Object.entries(m.examples)) {
    lines.push(`examples of ${kind}:`);
    if (examples.length === 0) lines.push('  (none)');
    for (const e of examples) {
      lines.push(`  ${e.document} ${e.pair[0]} → ${e.pair[1]}: "${e.provision}" ${e.idBefore} → ${e.idAfter ?? '(removed)'} (word overlap ${e.similarity})`);
    }
  }
  return lines.join('\n');
}
