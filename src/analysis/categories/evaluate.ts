import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { classifyProvision, type CategoryMatch, type Classifier } from './classify.ts';
import { TaxonomyError } from './errors.ts';
import { splitAtHeadings } from './sections.ts';
import { TAXONOMY_ID, type Category } from './schema.ts';

export const LABELS_FILE = path.resolve(import.meta.dirname, '../../../tests/fixtures/labels/provisions.yaml');

export const labelSchema = z
  .object({
    platform: z.string().regex(TAXONOMY_ID),
    document: z.string().regex(TAXONOMY_ID),
    /** `<platform>/<document>/<timestamp>.md` inside the corpus's `ota` folder. */
    version_file: z.string().regex(/^[a-z0-9-]+\/[a-z0-9-]+\/[^/]+\.md$/),
    /** The heading as `splitAtHeadings` returns it; unique within the version. */
    heading: z.string().min(1),
    /** SHA-256 of the section text the labels were given for, to notice a changed corpus. */
    text_sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** The start of the section, for reviewing labels without the corpus (≤ 200 characters). */
    excerpt: z.string().max(200),
    categories: z.array(z.string().regex(TAXONOMY_ID)),
  })
  .strict();
export type Label = z.infer<typeof labelSchema>;

export interface LabelSet {
  /**
   * Platforms whose labels were never looked at while tuning the rules. Written in the labels file so
   * that the split stays put when labels are added; first chosen with `holdoutPlatforms`.
   */
  heldOut: Set<string>;
  provisions: Label[];
}

export async function loadLabels(file: string = LABELS_FILE, knownCategories?: Set<string>): Promise<LabelSet> {
  const schema = z.object({ held_out_platforms: z.array(z.string().regex(TAXONOMY_ID)), provisions: z.array(labelSchema).min(1) }).strict();
  const parsed = schema.safeParse(parseYaml(await readFile(file, 'utf8')));
  if (!parsed.success) throw new TaxonomyError(file, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const problems: string[] = [];
  const platforms = new Set(parsed.data.provisions.map((l) => l.platform));
  for (const platform of parsed.data.held_out_platforms) {
    if (!platforms.has(platform)) problems.push(`held_out_platforms: no provision of "${platform}" is labelled`);
  }
  parsed.data.provisions.forEach((label, i) => {
    for (const category of label.categories) {
      if (knownCategories && !knownCategories.has(category)) problems.push(`provisions.${i}.categories: unknown category "${category}"`);
    }
  });
  if (problems.length > 0) throw new TaxonomyError(file, problems);
  return { heldOut: new Set(parsed.data.held_out_platforms), provisions: parsed.data.provisions };
}

/** A label with the section text re-read from the corpus. */
export interface LabelledSection {
  label: Label;
  text: string;
}

/**
 * Re-reads each labelled section from the unpacked corpus (`<dir>/ota`). Sections that are missing or
 * whose text no longer has the labelled hash are returned in `skipped`, never silently dropped.
 */
export async function readLabelledSections(labels: Label[], otaDir: string): Promise<{ sections: LabelledSection[]; skipped: string[] }> {
  const versions = new Map<string, ReturnType<typeof splitAtHeadings>>();
  const sections: LabelledSection[] = [];
  const skipped: string[] = [];
  for (const label of labels) {
    let split = versions.get(label.version_file);
    if (!split) {
      try {
        split = splitAtHeadings(await readFile(path.join(otaDir, label.version_file), 'utf8'));
      } catch {
        skipped.push(`${label.version_file}: not in the corpus`);
        continue;
      }
      versions.set(label.version_file, split);
    }
    const found = split.filter((s) => s.heading === label.heading);
    if (found.length !== 1) {
      skipped.push(`${label.version_file} § ${label.heading}: ${found.length === 0 ? 'heading not found' : 'heading not unique'}`);
      continue;
    }
    const text = found[0]!.text;
    if (createHash('sha256').update(text).digest('hex') !== label.text_sha256) {
      skipped.push(`${label.version_file} § ${label.heading}: text differs from the labelled one`);
      continue;
    }
    sections.push({ label, text });
  }
  return { sections, skipped };
}

/**
 * Proposes whole platforms to hold out, so that rules tuned on one platform's wording are tested on
 * others': platforms in order of the SHA-256 of their slug until `fraction` of the labels is held out.
 * The chosen list is then written into the labels file (`held_out_platforms`) and stays fixed.
 */
export function holdoutPlatforms(labels: Label[], fraction = 1 / 3): Set<string> {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label.platform, (counts.get(label.platform) ?? 0) + 1);
  const order = [...counts.keys()].sort((a, b) => sha(a).localeCompare(sha(b)));
  const held = new Set<string>();
  let total = 0;
  for (const platform of order) {
    if (total >= fraction * labels.length) break;
    held.add(platform);
    total += counts.get(platform) ?? 0;
  }
  return held;
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export interface CategoryScore {
  category: string;
  support: number;
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  provisions: number;
  perCategory: CategoryScore[];
  micro: Omit<CategoryScore, 'category'>;
  /** Averaged over categories with at least one label or prediction. */
  macro: { precision: number; recall: number; f1: number };
  /** Per provision: what was expected and what the rules gave, for error analysis. */
  results: Array<{ section: LabelledSection; expected: string[]; predicted: CategoryMatch[] }>;
}

function score(category: string, support: number, predicted: number, truePositives: number): CategoryScore {
  // An empty side counts as perfect: no labels and no predictions means nothing was missed or invented.
  const precision = predicted === 0 ? (support === 0 ? 1 : 0) : truePositives / predicted;
  const recall = support === 0 ? (predicted === 0 ? 1 : 0) : truePositives / support;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { category, support, predicted, truePositives, precision, recall, f1 };
}

export function evaluate(sections: LabelledSection[], classifier: Classifier, categories: Pick<Category, 'id'>[]): Evaluation {
  const tally = new Map(categories.map((c) => [c.id, { support: 0, predicted: 0, tp: 0 }]));
  const results: Evaluation['results'] = [];
  for (const section of sections) {
    const predicted = classifyProvision(section.text, section.label.heading, classifier);
    const expected = section.label.categories;
    for (const id of expected) tally.get(id)!.support++;
    for (const match of predicted) {
      const t = tally.get(match.category)!;
      t.predicted++;
      if (expected.includes(match.category)) t.tp++;
    }
    results.push({ section, expected, predicted });
  }
  const perCategory = [...tally].map(([id, t]) => score(id, t.support, t.predicted, t.tp));
  const sum = perCategory.reduce((a, c) => ({ s: a.s + c.support, p: a.p + c.predicted, t: a.t + c.truePositives }), { s: 0, p: 0, t: 0 });
  const { category: _, ...micro } = score('micro', sum.s, sum.p, sum.t);
  const active = perCategory.filter((c) => c.support > 0 || c.predicted > 0);
  const mean = (f: (c: CategoryScore) => number) => (active.length === 0 ? 0 : active.reduce((a, c) => a + f(c), 0) / active.length);
  return { provisions: sections.length, perCategory, micro, macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) }, results };
}

const pct = (x: number) => `${(x * 100).toFixed(0).padStart(3)}%`;

/** A plain-text table: one row per category (support, predicted, TP, P, R, F1), then micro and macro. */
export function formatEvaluation(title: string, evaluation: Evaluation): string {
  const rows = [...evaluation.perCategory]
    .filter((c) => c.support > 0 || c.predicted > 0)
    .sort((a, b) => b.support - a.support || a.category.localeCompare(b.category));
  const width = Math.max(24, ...rows.map((r) => r.category.length));
  const line = (name: string, s: string, p: string, t: string, pr: string, re: string, f: string) =>
    `${name.padEnd(width)} ${s.padStart(5)} ${p.padStart(5)} ${t.padStart(4)} ${pr.padStart(5)} ${re.padStart(5)} ${f.padStart(5)}`;
  const out = [`${title} — ${evaluation.provisions} provisions`, line('category', 'label', 'pred', 'TP', 'P', 'R', 'F1')];
  for (const r of rows) out.push(line(r.category, String(r.support), String(r.predicted), String(r.truePositives), pct(r.precision), pct(r.recall), pct(r.f1)));
  const m = evaluation.micro;
  out.push(line('micro average', String(m.support), String(m.predicted), String(m.truePositives), pct(m.precision), pct(m.recall), pct(m.f1)));
  out.push(line('macro average', '', '', '', pct(evaluation.macro.precision), pct(evaluation.macro.recall), pct(evaluation.macro.f1)));
  return out.join('\n');
}

/** Misclassified provisions, with the matches behind each false positive, for tuning rules. */
export function formatErrors(evaluation: Evaluation): string {
  const out: string[] = [];
  for (const { section, expected, predicted } of evaluation.results) {
    const got = predicted.map((p) => p.category);
    const missed = expected.filter((c) => !got.includes(c));
    const extra = predicted.filter((p) => !expected.includes(p.category));
    if (missed.length === 0 && extra.length === 0) continue;
    out.push(`${section.label.version_file} § ${section.label.heading}`);
    if (missed.length > 0) out.push(`  missed: ${missed.join(', ')}`);
    for (const p of extra) out.push(`  extra: ${p.category} (${p.score}) ← ${p.matched.map((m) => `${m.rule} «${m.excerpt}»`).join(' | ')}`);
  }
  return out.join('\n');
}

/** Milliseconds to classify 1,000 provisions, measured over `sections` (repeated until ~200 ms passed). */
export function timePerThousand(sections: Array<{ text: string; heading: string }>, classifier: Classifier): number {
  if (sections.length === 0) return 0;
  let done = 0;
  const start = performance.now();
  do {
    for (const s of sections) classifyProvision(s.text, s.heading, classifier);
    done += sections.length;
  } while (performance.now() - start < 200);
  return ((performance.now() - start) / done) * 1000;
}

