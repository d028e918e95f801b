import { formatPatch, type StructuredPatchHunk } from 'diff';
import { diffSequences } from '../analysis/sequence-diff.ts';

/**
 * The unified diff of two texts, as `createTwoFilesPatch(name, name, before, after, undefined,
 * undefined, { context })` of the `diff` package writes it, character for character (tests
 * compare the two): lines compared by the faster sequence diff (src/analysis/sequence-diff.ts),
 * grouped into hunks by the same rules, written by the package's own `formatPatch`.
 */
export function unifiedPatch(fileName: string, before: string, after: string, context = 3): string {
  const parts = diffSequences(lineTokens(before), lineTokens(after));
  const hunks: StructuredPatchHunk[] = [];
  let hunk: StructuredPatchHunk | undefined;
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i <= parts.length; i++) {
    // After the last part, an empty unchanged one closes the open hunk.
    const part = parts[i] ?? { value: [], added: false, removed: false };
    const lines = part.value;
    if (part.added || part.removed) {
      if (!hunk) {
        // The hunk opens with up to `context` lines of the unchanged run before it.
        const lead = i > 0 && context > 0 ? parts[i - 1]!.value.slice(-context) : [];
        hunk = { oldStart: oldLine - lead.length, oldLines: 0, newStart: newLine - lead.length, newLines: 0, lines: lead.map((line) => ` ${line}`) };
      }
      for (const line of lines) hunk.lines.push(`${part.added ? '+' : '-'}${line}`);
      if (part.added) newLine += lines.length;
      else oldLine += lines.length;
      continue;
    }
    if (hunk) {
      if (lines.length <= context * 2 && i < parts.length - 1) {
        // A short unchanged run between two changes stays inside the hunk.
        for (const line of lines) hunk.lines.push(` ${line}`);
      } else {
        const tail = Math.min(lines.length, context);
        for (const line of lines.slice(0, tail)) hunk.lines.push(` ${line}`);
        hunk.oldLines = oldLine - hunk.oldStart + tail;
        hunk.newLines = newLine - hunk.newStart + tail;
        hunks.push(hunk);
        hunk = undefined;
      }
    }
    oldLine += lines.length;
    newLine += lines.length;
  }
  // Lines lose their line break; a last line without one is followed by the usual marker.
  for (const h of hunks) {
    const out: string[] = [];
    for (const line of h.lines) {
      if (line.endsWith('\n')) out.push(line.slice(0, -1));
      else out.push(line, '\\ No newline at end of file');
    }
    h.lines = out;
  }
  return formatPatch({ oldFileName: fileName, newFileName: fileName, oldHeader: undefined, newHeader: undefined, hunks });
}

/** A text's lines as `diffLines` cuts them: each with its line break (`\n` or `\r\n`), the last one without when the text has none. */
function lineTokens(text: string): string[] {
  const pieces = text.split(/(\n|\r\n)/);
  if (!pieces.at(-1)) pieces.pop();
  const lines: string[] = [];
  for (let i = 0; i < pieces.length; i++) {
    if (i % 2 === 1) lines[lines.length - 1] += pieces[i]!;
    else lines.push(pieces[i]!);
  }
  return lines.filter((line) => line !== '');
}
