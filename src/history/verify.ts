import { git, resolveRef } from './git.ts';
import { readHistory } from './log.ts';
import { CatFile } from './cat-file.ts';
import { evidenceCommitOf } from './commit-format.ts';
import { archivePath, parseVersionFile, sha256 } from './version-file.ts';

export interface Checkpoint {
  /** HEAD and evidence tip as last verified; both must stay ancestors of what is there now. */
  head: string;
  evidence: string | undefined;
  verifiedAt: string;
}

export interface VerifyReport {
  commits: number;
  versions: number;
  evidenceCommits: number;
  bytesHashed: number;
  documents: number;
  problems: string[];
  checkpoint: 'none' | 'kept' | 'broken';
  head: string | undefined;
  evidence: string | undefined;
}

const EVIDENCE = 'refs/heads/evidence';

async function isAncestor(dir: string, ancestor: string, descendant: string): Promise<boolean> {
  return git(dir, ['merge-base', '--is-ancestor', ancestor, descendant]).then(() => true, () => false);
}

/**
 * Walks the archive's history and evidence offline and recomputes every hash: each version's
 * body against `Content-Sha256` and its front matter, each raw capture against `Capture-Sha256`,
 * each version commit touching exactly its own file, no commit changing archive files without
 * being a version, the evidence of every version reachable from the evidence branch, and (with a
 * checkpoint) that history since the last verification was only appended to.
 */
export async function verifyArchive(archiveDir: string, checkpoint?: Checkpoint): Promise<VerifyReport> {
  const head = await resolveRef(archiveDir, 'HEAD');
  const evidenceTip = await resolveRef(archiveDir, EVIDENCE);
  const report: VerifyReport = { commits: 0, versions: 0, evidenceCommits: 0, bytesHashed: 0, documents: 0, problems: [], checkpoint: 'none', head, evidence: evidenceTip };
  if (!head) return report;
  const shallow = (await git(archiveDir, ['rev-parse', '--is-shallow-repository'])).trim() === 'true';
  if (shallow) report.problems.push('the repository is a shallow clone: older versions cannot be checked (fetch with --unshallow)');
  const history = await readHistory(archiveDir, 'HEAD');
  const cat = new CatFile(archiveDir);
  const reachableEvidence = new Set(evidenceTip ? (await git(archiveDir, ['rev-list', evidenceTip])).split('\n').filter(Boolean) : []);
  const seenEvidence = new Set<string>();
  const documents = new Set<string>();
  const problem = (commit: string, message: string) => report.problems.push(`${commit.slice(0, 12)}: ${message}`);
  try {
    for (const entry of history) {
      report.commits++;
      const archiveFiles = entry.files.filter((f) => f.startsWith('content/archive/'));
      const v = entry.version;
      if (!v) {
        if (archiveFiles.length > 0) problem(entry.commit, `changes ${archiveFiles.join(', ')} without being a recorded version`);
        continue;
      }
      report.versions++;
      const file = archivePath(v.platform, v.document);
      documents.add(file);
      if (entry.files.length !== 1 || entry.files[0] !== file) problem(entry.commit, `a version of ${v.platform}/${v.document} must touch exactly ${file}, touches ${entry.files.join(', ') || 'nothing'}`);
      const text = await cat.text(`${entry.commit}:${file}`);
      if (text === undefined) {
        problem(entry.commit, `${file} is missing`);
        continue;
      }
      let parsed;
      try {
        parsed = parseVersionFile(text, file);
      } catch (error) {
        problem(entry.commit, (error as Error).message);
        continue;
      }
      const bodyHash = sha256(parsed.body);
      report.bytesHashed += Buffer.byteLength(parsed.body);
      if (bodyHash !== v.contentSha256) problem(entry.commit, `${file}: text hashes to ${bodyHash}, Content-Sha256 says ${v.contentSha256}`);
      if (parsed.contentSha256 !== v.contentSha256) problem(entry.commit, `${file}: front matter content_sha256 differs from Content-Sha256`);
      if (parsed.platform !== v.platform || parsed.document !== v.document) problem(entry.commit, `${file}: front matter names ${parsed.platform}/${parsed.document}`);
      if (parsed.capturedAt !== v.capturedAt) problem(entry.commit, `${file}: front matter captured_at ${parsed.capturedAt} differs from Captured-At ${v.capturedAt}`);
      if (entry.date !== v.capturedAt) problem(entry.commit, `commit date ${entry.date} differs from Captured-At ${v.capturedAt}`);
      const evidence = evidenceCommitOf(v.evidence);
      if (!evidence) {
        problem(entry.commit, `Evidence "${v.evidence}" does not name an evidence commit`);
        continue;
      }
      if (!reachableEvidence.has(evidence)) problem(entry.commit, `evidence ${evidence.slice(0, 12)} is not on the evidence branch (missing or rewritten)`);
      if (seenEvidence.has(evidence) && v.change !== 'technical') problem(entry.commit, `evidence ${evidence.slice(0, 12)} is already the proof of another version`);
      seenEvidence.add(evidence);
      const meta = await cat.text(`${evidence}:capture.json`);
      if (meta === undefined) {
        problem(entry.commit, `evidence ${evidence.slice(0, 12)} has no capture.json`);
        continue;
      }
      report.evidenceCommits++;
      const pages = (JSON.parse(meta) as { pages: Array<{ file: string }> }).pages;
      if (pages.length !== v.captureSha256.length) problem(entry.commit, `evidence holds ${pages.length} files, Capture-Sha256 lists ${v.captureSha256.length}`);
      for (const [index, page] of pages.entries()) {
        const bytes = await cat.read(`${evidence}:${page.file}`);
        if (!bytes) {
          problem(entry.commit, `evidence file ${page.file} is missing`);
          continue;
        }
        report.bytesHashed += bytes.length;
        const hash = sha256(bytes);
        if (hash !== v.captureSha256[index]) problem(entry.commit, `evidence ${page.file} hashes to ${hash}, Capture-Sha256 says ${v.captureSha256[index]}`);
      }
    }
  } finally {
    await cat.close();
  }
  report.documents = documents.size;
  if (checkpoint) {
    const headKept = await isAncestor(archiveDir, checkpoint.head, head);
    const evidenceKept = !checkpoint.evidence || (evidenceTip !== undefined && (await isAncestor(archiveDir, checkpoint.evidence, evidenceTip)));
    report.checkpoint = headKept && evidenceKept ? 'kept' : 'broken';
    if (!headKept) report.problems.push(`history was rewritten: ${checkpoint.head.slice(0, 12)}, verified on ${checkpoint.verifiedAt}, is no longer an ancestor of HEAD`);
    if (!evidenceKept) report.problems.push(`the evidence branch was rewritten: ${checkpoint.evidence!.slice(0, 12)}, verified on ${checkpoint.verifiedAt}, is no longer on it`);
  }
  return report;
}
