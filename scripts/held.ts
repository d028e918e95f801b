import path from 'node:path';
import { decideHeld, listHeld } from '../src/archive/review.ts';
import { parseCli, REPOSITORY_ROOT } from '../src/cli/args.ts';

const usage = `npm run held -- [list | approve <platform>/<document> | reject <platform>/<document>] [--archive <dir>]

Texts held back from the archive (a drastic shrink, a structural collapse, a flap back to a recent
text) until the same text is seen on several runs in a row or a person decides.`;
const { values, positionals } = parseCli(usage, { archive: { type: 'string' } }, true);
const archiveDir = path.resolve(values.archive ?? REPOSITORY_ROOT);
const [command = 'list', document] = positionals;
try {
  if (command === 'list') {
    const held = await listHeld(archiveDir);
    if (held.length === 0) console.log('Nothing is held.');
    for (const h of held) console.log(`${h.document}  ${h.reason}  seen ${h.sightings}× since ${h.firstSeen}\n  ${h.detail}`);
  } else if ((command === 'approve' || command === 'reject') && document) {
    console.log(await decideHeld(archiveDir, document, command));
  } else {
    console.error(usage);
    process.exitCode = 2;
  }
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
