import path from 'node:path';
import { ArchiveWriter, readState } from './record/index.ts';
import { formatHeld, parseHeld, type HeldText } from './held.ts';
import { loadSources } from './sources/index.ts';

/** Texts held for review (docs/decisions/0006), for a person to approve or reject. */
export async function listHeld(archiveDir: string): Promise<HeldText[]> {
  return Object.values(parseHeld(await readState(archiveDir, 'held.json')).held);
}

/**
 * Decides a held text. `approve` records it now, with the raw capture stored when it was first
 * seen; `reject` forgets it (if the platform keeps serving it, it will be held again).
 */
export async function decideHeld(archiveDir: string, document: string, decision: 'approve' | 'reject'): Promise<string> {
  const dir = path.resolve(archiveDir);
  const writer = await ArchiveWriter.open(dir);
  try {
    const state = parseHeld(await readState(dir, 'held.json'));
    const entry = state.held[document];
    if (!entry) throw new Error(`nothing is held for ${document}; held: ${Object.keys(state.held).join(', ') || 'none'}`);
    let outcome = `rejected the held text of ${document}`;
    if (decision === 'approve') {
      const [platform, type] = document.split('/') as [string, string];
      const { sources } = await loadSources(path.join(dir, 'content', 'platforms'), { platforms: [platform], documents: [type] });
      const source = sources[0];
      if (!source) throw new Error(`${document} is not declared in ${path.join(dir, 'content', 'platforms')}`);
      const result = await writer.record({
        platform,
        document: type,
        heading: `${source.platformName} ${source.documentName}`,
        title: source.title,
        sourceUrls: source.urls,
        capturedAt: entry.capturedAt,
        markdown: entry.markdown,
        evidence: entry.evidence,
      });
      outcome = result.status === 'recorded' ? `recorded the held text of ${document} as ${result.commit.slice(0, 12)} (${result.change})` : `${document}: the held text is already the latest version`;
    }
    delete state.held[document];
    await writer.writeState({ 'held.json': formatHeld(state) }, `${decision === 'approve' ? 'Approve' : 'Reject'} the held text of ${document}`, new Date().toISOString());
    return outcome;
  } finally {
    await writer.close();
  }
}
