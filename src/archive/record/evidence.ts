import { sha256 } from '../../history/version-file.ts';
import { commitContent, type Identity, type ObjectWriter } from '../../history/objects.ts';

export const EVIDENCE_BRANCH = 'refs/heads/evidence';

/** The raw bytes behind a version: one entry per fetched page (or the imported file). */
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

export function fileNameOf(item: Pick<EvidenceItem, 'mediaType'>, index: number): string {
  return `${index + 1}.${EXTENSIONS[item.mediaType] ?? 'bin'}`;
}

/**
 * Writes the commit of the orphan `evidence` branch that holds one capture: the raw files plus
 * `capture.json` describing them. Its parent is the previous evidence commit, so the branch is
 * an append-only log; the caller moves the branch together with the version's branch.
 */
export async function writeEvidenceCommit(
  objects: ObjectWriter,
  identity: Identity,
  parent: string | undefined,
  archiveDocument: string,
  capturedAt: string,
  items: readonly EvidenceItem[],
): Promise<{ commit: string; captureSha256: string[] }> {
  const captureSha256 = items.map((item) => sha256(item.bytes));
  const entries = [];
  for (const [index, item] of items.entries()) {
    entries.push({ mode: '100644' as const, name: fileNameOf(item, index), sha: await objects.write('blob', item.bytes) });
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
  entries.push({ mode: '100644' as const, name: 'capture.json', sha: await objects.write('blob', `${JSON.stringify(metadata, null, 2)}\n`) });
  const tree = await objects.writeTree(entries);
  const message = `${archiveDocument} captured at ${capturedAt}\n\nArchive-Document: ${archiveDocument}\nCaptured-At: ${capturedAt}\n${captureSha256.map((h) => `Capture-Sha256: ${h}`).join('\n')}\n`;
  const commit = await objects.write('commit', commitContent(tree, parent ? [parent] : [], identity, identity, capturedAt, message));
  return { commit, captureSha256 };
}
