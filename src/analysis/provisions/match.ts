import { segment, firstWords, type Provision } from './segment.ts';
import { containment, jaccard, shingles, words, type Shingles } from './similarity.ts';

/**
 * How one provision of the previous version relates to the next version, or how a provision of
 * the next version came to be. The rules are written down in docs/decisions/0008-provision-ids.md.
 */
export interface Match {
  /** Id in the previous version; null for a provision added by the next version. */
  previousId: string | null;
  /** `order` in the previous version, or null. */
  previous: number | null;
  /** Id in the next version; null for a removed provision. Equal to `previousId` when the id lives on. */
  id: string | null;
  /** `order` in the next version, or null. */
  next: number | null;
  by: 'heading' | 'text' | 'split' | 'merge' | 'added' | 'removed';
  /** Text similarity (bigram Jaccard) of the pair; 1 when both texts are empty. */
  similarity: number;
  /** Same id, but another parent or another place among its siblings. */
  moved: boolean;
  /** Same id, and the heading says something else (not only a new number). */
  renamed: boolean;
  /** A piece cut out of this previous provision (a split). */
  splitFrom?: string;
  /** The previous provisions this one absorbed, its own previous id first (a merge). */
  mergedFrom?: string[];
}

export interface Assignment {
  provisions: Provision[];
  matches: Match[];
}

/** Texts at least this similar are the same provision reworded. */
export const TEXT_MATCH = 0.5;
/** …or this similar when their headings are also at least `HEADING_MATCH` alike (a rename plus a reword). */
export const TEXT_MATCH_WITH_HEADING = 0.3;
export const HEADING_MATCH = 0.5;
/** A piece is part of a split or a merge when this share of its bigrams is found in the other side. */
export const CONTAINED = 0.6;
/** …and the pieces together cover at least this share of the whole. */
export const COVERED = 0.5;
/** Pieces with fewer bigrams than this are too short to tell a split or a merge. */
const MIN_PIECE = 4;
const MAX_SLUG = 60;

/** "4.2 Data retention" → "Data retention"; "Article IV. Fees" → "Fees"; "(a) Scope" → "Scope". */
export function stripNumbering(heading: string): string {
  return heading
    .replace(
      /^(?:(?:§+|article|art\.|section|sec\.|clause|part|chapter|schedule|annex|appendix)\s*)?(?:\d+(?:\.\d+)*[.):]?|[ivxlc]+[.):]|[a-z][.)]|\([a-z0-9]{1,4}\))(?=\s)\s*(?:[-–—:.]\s*)?/i,
      '',
    )
    .trim();
}

/** A heading that dates the document ("Last updated: March 15, 2024") changes with every version. */
const DATED = /\b(?:updated|modified|revised|effective|dated?|as of)\b/i;
const DATE_PART = /\b(?:\d{1,4}(?:st|nd|rd|th)?|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b[,./-]?/gi;

/** What identifies a heading: no numbering, and no date in a "last updated" heading. */
export function headingCore(heading: string): string {
  const stripped = stripNumbering(heading);
  if (!DATED.test(stripped)) return stripped;
  return stripped.replace(DATE_PART, ' ').replace(/\s+/g, ' ').replace(/[\s:,.-]+$/, '').trim();
}

/** Lower-case ASCII letters and digits joined by hyphens, at most 60 characters, cut at a hyphen. */
export function slugify(text: string): string {
  let slug = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length > MAX_SLUG) {
    slug = slug.slice(0, MAX_SLUG + 1);
    slug = slug.includes('-') ? slug.slice(0, slug.lastIndexOf('-')) : slug.slice(0, MAX_SLUG);
  }
  return slug;
}

/** The id a provision would get if it were new: its heading without numbering, or `p-` and its first words. */
export function baseId(provision: Provision): string {
  if (provision.heading) return slugify(headingCore(provision.heading)) || slugify(provision.heading) || 'section';
  return `p-${slugify(firstWords(provision.text, 6)) || 'text'}`;
}

function headingKey(heading: string): string {
  return words(headingCore(heading)).join(' ');
}

/** Ids for the first version of a document. */
export function initialIds(provisions: Provision[], retired: ReadonlySet<string> = new Set()): Provision[] {
  return assignIds([], provisions, { retired }).provisions;
}

interface Side {
  provision: Provision;
  key: string;
  parentKey: string;
  shingles: Shingles;
  headingWords: Set<string>;
  size: number;
}

/**
 * What `sides` derives from a text or a heading, remembered: consecutive versions share most of
 * their provisions, and a history compares each version twice (as `next`, then as `previous`).
 * The sets are never modified. Bounded: emptied when it grows past `MEMO_LIMIT` entries.
 */
const MEMO_LIMIT = 50_000;
const textMemo = new Map<string, { shingles: Shingles; size: number }>();
const headingMemo = new Map<string, { key: string; words: Set<string> }>();

function ofText(text: string): { shingles: Shingles; size: number } {
  let found = textMemo.get(text);
  if (!found) {
    if (textMemo.size >= MEMO_LIMIT) textMemo.clear();
    const tokens = words(text);
    found = { shingles: shingles(tokens), size: tokens.length };
    textMemo.set(text, found);
  }
  return found;
}

function ofHeading(heading: string): { key: string; words: Set<string> } {
  let found = headingMemo.get(heading);
  if (!found) {
    if (headingMemo.size >= MEMO_LIMIT) headingMemo.clear();
    found = { key: headingKey(heading), words: new Set(words(headingCore(heading))) };
    headingMemo.set(heading, found);
  }
  return found;
}

function sides(provisions: Provision[]): Side[] {
  return provisions.map((provision) => {
    const text = ofText(provision.text);
    const heading = ofHeading(provision.heading);
    return {
      provision,
      // A version has at most one preamble: it is the same provision whatever it now says (often just a date).
      key: provision.kind === 'preamble' ? '\u0000preamble' : heading.key,
      parentKey: provision.headingPath.map((h) => ofHeading(h).key).join('/'),
      shingles: text.shingles,
      headingWords: heading.words,
      size: text.size,
    };
  });
}

/**
 * Gives the provisions of `next` ids, carrying over those of `previous` (which must have ids).
 * Heading first, then text; then splits and merges; new ids never reuse `retired` ones (every id the
 * document ever had) nor the previous version's. Deterministic: the same inputs give the same ids.
 * Both lists are as `segment` returns them (`order` is the index).
 */
export function assignIds(
  previous: Provision[],
  next: Provision[],
  options: { retired?: ReadonlySet<string> } = {},
): Assignment {
  const old = sides(previous);
  const now = sides(next);
  const oldTo = new Map<number, number>(); // previous order → next order, ids carried over
  const newFrom = new Map<number, number>();
  const by = new Map<number, Match['by']>(); // keyed by next order
  const pair = (o: number, n: number, how: Match['by']) => {
    oldTo.set(o, n);
    newFrom.set(n, o);
    by.set(n, how);
  };

  // 1. Same heading (numbering and style ignored). Duplicate headings pair up by parent, then text, then place.
  const oldByKey = groupBy(old.filter((s) => s.key !== ''), (s) => s.key);
  const newByKey = groupBy(now.filter((s) => s.key !== ''), (s) => s.key);
  for (const [key, news] of newByKey) {
    const olds = oldByKey.get(key);
    if (!olds) continue;
    const candidates: Array<[number, Side, Side]> = [];
    olds.forEach((o, i) =>
      news.forEach((n, j) => {
        const score = (o.parentKey === n.parentKey ? 2 : 0) + (i === j ? 0.5 : 0) + jaccard(o.shingles, n.shingles);
        candidates.push([score, o, n]);
      }),
    );
    greedy(candidates, (o, n) => pair(o.provision.order, n.provision.order, 'heading'), oldTo, newFrom);
  }

  // 2. Same text: exact first (cheap), then similar enough.
  const textKey = (s: Side) => [...s.shingles].join('|');
  const oldByText = groupBy(old.filter((s) => !oldTo.has(s.provision.order) && s.size > 0), textKey);
  for (const n of now) {
    if (newFrom.has(n.provision.order) || n.size === 0) continue;
    const o = oldByText.get(textKey(n))?.find((s) => !oldTo.has(s.provision.order));
    if (o) pair(o.provision.order, n.provision.order, 'text');
  }
  const candidates: Array<[number, Side, Side]> = [];
  for (const o of old) {
    if (oldTo.has(o.provision.order) || o.size === 0) continue;
    for (const n of now) {
      if (newFrom.has(n.provision.order) || n.size === 0) continue;
      // Jaccard never exceeds the ratio of the sizes: skip pairs that cannot reach the threshold.
      const [small, large] = o.shingles.size <= n.shingles.size ? [o.shingles.size, n.shingles.size] : [n.shingles.size, o.shingles.size];
      if (small < TEXT_MATCH_WITH_HEADING * large) continue;
      const text = jaccard(o.shingles, n.shingles);
      if (text < TEXT_MATCH_WITH_HEADING) continue;
      const heading = jaccard(o.headingWords, n.headingWords);
      if (text >= TEXT_MATCH || heading >= HEADING_MATCH) candidates.push([text + heading / 10, o, n]);
    }
  }
  greedy(candidates, (o, n) => pair(o.provision.order, n.provision.order, 'text'), oldTo, newFrom);

  // 3. Splits: new pieces mostly found in one previous provision.
  const splitFrom = new Map<number, number>(); // next order → previous order
  const pieces = groupBy(
    now.filter((n) => !newFrom.has(n.provision.order) && n.shingles.size >= MIN_PIECE),
    (n) => String(best(old, (o) => containment(n.shingles, o.shingles)) ?? -1),
  );
  for (const [key, group] of [...pieces].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const o = Number(key);
    if (o < 0) continue;
    const whole = old[o]!;
    if (!oldTo.has(o) && coverage(whole.shingles, group) >= COVERED) {
      const largest = [...group].sort((a, b) => b.shingles.size - a.shingles.size || a.provision.order - b.provision.order)[0]!;
      pair(o, largest.provision.order, 'split');
      for (const n of group) if (n !== largest) splitFrom.set(n.provision.order, o);
    } else if (oldTo.has(o)) {
      for (const n of group) splitFrom.set(n.provision.order, o);
    }
  }

  // 4. Merges: previous provisions mostly found in one next provision.
  const mergedInto = new Map<number, number>(); // previous order → next order (ids retired)
  const mergedFrom = new Map<number, number[]>(); // next order → previous orders
  const absorbed = groupBy(
    old.filter((o) => !oldTo.has(o.provision.order) && o.shingles.size >= MIN_PIECE),
    (o) => String(best(now, (n) => containment(o.shingles, n.shingles)) ?? -1),
  );
  for (const [key, group] of [...absorbed].sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const n = Number(key);
    if (n < 0 || splitFrom.has(n)) continue;
    const whole = now[n]!;
    let members = group.map((o) => o.provision.order);
    if (!newFrom.has(n)) {
      if (coverage(whole.shingles, group) < COVERED) continue;
      const similar = [...group].sort(
        (a, b) => jaccard(b.shingles, whole.shingles) - jaccard(a.shingles, whole.shingles) || a.provision.order - b.provision.order,
      )[0]!;
      pair(similar.provision.order, n, 'merge');
      members = members.filter((o) => o !== similar.provision.order);
    }
    for (const o of members) mergedInto.set(o, n);
    mergedFrom.set(n, [newFrom.get(n)!, ...members.sort((a, b) => a - b)]);
  }

  // 5. Ids: carried over, or new in document order.
  const taken = new Set<string>([...(options.retired ?? []), ...previous.map((p) => p.id)]);
  const ids: string[] = next.map((p) => {
    const o = newFrom.get(p.order);
    return o === undefined ? '' : previous[o]!.id;
  });
  for (const id of ids) if (id) taken.add(id);
  next.forEach((p, i) => {
    if (ids[i]) return;
    const base = baseId(p);
    let id = base;
    for (let k = 2; taken.has(id); k++) id = `${base}-${k}`;
    taken.add(id);
    ids[i] = id;
  });
  const provisions = next.map((p, i) => ({ ...p, id: ids[i]! }));

  // 6. Moves: another parent, or out of the longest run of kept provisions that stayed in order.
  const kept = [...newFrom].sort((a, b) => a[0] - b[0]);
  const inOrder = longestIncreasing(kept.map(([, o]) => o));
  const parentId = (list: Provision[], p: Provision) => (p.parent < 0 ? '' : list[p.parent]!.id);

  const matches: Match[] = [];
  for (const p of provisions) {
    const o = newFrom.get(p.order);
    if (o === undefined) {
      const from = splitFrom.get(p.order);
      matches.push({
        previousId: from === undefined ? null : previous[from]!.id,
        previous: from ?? null,
        id: p.id,
        next: p.order,
        by: from === undefined ? 'added' : 'split',
        similarity: from === undefined ? 0 : jaccard(old[from]!.shingles, now[p.order]!.shingles),
        moved: false,
        renamed: false,
        ...(from === undefined ? {} : { splitFrom: previous[from]!.id }),
      });
      continue;
    }
    const before = previous[o]!;
    const merged = mergedFrom.get(p.order);
    matches.push({
      previousId: before.id,
      previous: o,
      id: p.id,
      next: p.order,
      by: by.get(p.order)!,
      similarity: old[o]!.size === 0 && now[p.order]!.size === 0 ? 1 : jaccard(old[o]!.shingles, now[p.order]!.shingles),
      moved: parentId(previous, before) !== parentId(provisions, p) || !inOrder.has(o),
      // Clauses are titled by their first words: a new first sentence is a reword, not a rename.
      renamed: before.kind !== 'clause' && p.kind !== 'clause' && before.heading !== '' && p.heading !== '' && headingKey(before.heading) !== headingKey(p.heading),
      ...(merged ? { mergedFrom: merged.map((m) => previous[m]!.id) } : {}),
    });
  }
  for (const before of previous) {
    if (oldTo.has(before.order)) continue;
    const into = mergedInto.get(before.order);
    matches.push({
      previousId: before.id,
      previous: before.order,
      id: into === undefined ? null : provisions[into]!.id,
      next: into ?? null,
      by: into === undefined ? 'removed' : 'merge',
      similarity: into === undefined ? 0 : jaccard(old[before.order]!.shingles, now[into]!.shingles),
      moved: false,
      renamed: false,
    });
  }
  return { provisions, matches };
}

/** Pairs the best-scoring candidates first; ties go to the earlier provisions, so the result is deterministic. */
function greedy(
  candidates: Array<[number, Side, Side]>,
  accept: (o: Side, n: Side) => void,
  oldTo: Map<number, number>,
  newFrom: Map<number, number>,
): void {
  candidates.sort((a, b) => b[0] - a[0] || a[1].provision.order - b[1].provision.order || a[2].provision.order - b[2].provision.order);
  for (const [, o, n] of candidates) {
    if (oldTo.has(o.provision.order) || newFrom.has(n.provision.order)) continue;
    accept(o, n);
  }
}

/** The order of the side scoring highest (at least `CONTAINED`), the earliest on ties. */
function best(list: Side[], score: (s: Side) => number): number | undefined {
  let top: number | undefined;
  let topScore = CONTAINED;
  for (const s of list) {
    if (s.shingles.size === 0) continue;
    const value = score(s);
    if (value > topScore || (value === topScore && top === undefined)) {
      top = s.provision.order;
      topScore = value;
    }
  }
  return top;
}

/** Share of `whole` found in the pieces together. */
function coverage(whole: Shingles, pieces: Side[]): number {
  if (whole.size === 0) return 0;
  let count = 0;
  for (const item of whole) if (pieces.some((p) => p.shingles.has(item))) count++;
  return count / whole.size;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Values of one longest strictly increasing subsequence (the earliest one on ties). */
function longestIncreasing(values: number[]): Set<number> {
  const tails: number[] = []; // index into values of the smallest tail of each length
  const back: number[] = new Array(values.length).fill(-1);
  values.forEach((value, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) back[i] = tails[lo - 1]!;
    tails[lo] = i;
  });
  const out = new Set<number>();
  for (let i = tails.at(-1) ?? -1; i >= 0; i = back[i]!) out.add(values[i]!);
  return out;
}

export interface History {
  /** The provisions of each version, with ids. */
  versions: Provision[][];
  /** `matches[i]` relates version i-1 to version i; `matches[0]` lists the first version's provisions as added. */
  matches: Match[][];
}

/** Segments and matches a document's versions, oldest first, keeping every id ever used retired. */
export function trackHistory(versions: string[]): History {
  const history: History = { versions: [], matches: [] };
  const retired = new Set<string>();
  let previous: Provision[] = [];
  for (const markdown of versions) {
    const { provisions, matches } = assignIds(previous, segment(markdown), { retired });
    for (const p of provisions) retired.add(p.id);
    history.versions.push(provisions);
    history.matches.push(matches);
    previous = provisions;
  }
  return history;
}
