import { wordsOnly } from '../change-kind.ts';
import { diffSequences, editCounts } from '../sequence-diff.ts';
import { assignIds, initialIds, type Match } from '../provisions/match.ts';
import { plain, segment, type Provision } from '../provisions/segment.ts';
import { words } from '../provisions/similarity.ts';

/** `technical`: only markup or link targets differ; `editorial`: punctuation, case, or a "last updated" date; else `substantive`. */
export type Significance = 'substantive' | 'editorial' | 'technical';

export interface ModifiedProvision {
  before: Provision;
  after: Provision;
  wordsAdded: number;
  wordsRemoved: number;
}

export interface RenamedProvision {
  before: Provision;
  after: Provision;
}

/** What differs between two consecutive versions, provision by provision. */
export interface Change {
  /** The next version's provisions, with ids. */
  provisions: Provision[];
  matches: Match[];
  added: Provision[];
  removed: Provision[];
  /** Kept provisions whose words changed (restyling alone is not a modification). */
  modified: ModifiedProvision[];
  /** Kept provisions under another parent or at another place among their siblings (next version's). */
  moved: Provision[];
  renamed: RenamedProvision[];
  /** Provisions of the next version cut out of a previous one. */
  split: Array<{ from: Provision; into: Provision[] }>;
  /** Provisions of the next version that absorbed several previous ones. */
  merged: Array<{ from: Provision[]; into: Provision }>;
  wordsAdded: number;
  wordsRemoved: number;
  significance: Significance;
}

/** Words of a provision for counting: its heading and text, without Markdown or link targets. */
function countedWords(provision: Provision): string[] {
  return words(`${provision.heading}\n${provision.text}`);
}

export function wordDiff(before: string[], after: string[]): { added: number; removed: number } {
  return editCounts(before, after);
}

/**
 * Compares two versions. Either Markdown texts (the previous one gets first-version ids), or the
 * previous version's provisions with their ids and the next version's Markdown, with the document's
 * retired ids, so that the ids are those of the document's history.
 */
export function diffVersions(
  previous: string | Provision[],
  next: string,
  options: { retired?: ReadonlySet<string> } = {},
): Change {
  const before = typeof previous === 'string' ? initialIds(segment(previous)) : previous;
  const { provisions, matches } = assignIds(before, segment(next), options);
  return describeChange(before, provisions, matches, {
    previousText: typeof previous === 'string' ? previous : undefined,
    nextText: next,
  });
}

/** Builds a `Change` from matched provisions (e.g. a step of `trackHistory`). */
export function describeChange(
  before: Provision[],
  after: Provision[],
  matches: Match[],
  texts: { previousText?: string; nextText?: string } = {},
): Change {
  return { ...describeProvisions(before, after, matches), significance: significanceOf(before, after, texts) };
}

/**
 * A `Change` without its significance, for a caller that knows it already (the site reads it from
 * the version's commit): judging significance compares the whole texts, most of the cost.
 */
export function describeProvisions(before: Provision[], after: Provision[], matches: Match[]): Omit<Change, 'significance'> {
  const change: Omit<Change, 'significance'> = {
    provisions: after,
    matches,
    added: [],
    removed: [],
    modified: [],
    moved: [],
    renamed: [],
    split: [],
    merged: [],
    wordsAdded: 0,
    wordsRemoved: 0,
  };
  const splits = new Map<number, Provision[]>();
  for (const match of matches) {
    const old = match.previous === null ? undefined : before[match.previous];
    const now = match.next === null ? undefined : after[match.next];
    if (!old && now) change.added.push(now);
    else if (old && !now) change.removed.push(old);
    else if (old && now && match.previousId === match.id) {
      // Most kept provisions are unchanged: no words to compare.
      const same = old.text === now.text && old.heading === now.heading;
      const counts = same ? { added: 0, removed: 0 } : wordDiff(countedWords(old), countedWords(now));
      if (counts.added + counts.removed > 0) change.modified.push({ before: old, after: now, wordsAdded: counts.added, wordsRemoved: counts.removed });
      if (match.moved) change.moved.push(now);
      if (match.renamed) change.renamed.push({ before: old, after: now });
      if (match.mergedFrom && match.mergedFrom.length > 1) {
        const from = matches.filter((m) => m.id === match.id && m.previous !== null).map((m) => before[m.previous!]!);
        change.merged.push({ from: from.sort((a, b) => a.order - b.order), into: now });
      }
    } else if (old && now && match.splitFrom !== undefined) {
      splits.set(old.order, [...(splits.get(old.order) ?? []), now]);
    }
  }
  for (const [order, pieces] of splits) {
    const kept = matches.find((m) => m.previous === order && m.previousId === m.id);
    const into = kept?.next == null ? pieces : [after[kept.next]!, ...pieces];
    change.split.push({ from: before[order]!, into: into.sort((a, b) => a.order - b.order) });
  }
  change.split.sort((a, b) => a.from.order - b.from.order);

  // Words: modified provisions by their word diff; added, removed, split and merged pieces whole.
  for (const m of change.modified) {
    change.wordsAdded += m.wordsAdded;
    change.wordsRemoved += m.wordsRemoved;
  }
  const whole = (provisions: Provision[]) => provisions.reduce((sum, p) => sum + countedWords(p).length, 0);
  change.wordsAdded += whole(change.added) + whole(change.split.flatMap((s) => s.into.filter((p) => p.id !== s.from.id)));
  change.wordsRemoved += whole(change.removed) + whole(change.merged.flatMap((m) => m.from.filter((p) => p.id !== m.into.id)));
  return change;
}

/** A line saying when the document was last changed: changing only its date is editorial. */
const DATE_LINE = /\b(?:last\s+)?(?:updated|modified|revised|effective|version)\b|\b(?:mis a jour|en vigueur|aktualisiert|gultig)\b/i;

function significanceOf(before: Provision[], after: Provision[], texts: { previousText?: string; nextText?: string }): Significance {
  // Both sides from the same source, so that rendering never passes for a change.
  const both = texts.previousText !== undefined && texts.nextText !== undefined;
  const previous = both ? texts.previousText! : render(before);
  const next = both ? texts.nextText! : render(after);
  if (plainText(previous) === plainText(next)) return 'technical';
  if (wordsOnly(previous) === wordsOnly(next)) return 'editorial';
  const lines = (text: string) => text.split('\n').map((line) => words(line).join(' ')).filter(Boolean);
  const changed = diffSequences(lines(previous), lines(next)).filter((part) => part.added || part.removed);
  if (changed.length > 0 && changed.every((part) => part.value.every((line) => DATE_LINE.test(line) && line.length < 160))) {
    return 'editorial';
  }
  return 'substantive';
}

function render(provisions: Provision[]): string {
  return provisions.map((p) => (p.heading ? `${'#'.repeat(Math.min(p.level, 6) || 1)} ${p.heading}\n\n${p.text}` : p.text)).join('\n\n');
}

/** What a reader sees, whitespace folded: link targets, emphasis and heading marks are markup. */
function plainText(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) => plain(line.replace(/^(?:#{1,6}|[-*+]|\d+[.)]|>)\s+/, '')))
    .filter(Boolean)
    .join('\n');
}
