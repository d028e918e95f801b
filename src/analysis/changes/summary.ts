import type { TextChange } from '../change-kind.ts';
import { provisionLabel, type Provision } from '../provisions/segment.ts';
import { diffVersions, type Change } from './diff.ts';

/** A commit subject stays readable in `git log --oneline` and in feed titles. */
export const MAX_SUMMARY = 180;
/** Names longer than this are cut with "…". */
const MAX_NAME = 50;

/** One provision named in a list, with what is said of it: "Fees" and "2 clauses". */
interface Name {
  name: string;
  /** A renamed provision's new name. */
  to?: string;
  note?: string;
}

interface Part {
  verb: string;
  names: Name[];
}

/**
 * A deterministic plain-language summary of a change, e.g. "Added: Use of your content to train AI
 * models. Removed: Opting out of personalised ads. Reworded: Data retention (2 clauses)." At most
 * `max` characters (`MAX_SUMMARY` unless told): the longest lists are cut first, with "and N more",
 * then the last kinds of change give way to a count; a name is cut, its note never.
 */
export function summarizeDiff(change: Change, max = MAX_SUMMARY): string {
  const named = (provision: Provision): Name => ({ name: provisionLabel(provision) });
  const parts: Part[] = [
    { verb: 'Added', names: change.added.filter((p) => !isStructural(p)).map(named) },
    { verb: 'Removed', names: change.removed.filter((p) => !isStructural(p)).map(named) },
    { verb: 'Renamed', names: change.renamed.map(({ before, after }) => ({ name: provisionLabel(before), to: provisionLabel(after) })) },
    { verb: 'Split', names: change.split.map((s) => ({ name: provisionLabel(s.from), note: `${s.into.length} parts` })) },
    { verb: 'Merged', names: change.merged.map((m) => ({ name: provisionLabel(m.into), note: `${m.from.length} sections` })) },
    { verb: 'Reworded', names: reworded(change) },
    { verb: 'Moved', names: change.moved.filter((p) => !change.modified.some((m) => m.after.id === p.id)).map(named) },
  ]
    .map((part) => ({ verb: part.verb, names: grouped(part.names) }))
    .filter((part) => part.names.length > 0);
  if (parts.length === 0) return change.significance === 'technical' ? 'links or formatting changed only' : 'text changed';
  return fit(parts, max);
}

/** An empty heading that only groups sub-provisions says nothing when added or removed alone. */
function isStructural(provision: Provision): boolean {
  return provision.kind === 'section' && provision.text.trim() === '';
}

/** Modified provisions grouped by section: "Data retention (2 clauses)"; renamed ones only when their text changed too. */
function reworded(change: Change): Name[] {
  const groups = new Map<string, { name: string; count: number; first: number }>();
  const renamedOnly = new Set(change.renamed.filter(({ before, after }) => before.text === after.text).map(({ after }) => after.id));
  for (const { after } of change.modified) {
    // A new heading over the same text is said by "Renamed" alone.
    if (renamedOnly.has(after.id)) continue;
    const parent = after.kind === 'clause' || after.kind === 'definition' ? change.provisions[after.parent] : undefined;
    const owner = parent ?? after;
    const group = groups.get(owner.id);
    if (group) group.count++;
    else groups.set(owner.id, { name: provisionLabel(owner), count: 1, first: after.order });
  }
  return [...groups.values()]
    .sort((a, b) => a.first - b.first)
    .map((g) => (g.count > 1 ? { name: g.name, note: `${g.count} clauses` } : { name: g.name }));
}

/**
 * Provisions of one list that share a name (pages that repeat a heading in every section) are
 * named once, with their number: "Safety and Privacy Centre (5 sections)", in first-seen order.
 */
function grouped(names: Name[]): Name[] {
  const byName = new Map<string, Name[]>();
  for (const entry of names) {
    const key = `${entry.name}\0${entry.to ?? ''}`;
    const same = byName.get(key);
    if (same) same.push(entry);
    else byName.set(key, [entry]);
  }
  return [...byName.values()].map((same) => (same.length > 1 ? { name: same[0]!.name, to: same[0]!.to, note: `${same.length} sections` } : same[0]!));
}

function fit(parts: Part[], max: number): string {
  const shown = parts.map((part) => part.names.length);
  const render = () =>
    parts
      .map((part, i) => {
        const names = part.names.slice(0, shown[i]).map(({ name, to, note }) => {
          const named = to === undefined ? shorten(name) : renaming(name, to);
          return `${unpunctuated(named)}${note ? ` (${note})` : ''}`;
        });
        const more = part.names.length - shown[i]!;
        const list = `${part.verb}: ${names.join('; ')}${more > 0 ? ` and ${more} more` : ''}`;
        return /[….?!]$/u.test(list) ? list : `${list}.`;
      })
      .join(' ');
  let text = render();
  while (text.length > max) {
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
  while (text.length > max && parts.length > 1) {
    hidden += parts.pop()!.names.length;
    shown.pop();
    text = withHidden();
  }
  if (text.length > max) text = `${text.slice(0, max - 1).trimEnd()}…`;
  return text;
}

/**
 * A name as an item of a list: without the full stop, comma or semicolon it ends with ("1. Details."
 * would read "Added: 1. Details.; 2. Fees.."). A closing "…", "?" or "!" stays.
 */
function unpunctuated(name: string): string {
  return name.replace(/\s*[.,;:：]+$/u, '') || name;
}

/** "Old name → new name", each cut to half a name's room; where both read alike once cut, from where they differ. */
function renaming(before: string, after: string): string {
  const room = MAX_NAME / 2;
  const cut = [shorten(before, room), shorten(after, room)];
  if (cut[0] !== cut[1]) return `${cut[0]} → ${cut[1]}`;
  // "Do I need to be the… → Do I need to be the…" says nothing: keep one shared word for context.
  const words = [before.split(' '), after.split(' ')] as const;
  let same = 0;
  while (same < words[0].length && same < words[1].length && words[0][same] === words[1][same]) same++;
  const from = (list: string[]) => `…${shorten(list.slice(Math.max(0, same - 1)).join(' '), room)}`;
  return `${from(words[0])} → ${from(words[1])}`;
}

/** Cut at a word boundary when one is near. */
function shorten(name: string, max = MAX_NAME): string {
  if (name.length <= max) return name;
  const cut = name.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * The one-line change summary: the commit subject written by the recorder (src/archive/record),
 * the timeline entry and the feed item text. Fixed phrases for a first version, editorial
 * changes and no change; otherwise provisions added, removed and reworded, in at most `max`
 * characters (the recorder gives what its subject line leaves after the document's name).
 */
export function summarizeChange(previous: string | undefined, next: string, kind: TextChange, max = MAX_SUMMARY): string {
  if (kind === 'initial' || previous === undefined) return 'first recorded version';
  if (kind === 'editorial') return 'editorial changes only (punctuation, letter case or spacing)';
  if (kind === 'none') return 'no change';
  return summarizeDiff(diffVersions(previous, next), max);
}
