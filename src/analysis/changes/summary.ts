import type { TextChange } from '../change-kind.ts';
import { provisionLabel, type Provision } from '../provisions/segment.ts';
import { diffVersions, type Change } from './diff.ts';

/** A commit subject stays readable in `git log --oneline` and in feed titles. */
export const MAX_SUMMARY = 180;
/** Names longer than this are cut with "…". */
const MAX_NAME = 50;

interface Part {
  verb: string;
  names: string[];
}

/**
 * A deterministic plain-language summary of a change, e.g. "Added: Use of your content to train AI
 * models. Removed: Opting out of personalised ads. Reworded: Data retention (2 clauses)." At most
 * `MAX_SUMMARY` characters: the longest lists are cut first, with "and N more".
 */
export function summarizeDiff(change: Change): string {
  const parts: Part[] = [
    { verb: 'Added', names: change.added.filter((p) => !isStructural(p)).map(provisionLabel) },
    { verb: 'Removed', names: change.removed.filter((p) => !isStructural(p)).map(provisionLabel) },
    { verb: 'Renamed', names: change.renamed.map(({ before, after }) => `${provisionLabel(before)} → ${provisionLabel(after)}`) },
    { verb: 'Split', names: change.split.map((s) => `${provisionLabel(s.from)} (${s.into.length} parts)`) },
    { verb: 'Merged', names: change.merged.map((m) => `${provisionLabel(m.into)} (${m.from.length} sections)`) },
    { verb: 'Reworded', names: reworded(change) },
    { verb: 'Moved', names: change.moved.filter((p) => !change.modified.some((m) => m.after.id === p.id)).map(provisionLabel) },
  ].filter((part) => part.names.length > 0);
  if (parts.length === 0) return change.significance === 'technical' ? 'links or formatting changed only' : 'text changed';
  return fit(parts);
}

/** An empty heading that only groups sub-provisions says nothing when added or removed alone. */
function isStructural(provision: Provision): boolean {
  return provision.kind === 'section' && provision.text.trim() === '';
}

/** Modified provisions grouped by section: "Data retention (2 clauses)". */
function reworded(change: Change): string[] {
  const groups = new Map<string, { name: string; count: number; first: number }>();
  for (const { after } of change.modified) {
    const parent = after.kind === 'clause' || after.kind === 'definition' ? change.provisions[after.parent] : undefined;
    const owner = parent ?? after;
    const group = groups.get(owner.id);
    if (group) group.count++;
    else groups.set(owner.id, { name: provisionLabel(owner), count: 1, first: after.order });
  }
  return [...groups.values()]
    .sort((a, b) => a.first - b.first)
    .map((g) => (g.count > 1 ? `${g.name} (${g.count} clauses)` : g.name));
}

function fit(parts: Part[]): string {
  const shown = parts.map((part) => part.names.length);
  const render = () =>
    parts
      .map((part, i) => {
        const names = part.names.slice(0, shown[i]).map((name) => unpunctuated(shorten(name)));
        const more = part.names.length - shown[i]!;
        const list = `${part.verb}: ${names.join('; ')}${more > 0 ? ` and ${more} more` : ''}`;
        return list.endsWith('…') ? list : `${list}.`;
      })
      .join(' ');
  let text = render();
  while (text.length > MAX_SUMMARY) {
    // Cut the list showing the most names; the later part on ties, so that "Added" stays longest.
    let widest = -1;
    shown.forEach((count, i) => {
      if (count > 1 && (widest < 0 || count >= shown[widest]!)) widest = i;
    });
    if (widest < 0) break;
    shown[widest]!--;
    text = render();
  }
  // Still too long with one name per kind: the last kinds give way to a count.
  let hidden = 0;
  const withHidden = () => (hidden > 0 ? `${render()} Also ${hidden} other change${hidden > 1 ? 's' : ''}.` : render());
  while (text.length > MAX_SUMMARY && parts.length > 1) {
    hidden += parts.pop()!.names.length;
    shown.pop();
    text = withHidden();
  }
  if (text.length > MAX_SUMMARY) text = `${text.slice(0, MAX_SUMMARY - 1).trimEnd()}…`;
  return text;
}

/**
 * A name as an item of a list: without the full stop, comma or semicolon it ends with ("1. Details."
 * would read "Added: 1. Details.; 2. Fees.."). A closing "…" stays.
 */
function unpunctuated(name: string): string {
  return name.replace(/\s*[.,;:：]+$/u, '') || name;
}

/** Cut at a word boundary when one is near. */
function shorten(name: string): string {
  if (name.length <= MAX_NAME) return name;
  const cut = name.slice(0, MAX_NAME - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_NAME / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * The one-line change summary: the commit subject written by the recorder (src/archive/record),
 * the timeline entry and the feed item text. Fixed phrases for a first version, editorial
 * changes and no change; otherwise provisions added, removed and reworded.
 */
export function summarizeChange(previous: string | undefined, next: string, kind: TextChange): string {
  if (kind === 'initial' || previous === undefined) return 'first recorded version';
  if (kind === 'editorial') return 'editorial changes only (punctuation, letter case or spacing)';
  if (kind === 'none') return 'no change';
  return summarizeDiff(diffVersions(previous, next));
}
