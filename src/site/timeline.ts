import type { Version } from './archive.ts';

/**
 * Timelines show every version, newest first, with runs of technical versions (re-extractions
 * that changed how the text was derived, not what the platform published) folded into one entry.
 */
export type TimelineEntry = { kind: 'version'; version: Version } | { kind: 'technical'; versions: Version[] };

export function foldTimeline(versions: readonly Version[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const version of versions) {
    const last = entries.at(-1);
    if (version.change !== 'technical') entries.push({ kind: 'version', version });
    else if (last?.kind === 'technical') last.versions.push(version);
    else entries.push({ kind: 'technical', versions: [version] });
  }
  return entries;
}

/** The home page's list: the latest substantive changes; failing those, the latest versions of any kind but technical. */
export function latestChanges(versions: readonly Version[], limit = 20): Version[] {
  const substantive = versions.filter((v) => v.change === 'substantive');
  return (substantive.length > 0 ? substantive : versions.filter((v) => v.change !== 'technical')).slice(0, limit);
}
