import { z } from 'zod';
import type { StoredEvidence } from './record/index.ts';

/**
 * Texts held back from the archive until confirmed: a drastic shrink or structural collapse
 * (a redesign that lost half the policy, or a broken page that still passed the guard), and a
 * flap back to a text recorded recently (A/B tests, locale or mobile variants that alternate).
 * A held text is recorded once the same text is seen on `confirmations` consecutive runs, or
 * when a person approves it. Kept on the ledger branch as `held.json`; see docs/decisions/0006.
 */
export const HOLD_REASONS = ['drastic-shrink', 'structural-collapse', 'flap'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

const heldTextSchema = z.object({
  document: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  reason: z.enum(HOLD_REASONS),
  detail: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  sightings: z.number().int().positive(),
  capturedAt: z.string(),
  evidence: z.object({ commit: z.string().regex(/^[0-9a-f]{40}$/), captureSha256: z.array(z.string()) }),
  markdown: z.string(),
});
const heldStateSchema = z.object({ version: z.literal(1), held: z.record(z.string(), heldTextSchema) });

export type HeldText = z.infer<typeof heldTextSchema>;
export type HeldState = z.infer<typeof heldStateSchema>;

export interface HoldPolicy {
  /** Consecutive runs that must see the same held text before it is recorded. */
  confirmations: number;
  /** A return to a text recorded within this many days is a flap. */
  flapWindowDays: number;
}

export const DEFAULT_HOLD_POLICY: HoldPolicy = { confirmations: 3, flapWindowDays: 30 };

export function emptyHeld(): HeldState {
  return { version: 1, held: {} };
}

export function parseHeld(text: string | undefined, where = 'held.json'): HeldState {
  if (text === undefined) return emptyHeld();
  const parsed = heldStateSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${where}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Sorted keys and a final newline: the same state always gives the same bytes. */
export function formatHeld(state: HeldState): string {
  const held = Object.fromEntries(Object.entries(state.held).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify({ version: 1, held }, null, 2)}\n`;
}

/** A version recorded earlier, for flap detection. */
export interface RecentVersion {
  sha256: string;
  capturedAt: string;
}

/**
 * Whether `sha256` returns to a text recorded within the window, other than the latest (which
 * would simply be "unchanged").
 */
export function isFlap(sha256: string, versions: readonly RecentVersion[], now: Date, policy: HoldPolicy = DEFAULT_HOLD_POLICY): RecentVersion | undefined {
  const since = now.getTime() - policy.flapWindowDays * 86_400_000;
  return versions.slice(0, -1).find((v) => v.sha256 === sha256 && Date.parse(v.capturedAt) >= since);
}

/**
 * Counts one more sighting of a held candidate. A different text than the one held restarts the
 * count. Returns whether it may now be recorded.
 */
export function observe(
  state: HeldState,
  candidate: Omit<HeldText, 'firstSeen' | 'lastSeen' | 'sightings'>,
  now: string,
  policy: HoldPolicy = DEFAULT_HOLD_POLICY,
): { confirmed: boolean; entry: HeldText; isNew: boolean } {
  const previous = state.held[candidate.document];
  const same = previous?.sha256 === candidate.sha256;
  const entry: HeldText = same
    ? { ...previous, lastSeen: now, sightings: previous.sightings + 1, detail: candidate.detail }
    : { ...candidate, firstSeen: now, lastSeen: now, sightings: 1 };
  const confirmed = entry.sightings >= policy.confirmations;
  if (confirmed) delete state.held[candidate.document];
  else state.held[candidate.document] = entry;
  return { confirmed, entry, isNew: !same };
}

/** The document's text is back to its latest version: nothing is held any more. */
export function release(state: HeldState, document: string): boolean {
  if (!(document in state.held)) return false;
  delete state.held[document];
  return true;
}
