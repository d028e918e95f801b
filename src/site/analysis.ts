import { describeProvisions, summarizeDiff, type Significance } from '../analysis/changes/index.ts';
import type { ChangeKind } from '../history/commit-format.ts';
import { compileTaxonomy, classifyProvision, type Classifier, type RuleMatch } from '../analysis/categories/classify.ts';
import { loadTaxonomy } from '../analysis/categories/taxonomy.ts';
import { assignIds } from '../analysis/provisions/match.ts';
import { provisionLabel, segment, type Provision, type ProvisionKind } from '../analysis/provisions/segment.ts';

/**
 * What the site shows about provisions, computed from one document's version texts (oldest
 * first): every provision id the document ever had with each text it took, what changed in each
 * version, and the categories of each provision. A pure function of the texts and the taxonomy,
 * run on the render pool's threads and cached on disk by content hash (src/site/provisions.ts).
 */

/** One state of a provision: where it first appears, where its heading or text changes, where it goes away. */
export interface ProvisionStep {
  /** Index of the version in the document's versions, oldest first. */
  version: number;
  /** `null` when the provision is gone in this version. */
  text: string | null;
  heading: string;
  headingPath: string[];
}

export interface ProvisionCategory {
  category: string;
  score: number;
  matched: RuleMatch[];
}

export interface ProvisionRecord {
  id: string;
  kind: ProvisionKind;
  /** What to call it: its latest heading, or the first words of an untitled provision. */
  label: string;
  headingPath: string[];
  steps: ProvisionStep[];
  /** In the latest version. */
  current: boolean;
  /** Position in the latest version that has it. */
  order: number;
  /** Categories of its latest text, best first, with the rules that matched. */
  categories: ProvisionCategory[];
}

export interface ProvisionRef {
  id: string;
  label: string;
}

/** What a version changed, provision by provision (none for the first version). */
export interface VersionChange {
  added: ProvisionRef[];
  removed: ProvisionRef[];
  modified: Array<ProvisionRef & { wordsAdded: number; wordsRemoved: number }>;
  moved: ProvisionRef[];
  renamed: Array<ProvisionRef & { from: string }>;
  split: Array<ProvisionRef & { into: ProvisionRef[] }>;
  merged: Array<ProvisionRef & { from: ProvisionRef[] }>;
  wordsAdded: number;
  wordsRemoved: number;
  /** As the version's commit records it. */
  significance: Significance;
  /** The structured summary in one line ("Added: …. Reworded: …."). */
  summary: string;
  /** Categories of the provisions this version added, removed or modified (before or after). */
  categories: string[];
}

export interface VersionAnalysis {
  /** The provisions of this version, in order. */
  ids: string[];
  change: VersionChange | undefined;
}

export interface DocumentAnalysis {
  /** Current provisions in document order, then the removed ones by when they went away. */
  provisions: ProvisionRecord[];
  versions: VersionAnalysis[];
}

const ref = (provision: Provision): ProvisionRef => ({ id: provision.id, label: provisionLabel(provision) });

function significanceOf(kind: ChangeKind | undefined): Significance {
  return kind === 'technical' || kind === 'editorial' ? kind : 'substantive';
}

/**
 * Where an analysis left off, so that a document's next version extends it instead of analysing
 * the whole history again: the last version's provisions with their ids, and every id the
 * document has had (never given again).
 */
export interface AnalysisState {
  last: Provision[];
  retired: string[];
}

/** Analyses one document's history: its version texts and their recorded kinds of change, oldest first. */
export function analyzeDocument(texts: string[], kinds: ChangeKind[], classifier: Classifier): DocumentAnalysis {
  return analyzeHistory(texts, kinds, classifier).analysis;
}

/**
 * The same analysis, resumable: given the analysis of the first versions and its state, only the
 * versions after them are segmented, matched and classified (tests hold the result to be the same
 * as analysing the whole history).
 */
export function analyzeHistory(
  texts: string[],
  kinds: ChangeKind[],
  classifier: Classifier,
  resume?: { analysis: DocumentAnalysis; state: AnalysisState },
): { analysis: DocumentAnalysis; state: AnalysisState } {
  const classified = new Map<string, ProvisionCategory[]>();
  const categoriesOf = (provision: Provision): ProvisionCategory[] => {
    const key = `${provision.heading}\u0000${provision.text}`;
    let found = classified.get(key);
    if (!found) {
      found = classifyProvision(provision.text, provision.heading, classifier);
      classified.set(key, found);
    }
    return found;
  };

  // `last`: the provision as the record last appeared in the versions analysed now (its label and
  // categories are those of its latest appearance); records not seen again keep theirs.
  const records = new Map<string, ProvisionRecord & { last: Provision | undefined }>(
    (resume?.analysis.provisions ?? []).map((record) => [record.id, { ...record, steps: [...record.steps], last: undefined }]),
  );
  const versions: VersionAnalysis[] = [...(resume?.analysis.versions ?? [])];
  const retired = new Set<string>(resume?.state.retired ?? []);
  let previousProvisions: Provision[] = resume?.state.last ?? [];
  for (let index = versions.length; index < texts.length; index++) {
    // As trackHistory does: ids carried from the previous version, new ones never reusing a retired id.
    const { provisions, matches } = assignIds(previousProvisions, segment(texts[index]!), { retired });
    for (const p of provisions) retired.add(p.id);
    const present = new Set<string>();
    for (const provision of provisions) {
      present.add(provision.id);
      const record = records.get(provision.id);
      const step: ProvisionStep = { version: index, text: provision.text, heading: provision.heading, headingPath: provision.headingPath };
      if (!record) {
        records.set(provision.id, { id: provision.id, kind: provision.kind, label: '', headingPath: [], steps: [step], current: false, order: 0, categories: [], last: provision });
        continue;
      }
      const previous = record.steps.at(-1)!;
      if (previous.text !== provision.text || previous.heading !== provision.heading || previous.headingPath.join('\u0000') !== provision.headingPath.join('\u0000')) record.steps.push(step);
      record.last = provision;
      record.kind = provision.kind;
    }
    // Provisions of the previous version that this one no longer has.
    for (const record of records.values()) {
      const previous = record.steps.at(-1)!;
      if (!present.has(record.id) && previous.text !== null) record.steps.push({ version: index, text: null, heading: previous.heading, headingPath: previous.headingPath });
    }
    let change: VersionChange | undefined;
    if (index > 0) {
      // The version's kind, as its commit records it, is its significance.
      const described = { ...describeProvisions(previousProvisions, provisions, matches), significance: significanceOf(kinds[index]) };
      const categories = new Set<string>();
      const note = (provision: Provision) => {
        for (const c of categoriesOf(provision)) categories.add(c.category);
      };
      described.added.forEach(note);
      described.removed.forEach(note);
      for (const m of described.modified) {
        note(m.before);
        note(m.after);
      }
      change = {
        added: described.added.map(ref),
        removed: described.removed.map(ref),
        modified: described.modified.map((m) => ({ ...ref(m.after), wordsAdded: m.wordsAdded, wordsRemoved: m.wordsRemoved })),
        moved: described.moved.map(ref),
        renamed: described.renamed.map((r) => ({ ...ref(r.after), from: provisionLabel(r.before) })),
        split: described.split.map((s) => ({ ...ref(s.from), into: s.into.map(ref) })),
        merged: described.merged.map((m) => ({ ...ref(m.into), from: m.from.map(ref) })),
        wordsAdded: described.wordsAdded,
        wordsRemoved: described.wordsRemoved,
        significance: described.significance,
        summary: summarizeDiff(described),
        categories: [...categories].sort(),
      };
    }
    versions.push({ ids: provisions.map((p) => p.id), change });
    previousProvisions = provisions;
  }

  const latest = previousProvisions;
  const latestOrder = new Map(latest.map((p, i) => [p.id, i]));
  const provisions = [...records.values()].map(({ last, ...record }): ProvisionRecord => ({
    ...record,
    ...(last ? { label: provisionLabel(last), headingPath: last.headingPath, categories: categoriesOf(last) } : {}),
    current: latestOrder.has(record.id),
    order: latestOrder.get(record.id) ?? latest.length + record.steps.at(-1)!.version,
  }));
  provisions.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  return { analysis: { provisions, versions }, state: { last: latest, retired: [...retired] } };
}

const classifiers = new Map<string, Promise<Classifier>>();

/** The taxonomy in `dir`, compiled once per thread. */
export function classifierOf(dir: string): Promise<Classifier> {
  let found = classifiers.get(dir);
  if (!found) {
    found = loadTaxonomy(dir).then((taxonomy) => compileTaxonomy(taxonomy));
    classifiers.set(dir, found);
  }
  return found;
}
