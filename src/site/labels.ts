import type { ChangeKind } from '../history/commit-format.ts';

/** Words and formats the pages show, in one place. */

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' });

/** "5 May 2026" */
export function formatDate(iso: string): string {
  return day.format(new Date(iso));
}

/** "5 May 2026, 09:17 UTC" */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return `${day.format(date)}, ${time.format(date)} UTC`;
}

export const CHANGE_LABELS: Record<ChangeKind, string> = {
  initial: 'first version',
  substantive: 'substantive change',
  editorial: 'editorial change',
  technical: 'technical re-extraction',
};

export const KIND_LABELS: Record<string, string> = {
  ai: 'AI services',
  social: 'Social networks',
  messaging: 'Messaging',
  video: 'Video',
  music: 'Music',
  marketplace: 'Marketplaces',
  fitness: 'Fitness',
  search: 'Search',
  productivity: 'Productivity',
  gaming: 'Gaming',
  dating: 'Dating',
  cloud: 'Cloud',
  finance: 'Finance',
  travel: 'Travel',
  other: 'Other services',
  undeclared: 'Kind not declared',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

const regions = new Intl.DisplayNames(['en'], { type: 'region' });

/** "US-CA" → "United States (US-CA)"; "IE" → "Ireland". */
export function jurisdictionLabel(code: string | undefined): string {
  if (!code) return 'Unknown jurisdiction';
  const country = code.slice(0, 2);
  let name: string | undefined;
  try {
    name = regions.of(country);
  } catch {
    name = undefined;
  }
  return code.length > 2 ? `${name ?? country} (${code})` : (name ?? code);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Source URLs are links only when they are web addresses (imports may name `urn:` sources). */
export function isWebUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** Said of the first capture after imported versions (version pages, feed items). */
export const AFTER_IMPORT =
  'The version before this one was recorded by another archive and imported; this is the first capture by this archive. Part of this change may come from how the two archives extract the page, not from the platform: read the diff.';
