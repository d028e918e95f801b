import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { git, resolveRef } from '../../history/git.ts';
import { evidenceRef, formatCommitMessage, summaryRoom, type ChangeKind } from '../../history/commit-format.ts';
import { archivePath, formatVersionFile, parseVersionFile, sha256, type VersionFile } from '../../history/version-file.ts';
import { commitContent, ObjectWriter, type Identity } from '../../history/objects.ts';
import { MutableTree } from '../../history/tree.ts';
import { classifyTextChange } from '../../analysis/change-kind.ts';
import { MAX_SUMMARY, summarizeChange } from '../../analysis/changes/summary.ts';
import { ARCHIVER_NAME, ARCHIVER_VERSION } from '../fetch/index.ts';
import { RecordError } from './errors.ts';
import { gitDir, lockArchive } from './lock.ts';
import { EVIDENCE_BRANCH, writeEvidenceCommit, type EvidenceItem } from './evidence.ts';

export { RecordError, ArchiveLockedError } from './errors.ts';
export { lockArchive, gitDir } from './lock.ts';
export { EVIDENCE_BRANCH, type EvidenceItem } from './evidence.ts';

/** Orphan branch holding run state: failures.json, held.json, verified.json. */
export const STATE_BRANCH = 'refs/heads/ledger';

/** A file of the state branch, or undefined when it does not exist yet. */
export async function readState(archiveDir: string, name: string): Promise<string | undefined> {
  if (!(await resolveRef(archiveDir, STATE_BRANCH))) return undefined;
  const out = await git(archiveDir, ['cat-file', '-p', `${STATE_BRANCH}:${name}`]).catch(() => undefined);
  return out;
}

/** A summary gets at least this room, however long the document's name (the subject then cuts it). */
const MIN_SUMMARY_ROOM = 60;

export interface VersionToRecord {
  platform: string;
  document: string;
  /** "<Platform name> <Document name>" for the commit subject. */
  heading: string;
  title: string;
  sourceUrls: string[];
  capturedAt: string;
  /** Normalized Markdown body. */
  markdown: string;
  /** The raw capture, written to the evidence branch with the version; or evidence already stored. */
  evidence: EvidenceItem[] | StoredEvidence;
  /** Forces the change kind (re-extraction records `technical`). */
  change?: ChangeKind;
  /** Where an imported version was first recorded (the importer sets it; captures never do). */
  importedFrom?: string;
}

/** A capture already on the evidence branch (held for review, or re-extracted). */
export interface StoredEvidence {
  commit: string;
  captureSha256: string[];
}

export type RecordResult =
  | { status: 'unchanged' }
  | { status: 'recorded'; commit: string; change: ChangeKind; summary: string; evidence: string };

/** Creates an empty archive repository (for the demo, tests, imports) if `dir` is not one. */
export async function initArchive(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const inside = await git(dir, ['rev-parse', '--show-toplevel'], { okExitCodes: [128] }).catch(() => '');
  if (inside.trim() && path.resolve(inside.trim()) === path.resolve(dir)) return;
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
}

/** The latest recorded version of a document, read from HEAD (the working tree may lag after a crash). */
export async function readLatestVersion(archiveDir: string, platform: string, document: string): Promise<VersionFile | undefined> {
  const file = archivePath(platform, document);
  if (!(await resolveRef(archiveDir, 'HEAD'))) return undefined;
  const out = await git(archiveDir, ['cat-file', '-p', `HEAD:${file}`]).catch(() => '');
  return out ? parseVersionFile(out, file) : undefined;
}

function identityFromEnv(): Identity {
  return {
    name: process.env.GIT_AUTHOR_NAME ?? 'Governance Archive',
    email: process.env.GIT_AUTHOR_EMAIL ?? 'archive@governance-archive.invalid',
  };
}

/**
 * Records versions into an archive repository, one commit per version touching exactly one file.
 * Objects are written first; then a single `git update-ref --stdin` transaction moves both the
 * archive branch and the evidence branch, each compared against the value we expect. A run
 * killed at any moment therefore leaves either no trace of a version or all of it (file, commit,
 * evidence); the working tree is written afterwards and repaired on the next run if needed.
 *
 * Only one writer may exist per archive: `open` takes the archive lock.
 */
export class ArchiveWriter {
  private readonly latestCache = new Map<string, VersionFile | undefined>();
  private readonly written = new Set<string>();

  readonly archiveDir: string;
  /** Working-tree files repaired when the writer opened (left by an interrupted run). */
  readonly repaired: string[];
  private readonly objects: ObjectWriter;
  private readonly tree: MutableTree;
  private head: string | undefined;
  private evidenceTip: string | undefined;
  private readonly release: () => Promise<void>;
  private readonly identity: Identity;

  private constructor(state: {
    archiveDir: string;
    objects: ObjectWriter;
    tree: MutableTree;
    head: string | undefined;
    evidenceTip: string | undefined;
    release: () => Promise<void>;
    identity: Identity;
    repaired: string[];
  }) {
    this.archiveDir = state.archiveDir;
    this.objects = state.objects;
    this.tree = state.tree;
    this.head = state.head;
    this.evidenceTip = state.evidenceTip;
    this.release = state.release;
    this.identity = state.identity;
    this.repaired = state.repaired;
  }

  static async open(archiveDir: string): Promise<ArchiveWriter> {
    const dir = path.resolve(archiveDir);
    const format = (await git(dir, ['rev-parse', '--show-object-format']).catch(() => 'sha1')).trim();
    if (format !== 'sha1') throw new RecordError(`${dir}: archives must use SHA-1 object ids (found ${format})`);
    const release = await lockArchive(dir);
    try {
      const repaired = await repairWorkingTree(dir);
      const head = await resolveRef(dir, 'HEAD');
      return new ArchiveWriter({
        archiveDir: dir,
        objects: new ObjectWriter(await gitDir(dir)),
        tree: await MutableTree.load(dir, head),
        head,
        evidenceTip: await resolveRef(dir, EVIDENCE_BRANCH),
        release,
        identity: identityFromEnv(),
        repaired,
      });
    } catch (error) {
      await release();
      throw error;
    }
  }

  /** The latest version of a document as of this writer's view of HEAD. */
  async latest(platform: string, document: string): Promise<VersionFile | undefined> {
    const key = `${platform}/${document}`;
    if (!this.latestCache.has(key)) {
      this.latestCache.set(key, this.head ? await readLatestVersion(this.archiveDir, platform, document) : undefined);
    }
    return this.latestCache.get(key);
  }

  async record(input: VersionToRecord): Promise<RecordResult> {
    // One spelling of the capture time everywhere (front matter, trailer, commit date): whole seconds, UTC.
    const version = { ...input, capturedAt: new Date(input.capturedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    const file = archivePath(version.platform, version.document);
    const archiveDocument = `${version.platform}/${version.document}`;
    const previous = await this.latest(version.platform, version.document);
    if (previous && previous.body === version.markdown) return { status: 'unchanged' };
    const textChange = classifyTextChange(previous?.body, version.markdown);
    const change: ChangeKind = version.change ?? (textChange === 'none' ? 'technical' : textChange);
    const summary =
      change === 'technical'
        ? 're-extracted from the recorded capture (no change in the document)'
        : summarizeChange(previous?.body, version.markdown, textChange, Math.max(MIN_SUMMARY_ROOM, Math.min(MAX_SUMMARY, summaryRoom(version.heading))));

    const stored = Array.isArray(version.evidence) ? undefined : version.evidence;
    const evidence = stored ?? (await writeEvidenceCommit(this.objects, this.identity, this.evidenceTip, archiveDocument, version.capturedAt, version.evidence as EvidenceItem[]));
    const fileVersion = { platform: version.platform, document: version.document, title: version.title, sourceUrls: version.sourceUrls, capturedAt: version.capturedAt, body: version.markdown };
    const content = formatVersionFile(fileVersion);
    const message = formatCommitMessage({
      heading: version.heading,
      summary,
      platform: version.platform,
      document: version.document,
      sourceUrls: version.sourceUrls,
      capturedAt: version.capturedAt,
      contentSha256: sha256(version.markdown),
      captureSha256: evidence.captureSha256,
      evidence: evidenceRef(evidence.commit),
      ...(version.importedFrom !== undefined ? { importedFrom: version.importedFrom } : {}),
      change,
      archiver: `${ARCHIVER_NAME}@${ARCHIVER_VERSION}`,
    });
    this.tree.setFile(file, await this.objects.write('blob', content));
    const treeSha = await this.tree.write(this.objects);
    const commit = await this.objects.write('commit', commitContent(treeSha, this.head ? [this.head] : [], this.identity, this.identity, version.capturedAt, message));
    await this.publish([...(stored ? [] : [[EVIDENCE_BRANCH, evidence.commit] as const]), ['HEAD', commit] as const], archiveDocument);
    this.latestCache.set(archiveDocument, { ...fileVersion, contentSha256: sha256(version.markdown) });
    await writeWorkingFile(this.archiveDir, file, content);
    this.written.add(file);
    return { status: 'recorded', commit, change, summary, evidence: evidenceRef(evidence.commit) };
  }

  /**
   * Stores a capture on the evidence branch without recording a version (a text held for
   * review keeps its proof until a person or later runs confirm it).
   */
  async storeEvidence(archiveDocument: string, capturedAt: string, items: EvidenceItem[]): Promise<StoredEvidence> {
    const at = new Date(capturedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const evidence = await writeEvidenceCommit(this.objects, this.identity, this.evidenceTip, archiveDocument, at, items);
    await this.publish([[EVIDENCE_BRANCH, evidence.commit]], archiveDocument);
    return evidence;
  }

  /**
   * Replaces files on the `ledger` branch (run state kept apart from the archive texts: failures,
   * held texts, verification checkpoints). Unchanged content writes nothing.
   */
  async writeState(files: Record<string, string>, message: string, at: string): Promise<boolean> {
    const parent = await resolveRef(this.archiveDir, STATE_BRANCH);
    const tree = await MutableTree.load(this.archiveDir, parent);
    for (const [name, content] of Object.entries(files)) tree.setFile(name, await this.objects.write('blob', content));
    const treeSha = await tree.write(this.objects);
    if (parent && (await git(this.archiveDir, ['rev-parse', `${parent}^{tree}`])).trim() === treeSha) return false;
    const commit = await this.objects.write('commit', commitContent(treeSha, parent ? [parent] : [], this.identity, this.identity, at, `${message}\n`));
    await this.publish([[STATE_BRANCH, commit]], 'run state', { [STATE_BRANCH]: parent });
    return true;
  }

  /** Moves refs in one transaction, each checked against the value this writer last saw. */
  private async publish(updates: ReadonlyArray<readonly [string, string]>, what: string, expected: Record<string, string | undefined> = {}): Promise<void> {
    const zero = '0'.repeat(40);
    const old = (ref: string) => (ref in expected ? expected[ref] : ref === 'HEAD' ? this.head : ref === EVIDENCE_BRANCH ? this.evidenceTip : undefined) ?? zero;
    try {
      await git(this.archiveDir, ['update-ref', '--stdin'], {
        input: ['start', ...updates.map(([ref, value]) => `update ${ref} ${value} ${old(ref)}`), 'prepare', 'commit', ''].join('\n'),
      });
    } catch (error) {
      throw new RecordError(`could not publish ${what}: a branch moved under us`, { cause: error });
    }
    for (const [ref, value] of updates) {
      if (ref === 'HEAD') this.head = value;
      if (ref === EVIDENCE_BRANCH) this.evidenceTip = value;
    }
  }

  /** Refreshes the index for the files written and releases the lock. */
  async close(): Promise<void> {
    try {
      if (this.written.size > 0) await git(this.archiveDir, ['update-index', '--add', '--', ...this.written]);
    } finally {
      await this.release();
    }
  }
}

/** Writes a file so that readers see the old or the new content, never a part. */
async function writeWorkingFile(archiveDir: string, file: string, content: string): Promise<void> {
  const target = path.join(archiveDir, file);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.tmp-${process.pid}`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  await rename(temporary, target);
}

/**
 * Brings the archive's working tree back in line with HEAD after a run that died between
 * publishing a commit and writing its file: restores archive files that differ from HEAD and
 * removes half-written temporary files. Returns the paths it repaired.
 */
export async function repairWorkingTree(archiveDir: string): Promise<string[]> {
  const repaired: string[] = [];
  const untracked = (await git(archiveDir, ['ls-files', '--others', '-z', '--', 'content/archive'])).split('\0').filter(Boolean);
  for (const file of untracked) {
    if (/\.tmp-\d+$/.test(file)) {
      await rm(path.join(archiveDir, file), { force: true });
      repaired.push(file);
    }
  }
  if (!(await resolveRef(archiveDir, 'HEAD'))) return repaired;
  const stale = (await git(archiveDir, ['diff', '--name-only', '-z', 'HEAD', '--', 'content/archive'])).split('\0').filter(Boolean);
  if (stale.length > 0) {
    await git(archiveDir, ['checkout', 'HEAD', '--', ...stale]);
    repaired.push(...stale);
  }
  return repaired;
}
