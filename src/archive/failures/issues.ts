import type { Octokit } from '@octokit/rest';
import type { Ledger, LedgerEntry } from './ledger.ts';
import {
  FAILURE_LABEL,
  REASON_LABEL_PREFIX,
  issueBody,
  issueTitle,
  reasonChangedComment,
  reasonLabel,
  recoveredComment,
  reopenedComment,
} from './issue-text.ts';

/** Failing in this many consecutive runs opens an issue: one failed run is usually a blip. */
export const DEFAULT_THRESHOLD = 2;

export type IssueActionKind = 'opened' | 'reopened' | 'updated' | 'relabelled' | 'commented' | 'closed';

/**
 * One change made on GitHub. `updated` is an edit of the description, `relabelled` a change of
 * the reason label (made in the same request when both change), `closed` includes its comment.
 */
export interface IssueAction {
  kind: IssueActionKind;
  document: string;
  issue: number;
}

/** A document whose issue could not be synchronized; the others still were. */
export interface IssueSyncError {
  document: string;
  issue?: number;
  /** The HTTP status GitHub answered, when it answered. */
  status?: number;
  message: string;
}

export interface SyncOptions {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** The ledger after this run (see `updateLedger`). */
  ledger: Ledger;
  /** Entries this run removed from the ledger: their issues are closed. */
  recovered: readonly LedgerEntry[];
  /** Consecutive failing runs before an issue is opened. */
  threshold?: number;
  /** This run's time (ISO 8601), quoted when closing. */
  now: string;
}

export interface SyncResult {
  /** The ledger with the issue numbers found or opened. */
  ledger: Ledger;
  actions: IssueAction[];
  errors: IssueSyncError[];
}

const LABEL_COLORS = { failure: 'b60205', reason: 'fbca04' };

/**
 * Brings the repository's issues in line with the ledger: one issue per document failing in at
 * least `threshold` consecutive runs, its description rewritten with the latest state, a comment
 * and a new label only when the reason changes (not one comment per run), and closed with a
 * comment once the document is captured again. Each document is handled on its own: an API error
 * on one is reported in `errors` and the others go on.
 */
export async function syncFailureIssues(options: SyncOptions): Promise<SyncResult> {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`threshold must be a positive integer, got ${threshold}`);
  const tracker = new IssueTracker(options.octokit, options.owner, options.repo);
  const entries: Record<string, LedgerEntry> = { ...options.ledger.entries };
  const actions: IssueAction[] = [];
  const errors: IssueSyncError[] = [];

  const each = async (entry: LedgerEntry, sync: (issue: IssueRef) => Promise<void>, onError = () => {}) => {
    const issue: IssueRef = { number: entry.issue };
    try {
      await sync(issue);
    } catch (error) {
      onError();
      const status = (error as { status?: unknown }).status;
      errors.push({
        document: entry.document,
        ...(issue.number !== undefined ? { issue: issue.number } : {}),
        ...(typeof status === 'number' ? { status } : {}),
        message: (error as Error).message,
      });
    }
  };

  for (const entry of Object.values(options.ledger.entries)) {
    if (entry.runs < threshold && entry.issue === undefined) continue;
    await each(entry, async (ref) => {
      const link = (number: number | undefined) => {
        ref.number = number;
        const { issue: _, ...rest } = entry;
        entries[entry.document] = number === undefined ? rest : { ...rest, issue: number };
      };
      const done = (kind: IssueActionKind) => actions.push({ kind, document: entry.document, issue: ref.number! });
      const title = issueTitle(entry.document);
      let issue = entry.issue !== undefined ? await tracker.get(entry.issue, title) : undefined;
      issue ??= await tracker.findOpen(title);
      if (!issue) {
        link(undefined);
        if (entry.runs < threshold) return;
        const labels = [FAILURE_LABEL, reasonLabel(entry.reason)];
        await tracker.ensureLabels(labels);
        link(await tracker.create(title, issueBody(entry), labels));
        done('opened');
        return;
      }
      link(issue.number);
      const previousReasons = issue.labels.filter((name) => name.startsWith(REASON_LABEL_PREFIX));
      const labels = [...new Set([...issue.labels.filter((name) => !name.startsWith(REASON_LABEL_PREFIX)), FAILURE_LABEL, reasonLabel(entry.reason)])];
      const patch: IssuePatch = {};
      const body = issueBody(entry);
      if (issue.state === 'closed') patch.state = 'open';
      if (normalized(issue.body) !== normalized(body)) patch.body = body;
      const relabel = !sameSet(labels, issue.labels);
      if (relabel) {
        await tracker.ensureLabels(labels.filter((name) => !issue.labels.includes(name)));
        patch.labels = labels;
      }
      if (Object.keys(patch).length > 0) await tracker.update(issue.number, patch);
      if (patch.state) done('reopened');
      if (patch.body) done('updated');
      if (relabel) done('relabelled');
      const previousReason = previousReasons[0]?.slice(REASON_LABEL_PREFIX.length);
      if (patch.state) {
        await tracker.comment(issue.number, reopenedComment(entry));
        done('commented');
      } else if (previousReason !== undefined && previousReason !== entry.reason && !previousReasons.includes(reasonLabel(entry.reason))) {
        await tracker.comment(issue.number, reasonChangedComment(entry, previousReason));
        done('commented');
      }
    });
  }

  for (const entry of options.recovered) {
    await each(entry, async (ref) => {
      const title = issueTitle(entry.document);
      // Also without a number: a ledger lost while the issue was open must not leave it open.
      let issue = entry.issue !== undefined ? await tracker.get(entry.issue, title) : undefined;
      issue ??= await tracker.findOpen(title);
      if (!issue || issue.state === 'closed') return;
      ref.number = issue.number;
      await tracker.comment(issue.number, recoveredComment(entry, options.now));
      await tracker.update(issue.number, { state: 'closed', state_reason: 'completed' });
      actions.push({ kind: 'closed', document: entry.document, issue: issue.number });
    }, () => {
      // Kept in the ledger, so that the next run that captures it tries to close the issue again.
      entries[entry.document] = entry;
    });
  }

  const sorted = Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { ledger: { version: 1, entries: Object.fromEntries(sorted) }, actions, errors };
}

interface IssueRef {
  number: number | undefined;
}

interface Issue {
  number: number;
  title: string;
  state: string;
  body: string;
  labels: string[];
}

interface IssuePatch {
  state?: 'open' | 'closed';
  state_reason?: 'completed';
  body?: string;
  labels?: string[];
}

interface IssueData {
  number: number;
  title: string;
  state: string;
  body?: string | null;
  labels: Array<string | { name?: string }>;
  pull_request?: unknown;
}

/** The few calls made on the repository's issues, with the lists they need fetched once per sync. */
class IssueTracker {
  readonly #octokit: Octokit;
  readonly #repository: { owner: string; repo: string };
  #open: Promise<Map<string, Issue>> | undefined;
  readonly #labels = new Map<string, Promise<void>>();

  constructor(octokit: Octokit, owner: string, repo: string) {
    this.#octokit = octokit;
    this.#repository = { owner, repo };
  }

  /**
   * The issue the ledger names, or undefined when it is gone (deleted, transferred) or is not a
   * failure issue (a ledger copied from another repository): the caller then looks it up by title.
   */
  async get(number: number, title: string): Promise<Issue | undefined> {
    try {
      const { data } = await this.#octokit.rest.issues.get({ ...this.#repository, issue_number: number });
      const issue = issueOf(data);
      if (data.pull_request || (issue.title !== title && !issue.labels.includes(FAILURE_LABEL))) return undefined;
      return issue;
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (status === 404 || status === 410) return undefined;
      throw error;
    }
  }

  /** The oldest open failure issue with exactly this title. */
  async findOpen(title: string): Promise<Issue | undefined> {
    this.#open ??= this.#octokit
      .paginate(this.#octokit.rest.issues.listForRepo, { ...this.#repository, labels: FAILURE_LABEL, state: 'open', per_page: 100 })
      .then((list) => {
        const byTitle = new Map<string, Issue>();
        for (const data of list.filter((data) => !data.pull_request).sort((a, b) => a.number - b.number)) {
          if (!byTitle.has(data.title)) byTitle.set(data.title, issueOf(data));
        }
        return byTitle;
      });
    return (await this.#open).get(title);
  }

  async create(title: string, body: string, labels: string[]): Promise<number> {
    const { data } = await this.#octokit.rest.issues.create({ ...this.#repository, title, body, labels });
    (await this.#open?.catch(() => undefined))?.set(title, issueOf(data));
    return data.number;
  }

  async update(number: number, patch: IssuePatch): Promise<void> {
    await this.#octokit.rest.issues.update({ ...this.#repository, issue_number: number, ...patch });
  }

  async comment(number: number, body: string): Promise<void> {
    await this.#octokit.rest.issues.createComment({ ...this.#repository, issue_number: number, body });
  }

  /**
   * Creates missing labels with a colour and a description (GitHub would create them bare).
   * A failed call is forgotten, so the next issue needing the label tries again.
   */
  async ensureLabels(names: string[]): Promise<void> {
    await Promise.all(
      names.map((name) => {
        let pending = this.#labels.get(name);
        if (!pending) {
          pending = this.#ensureLabel(name).catch((error: unknown) => {
            this.#labels.delete(name);
            throw error;
          });
          this.#labels.set(name, pending);
        }
        return pending;
      }),
    );
  }

  async #ensureLabel(name: string): Promise<void> {
    try {
      await this.#octokit.rest.issues.getLabel({ ...this.#repository, name });
      return;
    } catch (error) {
      if ((error as { status?: unknown }).status !== 404) throw error;
    }
    const failure = name === FAILURE_LABEL;
    try {
      await this.#octokit.rest.issues.createLabel({
        ...this.#repository,
        name,
        color: failure ? LABEL_COLORS.failure : LABEL_COLORS.reason,
        description: failure
          ? 'A declared document failed to capture in consecutive runs'
          : `Capture failure reason: ${name.slice(REASON_LABEL_PREFIX.length)}`,
      });
    } catch (error) {
      // 422: created meanwhile by someone else, which is as good.
      if ((error as { status?: unknown }).status !== 422) throw error;
    }
  }
}

function issueOf(data: IssueData): Issue {
  return {
    number: data.number,
    title: data.title,
    state: data.state,
    body: data.body ?? '',
    labels: data.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))).filter(Boolean),
  };
}

function normalized(body: string): string {
  return body.replace(/\r\n/g, '\n').trimEnd();
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}
