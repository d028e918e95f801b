import type { Platform } from './archive.ts';
import { PLATFORM_KINDS } from '../archive/sources/schema.ts';

export interface PlatformGroup {
  /** A platform kind, or an ISO 3166 country code (`unknown` when undeclared). */
  key: string;
  platforms: Platform[];
}

function groupBy(platforms: readonly Platform[], key: (platform: Platform) => string, order: (a: string, b: string) => number): PlatformGroup[] {
  const groups = new Map<string, Platform[]>();
  for (const platform of platforms) groups.set(key(platform), [...(groups.get(key(platform)) ?? []), platform]);
  return [...groups.entries()].sort(([a], [b]) => order(a, b)).map(([groupKey, members]) => ({ key: groupKey, platforms: members }));
}

/** The platforms index: by kind (in the schema's order) and by country of the operator's headquarters. */
export function platformGroups(platforms: readonly Platform[]): { byKind: PlatformGroup[]; byJurisdiction: PlatformGroup[] } {
  const kindOrder = (kind: string) => {
    const index = (PLATFORM_KINDS as readonly string[]).indexOf(kind);
    return index < 0 ? PLATFORM_KINDS.length : index;
  };
  return {
    byKind: groupBy(platforms, (p) => p.kind, (a, b) => kindOrder(a) - kindOrder(b) || a.localeCompare(b)),
    byJurisdiction: groupBy(platforms, (p) => p.jurisdiction?.slice(0, 2).toLowerCase() ?? 'unknown', (a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a.localeCompare(b))),
  };
}
