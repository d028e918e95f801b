import path from 'node:path';
import { verifyArchive, type Checkpoint } from '../src/history/verify.ts';
import { ArchiveWriter, readState } from '../src/archive/record/index.ts';
import { parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';

const usage = `npm run verify -- [--archive <dir>] [--checkpoint]

Recomputes every hash of the archive's history and evidence, offline, and fails on any mismatch:
text vs Content-Sha256, raw capture vs Capture-Sha256, a commit touching more than one document or
archive files without being a version, evidence missing from the evidence branch, or history
rewritten since the last checkpoint. --checkpoint records this verification on the ledger branch.
Exit status: 0 verified; 1 problems found.`;

const { values } = parseCli(usage, { archive: { type: 'string' }, checkpoint: { type: 'boolean' } });
const archiveDir = path.resolve(values.archive ?? REPOSITORY_ROOT);
const previous = await readState(archiveDir, 'verified.json');
const checkpoint = previous ? (JSON.parse(previous) as Checkpoint) : undefined;
const report = await verifyArchive(archiveDir, checkpoint);
console.log(`Verified ${archiveDir}`);
console.log(`  commits read            ${report.commits}`);
console.log(`  versions checked        ${report.versions} (${report.documents} documents)`);
console.log(`  evidence captures       ${report.evidenceCommits}`);
console.log(`  bytes hashed            ${report.bytesHashed}`);
console.log(`  checkpoint              ${report.checkpoint === 'none' ? 'none yet' : `${report.checkpoint} (${checkpoint!.head.slice(0, 12)}, ${checkpoint!.verifiedAt})`}`);
for (const problem of report.problems) console.log(`PROBLEM ${problem}`);
console.log(report.problems.length === 0 ? 'OK: every hash matches.' : `${report.problems.length} problem(s).`);
if (values.checkpoint && report.problems.length === 0 && report.head) {
  const writer = await ArchiveWriter.open(archiveDir);
  try {
    const at = new Date().toISOString();
    const next: Checkpoint = { head: report.head, evidence: report.evidence, verifiedAt: at };
    await writer.writeState({ 'verified.json': `${JSON.stringify(next, null, 2)}\n` }, `Verified ${report.versions} versions`, at);
  } finally {
    await writer.close();
  }
}
process.exitCode = report.problems.length === 0 ? 0 : 1;
