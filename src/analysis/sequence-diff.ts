import { diffArrays } from 'diff';

/**
 * Myers' diff over sequences, for the hot paths of the analysis and the site (word counts of a
 * change, clause diffs, word highlights): the same result as the `diff` package's `diffArrays`
 * and `diffWordsWithSpace`, part for part — the same shortest edit script, chosen among equally
 * short ones by the same rule — at a fraction of the cost: tokens become integers, and the search
 * keeps its paths in typed arrays instead of an object per step. Tests compare the two on random
 * sequences full of ties. Beyond a budget of steps (a huge rewrite) it hands over to `diffArrays`,
 * whose memory stays bounded there.
 */

export interface SequencePart<T> {
  value: T[];
  count: number;
  added: boolean;
  removed: boolean;
}

/** Steps kept in memory (13 bytes each) before handing the comparison over to `diffArrays`. */
const MAX_STEPS = 8_000_000;

/** Both sequences as integers: equal tokens, equal numbers. */
function intern<T>(before: readonly T[], after: readonly T[]): [Int32Array, Int32Array] {
  const ids = new Map<T, number>();
  const of = (tokens: readonly T[]) => {
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      let id = ids.get(tokens[i]!);
      if (id === undefined) ids.set(tokens[i]!, (id = ids.size));
      out[i] = id;
    }
    return out;
  };
  return [of(before), of(after)];
}

/**
 * The parts `diffArrays(before, after)` returns: unchanged runs, removed runs and added runs, in
 * order (a removal before an addition where both happen at one place, as `diffArrays` has it).
 * Past `maxSteps` steps, `diffArrays` itself finishes the job.
 */
export function diffSequences<T>(before: readonly T[], after: readonly T[], maxSteps = MAX_STEPS): SequencePart<T>[] {
  const [a, b] = intern(before, after);
  const found = search(a, b, Math.max(1, maxSteps));
  if (!found) return diffArrays(before as T[], after as T[]) as SequencePart<T>[];
  return partsOf(before, after, found.olds, found.adds);
}

/**
 * How many tokens a shortest edit script adds and removes (the counts of `diffArrays`' added and
 * removed parts), without building the script: the common ends set aside, the search finds the
 * edit distance d; then added − removed = after − before and added + removed = d.
 */
export function editCounts<T>(before: readonly T[], after: readonly T[]): { added: number; removed: number } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore--;
    endAfter--;
  }
  const [a, b] = intern(before.slice(start, endBefore), after.slice(start, endAfter));
  const d = search(a, b, 0)!.editLength;
  return { added: (d + b.length - a.length) / 2, removed: (d - b.length + a.length) / 2 };
}

/**
 * Myers' search as `diff` runs it: for growing edit lengths, each diagonal (old index − new index)
 * extends the path that went furthest in the old sequence (an addition on a tie), then follows
 * equal tokens; diagonals past an edge are no longer tried. With `maxSteps` > 0, every step is
 * kept (the step it extends, whether it adds, the old index after it) to read the script back;
 * `undefined` when that would take more than `maxSteps`. With 0, only the edit length is found.
 */
function search(a: Int32Array, b: Int32Array, maxSteps: number): { editLength: number; olds: number[]; adds: boolean[] } | undefined {
  const record = maxSteps > 0;
  const oldLen = a.length;
  const newLen = b.length;
  const base = newLen + 1;
  const width = oldLen + newLen + 3;
  const bestOld = new Int32Array(width);
  const bestStep = new Int32Array(width);
  const live = new Uint8Array(width);
  let capacity = record ? Math.min(1024, maxSteps) : 0;
  let parents = new Int32Array(capacity);
  let olds = new Int32Array(capacity);
  let adds = new Uint8Array(capacity);
  let steps = 0;
  const script = (last: number, editLength: number) => {
    const path: number[] = [];
    if (record) for (let s = last; s !== -1; s = parents[s]!) path.push(s);
    path.reverse();
    return { editLength, olds: path.map((s) => olds[s]!), adds: path.map((s) => adds[s] === 1) };
  };

  let oldPos = -1;
  let newPos = -1;
  while (newPos + 1 < newLen && oldPos + 1 < oldLen && a[oldPos + 1] === b[newPos + 1]) {
    oldPos++;
    newPos++;
  }
  if (oldPos + 1 >= oldLen && newPos + 1 >= newLen) return script(-1, 0);
  bestOld[base] = oldPos;
  bestStep[base] = -1;
  live[base] = 1;

  let minDiagonal = -Infinity;
  let maxDiagonal = Infinity;
  for (let editLength = 1; editLength <= oldLen + newLen; editLength++) {
    const last = Math.min(maxDiagonal, editLength);
    for (let diagonal = Math.max(minDiagonal, -editLength); diagonal <= last; diagonal += 2) {
      const at = diagonal + base;
      const removeLive = live[at - 1] === 1;
      const addLive = live[at + 1] === 1;
      const removeOld = bestOld[at - 1]!;
      const addOld = bestOld[at + 1]!;
      if (removeLive) live[at - 1] = 0;
      const canAdd = addLive && addOld - diagonal >= 0 && addOld - diagonal < newLen;
      const canRemove = removeLive && removeOld + 1 < oldLen;
      if (!canAdd && !canRemove) {
        live[at] = 0;
        continue;
      }
      const add = !canRemove || (canAdd && removeOld < addOld);
      oldPos = add ? addOld : removeOld + 1;
      let step = -1;
      if (record) {
        if (steps === capacity) {
          if (capacity >= maxSteps) return undefined;
          capacity = Math.min(capacity * 2, maxSteps);
          parents = grown(parents, new Int32Array(capacity));
          olds = grown(olds, new Int32Array(capacity));
          adds = grown(adds, new Uint8Array(capacity));
        }
        step = steps++;
        parents[step] = add ? bestStep[at + 1]! : bestStep[at - 1]!;
        adds[step] = add ? 1 : 0;
        olds[step] = oldPos;
      }
      newPos = oldPos - diagonal;
      while (newPos + 1 < newLen && oldPos + 1 < oldLen && a[oldPos + 1] === b[newPos + 1]) {
        oldPos++;
        newPos++;
      }
      if (oldPos + 1 >= oldLen && newPos + 1 >= newLen) return script(step, editLength);
      live[at] = 1;
      bestOld[at] = oldPos;
      bestStep[at] = step;
      if (oldPos + 1 >= oldLen) maxDiagonal = Math.min(maxDiagonal, diagonal - 1);
      if (newPos + 1 >= newLen) minDiagonal = Math.max(minDiagonal, diagonal + 1);
    }
  }
  throw new Error('unreachable: a diff ends within before.length + after.length steps');
}

function grown<A extends Int32Array | Uint8Array>(array: A, into: A): A {
  into.set(array);
  return into;
}

/**
 * The parts of an edit script: `olds[i]` is the old index after step `i`, `adds[i]` whether it
 * is an addition. Steps of one kind with nothing unchanged between them make one part; the
 * unchanged runs between steps are what the positions leave over.
 */
function partsOf<T>(before: readonly T[], after: readonly T[], olds: number[], adds: boolean[]): SequencePart<T>[] {
  const parts: SequencePart<T>[] = [];
  const push = (added: boolean, removed: boolean, count: number) => {
    const previous = parts.at(-1);
    if (previous && previous.added === added && previous.removed === removed) previous.count += count;
    else parts.push({ value: [], count, added, removed });
  };
  let oldAt = 0;
  for (let i = 0; i < olds.length; i++) {
    // An addition leaves the old index where it was; a removal ends on the token it removed.
    const start = adds[i] ? olds[i]! + 1 : olds[i]!;
    if (start > oldAt) push(false, false, start - oldAt);
    oldAt = start;
    if (adds[i]) push(true, false, 1);
    else {
      push(false, true, 1);
      oldAt++;
    }
  }
  if (oldAt < before.length) push(false, false, before.length - oldAt);
  let o = 0;
  let n = 0;
  for (const part of parts) {
    if (part.removed) part.value = before.slice(o, (o += part.count));
    else {
      part.value = after.slice(n, (n += part.count));
      if (!part.added) o += part.count;
    }
  }
  return parts;
}

/** `diffWordsWithSpace`'s tokens: a line break, a run of word characters, a run of other spaces, or one other character. */
const WORD_CHARS = 'a-zA-Z0-9_\\u{AD}\\u{C0}-\\u{D6}\\u{D8}-\\u{F6}\\u{F8}-\\u{2C6}\\u{2C8}-\\u{2D7}\\u{2DE}-\\u{2FF}\\u{1E00}-\\u{1EFF}';
const WORD_TOKENS = new RegExp(`(\\r?\\n)|[${WORD_CHARS}]+|[^\\S\\n\\r]+|[^${WORD_CHARS}]`, 'gu');

/** The parts `diffWordsWithSpace(before, after)` returns, each with its text. */
export function diffWords(before: string, after: string): Array<{ value: string; added: boolean; removed: boolean }> {
  return diffSequences(before.match(WORD_TOKENS) ?? [], after.match(WORD_TOKENS) ?? []).map((part) => ({
    value: part.value.join(''),
    added: part.added,
    removed: part.removed,
  }));
}
