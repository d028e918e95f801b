import { diffArrays } from 'diff';
import { wordsOnly, type TextChange } from './change-kind.ts';

interface Section {
  heading: string;
  lines: string[];
}

/** Splits a Markdown version at its headings; text before the first heading is the preamble. */
export function sectionsOf(markdown: string): Section[] {
  const sections: Section[] = [{ heading: '', lines: [] }];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6} (.*)$/.exec(line);
    if (heading) sections.push({ heading: plain(heading[1]!), lines: [] });
    else if (line.trim() !== '') sections.at(-1)!.lines.push(line);
  }
  return sections.filter((section, index) => index > 0 || section.lines.length > 0);
}

/** Heading text without Markdown marks, for a one-line summary. */
function plain(text: string): string {
  return text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`\\]/g, '').trim();
}

export interface LineCounts {
  added: number;
  removed: number;
}

export function countChangedLines(previous: string, next: string): LineCounts {
  const counts = { added: 0, removed: 0 };
  for (const part of diffArrays(previous.split('\n').filter(Boolean), next.split('\n').filter(Boolean))) {
    if (part.added) counts.added += part.value.length;
    if (part.removed) counts.removed += part.value.length;
  }
  return counts;
}

const MAX_NAMED = 3;

function nameList(names: string[]): string {
  const shown = names.slice(0, MAX_NAMED).map((name) => name || 'introduction');
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join('; ')} and ${more} more` : shown.join('; ');
}

/**
 * A deterministic one-line summary of a change, naming the sections added, removed and
 * reworded, e.g. "Added: Training our models. Reworded: Data retention; Your choices."
 */
export function summarizeChange(previous: string | undefined, next: string, kind: TextChange): string {
  if (kind === 'initial' || previous === undefined) return 'first recorded version';
  if (kind === 'editorial') return 'editorial changes only (punctuation, letter case or spacing)';
  if (kind === 'none') return 'no change';
  const before = sectionsOf(previous);
  const after = sectionsOf(next);
  // Renumbering ("5. Fees" → "6. Fees") is not a new section.
  const key = (section: Section) => wordsOnly(section.heading.replace(/^(?:§+|article|art\.|section|sec\.|clause|part|chapter)?\s*[\dIVXivx]+(?:\.\d+)*[.):]?\s+/i, ''));
  const beforeByKey = new Map(before.map((section) => [key(section), section]));
  const afterKeys = new Set(after.map(key));
  const added = after.filter((section) => !beforeByKey.has(key(section))).map((s) => s.heading);
  const removed = before.filter((section) => !afterKeys.has(key(section))).map((s) => s.heading);
  const reworded = after
    .filter((section) => {
      const old = beforeByKey.get(key(section));
      return old !== undefined && old.lines.join('\n') !== section.lines.join('\n');
    })
    .map((s) => s.heading);
  const parts: string[] = [];
  if (added.length) parts.push(`Added: ${nameList(added)}.`);
  if (removed.length) parts.push(`Removed: ${nameList(removed)}.`);
  if (reworded.length) parts.push(`Reworded: ${nameList(reworded)}.`);
  const { added: plus, removed: minus } = countChangedLines(previous, next);
  const lines = `(+${plus} −${minus} lines)`;
  return parts.length > 0 ? `${parts.join(' ')} ${lines}` : `text changed ${lines}`;
}
