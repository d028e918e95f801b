import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { git, resolveRef, commitDateEnv } from '../../history/git.ts';
import { formatCommitMessage, type ChangeKind } from '../../history/commit-format.ts';
import { archivePath, formatVersionFile, parseVersionFile, sha256, type VersionFile } from '../../history/version-file.ts';
import { classifyTextChange } from '../../analysis/change-kind.ts';
import { summarizeChange } from '../../analysis/change-summary.ts';
import { ARCHIVER_NAME, ARCHIVER_VERSION } from '../fetch/index.ts';
import { RecordError } from './errors.ts';
import { gitDir } from './lock.ts';
import { storeEvidence, type EvidenceItem } from './evidence.ts';

export { RecordError, ArchiveLockedError } from './errors.ts';
export { lockArchive } from './lock.ts';
export { storeEvidence, EVIDENCE_BRANCH, type EvidenceItem } from './evidence.ts';

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
  evidence: EvidenceItem[];
  /** Forces the change kind (re-extraction records `technical`). */
  change?: ChangeKind;
}

export type RecordResult =
  | { status: 'unchanged' }
  | { status: 'recorded'; commit: string; change: ChangeKind; summary: string; evidence: string };

/** The latest recorded version of a document, read from HEAD (the working tree may lag after a crash). */
export async function readLatestVersion(archiveDir: string, platform: string, document: string): Promise<VersionFile | undefined> {
  const file = archivePath(platform, document);
  const head = await resolveRef(archiveDir, 'HEAD');
  if (!head) return undefined;
  const out = await git(archiveDir, ['cat-file', '-p', `HEAD:${file}`], { okExitCodes: [128] }).catch(() => '');
  if (!out) return undefined;
  return parseVersionFile(out, file);
}

/** Creates an empty archive repository (for the demo, tests, imports) if `dir` is not one. */
export async function initArchive(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const inside = await git(dir, ['rev-parse', '--show-toplevel'], { okExitCodes: [128] }).catch(() => '');
  if (inside.trim() && path.resolve(inside.trim()) === path.resolve(dir)) return;
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
}

/**
 * Records a version as one commit touching exactly one file, unless the text equals the latest
 * version. The commit is built with plumbing on a private index and published by a single
 * compare-and-swap of the branch ref, so a run killed at any moment leaves either no new
 * version or a complete one; the working tree file is written afterwards and repaired by
 * `repairWorkingTree` if the run died in between.
 */
export async function recordVersion(archiveDir: string, input: VersionToRecord): Promise<RecordResult> {
  // One spelling of the capture time everywhere (front matter, trailer, commit date): whole seconds, UTC.
  const version = { ...input, capturedAt: new Date(input.capturedAt).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  const file = archivePath(version.platform, version.document);
  const previous = await readLatestVersion(archiveDir, version.platform, version.document);
  if (previous && previous.body === version.markdown) return { status: 'unchanged' };
  const textChange = classifyTextChange(previous?.body, version.markdown);
  const change: ChangeKind = version.change ?? (textChange === 'none' ? 'technical' : textChange);
  const summary =
    change === 'technical' ? 're-extracted from the recorded capture (no change in the document)' : summarizeChange(previous?.body, version.markdown, textChange);
  const archiveDocument = `${version.platform}/${version.document}`;

  const { evidence, captureSha256 } = await storeEvidence(archiveDir, archiveDocument, version.capturedAt, version.evidence);
  const content = formatVersionFile({
    platform: version.platform,
    document: version.document,
    title: version.title,
    sourceUrls: version.sourceUrls,
    capturedAt: version.capturedAt,
    body: version.markdown,
  });
  const message = formatCommitMessage({
    heading: version.heading,
    summary,
    platform: version.platform,
    document: version.document,
    sourceUrls: version.sourceUrls,
    capturedAt: version.capturedAt,
    contentSha256: sha256(version.markdown),
    captureSha256,
    evidence,
    change,
    archiver: `${ARCHIVER_NAME}@${ARCHIVER_VERSION}`,
  });

  const head = await resolveRef(archiveDir, 'HEAD');
  const blob = (await git(archiveDir, ['hash-object', '-w', '--stdin'], { input: content })).trim();
  const index = path.join(await gitDir(archiveDir), `governance-archive-index-${process.pid}`);
  let commit: string;
  try {
    const env = { GIT_INDEX_FILE: index };
    if (head) await git(archiveDir, ['read-tree', head], { env });
    else await git(archiveDir, ['read-tree', '--empty'], { env });
    await git(archiveDir, ['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env });
    const tree = (await git(archiveDir, ['write-tree'], { env })).trim();
    commit = (
      await git(archiveDir, ['commit-tree', tree, ...(head ? ['-p', head] : [])], { input: message, env: commitDateEnv(version.capturedAt) })
    ).trim();
  } finally {
    await rm(index, { force: true });
  }
  try {
    await git(archiveDir, ['update-ref', '-m', `record ${archiveDocument}`, 'HEAD', commit, head ?? '0'.repeat(40)]);
  } catch (error) {
    throw new RecordError(`could not publish the version of ${archiveDocument}: the branch moved under us`, { cause: error });
  }
  await writeWorkingFile(archiveDir, file, content);
  return { status: 'recorded', commit, change, summary, evidence };
}

/** Writes a file so that readers see the old or the new content, never a part. */
async function writeWorkingFile(archiveDir: string, file: string, content: string): Promise<void> {
  const target = path.join(archiveDir, file);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = `${target}.tmp-${process.pid}`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, target);
  await git(archiveDir, ['update-index', '--add', '--', file]);
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

export async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}
