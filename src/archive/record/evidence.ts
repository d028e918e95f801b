import { git, resolveRef, commitDateEnv } from '../../history/git.ts';
import { evidenceRef } from '../../history/commit-format.ts';
import { sha256 } from '../../history/version-file.ts';

export const EVIDENCE_BRANCH = 'refs/heads/evidence';

/** The raw bytes behind a version: one entry per fetched page (or imported file). */
export interface EvidenceItem {
  url: string;
  finalUrl?: string;
  status?: number;
  mediaType: string;
  fetchedAt: string;
  bytes: Buffer;
}

const EXTENSIONS: Record<string, string> = {
  'text/html': 'html',
  'application/xhtml+xml': 'xhtml',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

export function fileNameOf(item: EvidenceItem, index: number): string {
  return `${index + 1}.${EXTENSIONS[item.mediaType] ?? 'bin'}`;
}

/**
 * Appends one commit to the orphan `evidence` branch holding the raw capture, written with git
 * plumbing so no checkout is needed. Returns the value of the version's `Evidence:` trailer.
 */
export async function storeEvidence(
  archiveDir: string,
  archiveDocument: string,
  capturedAt: string,
  items: readonly EvidenceItem[],
): Promise<{ evidence: string; captureSha256: string[] }> {
  const entries: string[] = [];
  const captureSha256 = items.map((item) => sha256(item.bytes));
  for (const [index, item] of items.entries()) {
    const blob = (await git(archiveDir, ['hash-object', '-w', '--stdin'], { input: item.bytes })).trim();
    entries.push(`100644 blob ${blob}\t${fileNameOf(item, index)}`);
  }
  const metadata = {
    document: archiveDocument,
    captured_at: capturedAt,
    pages: items.map((item, index) => ({
      file: fileNameOf(item, index),
      url: item.url,
      final_url: item.finalUrl ?? item.url,
      status: item.status ?? null,
      media_type: item.mediaType,
      fetched_at: item.fetchedAt,
      sha256: captureSha256[index],
    })),
  };
  const metaBlob = (await git(archiveDir, ['hash-object', '-w', '--stdin'], { input: `${JSON.stringify(metadata, null, 2)}\n` })).trim();
  entries.push(`100644 blob ${metaBlob}\tcapture.json`);
  const tree = (await git(archiveDir, ['mktree'], { input: `${entries.join('\n')}\n` })).trim();
  const parent = await resolveRef(archiveDir, EVIDENCE_BRANCH);
  const message = `${archiveDocument} captured at ${capturedAt}\n\nArchive-Document: ${archiveDocument}\nCaptured-At: ${capturedAt}\n${captureSha256.map((h) => `Capture-Sha256: ${h}`).join('\n')}\n`;
  const commit = (
    await git(archiveDir, ['commit-tree', tree, ...(parent ? ['-p', parent] : [])], { input: message, env: commitDateEnv(capturedAt) })
  ).trim();
  await git(archiveDir, ['update-ref', EVIDENCE_BRANCH, commit, parent ?? '0'.repeat(40)]);
  return { evidence: evidenceRef(commit), captureSha256 };
}
