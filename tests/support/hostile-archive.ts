import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initArchive } from '../../src/archive/record/index.ts';
import { formatCommitMessage, type ChangeKind } from '../../src/history/commit-format.ts';
import { commitDateEnv, git } from '../../src/history/git.ts';
import { archivePath, formatVersionFile, sha256 } from '../../src/history/version-file.ts';

/**
 * An archive whose texts, summaries, titles and source URLs carry script tags, event handlers,
 * dangerous link protocols and broken markup — what a scraped page can hold. Its first versions
 * say they were imported (one from a hostile "origin"), the third is a technical re-extraction of
 * an imported one (timelines fold it away, feeds leave it out), the fourth is the archive's own
 * first capture after them.
 */

export const HOSTILE_TEXT = `# Terms <script>alert(1)</script>

Welcome <script>alert("inline")</script> to the service.
<img src=x onerror=alert(1)>
An [innocent link](javascript:alert(1)) and [another](  JaVaScRiPt:alert(2)) and [a third](java&#x09;script:alert(3)).
A [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) and a [vb link](vbscript:msgbox(1)).
![tracking pixel](https://tracker.example/pixel.gif) ![bad image](javascript:alert(4))
[![linked badge](https://tracker.example/badge.png)](https://hostile.example/representative)
Call [+33 1 23 45 67 89](tel:+33123456789).
See [the section below](#A-Heading-Two-Levels-Down) and [a place the page marked](#GUID-45AD78C8__SECTION_C3B6).

<div onclick="alert(5)" style="position:fixed">fake overlay</div>
<iframe src="https://evil.example/"></iframe>
<a href="javascript:alert(6)">raw html link</a>

## Section <b onmouseover=alert(7)>bold</b>

Broken **markup [unclosed](http://x <em>and *more

- an item

  \t
  (1) a line after a blank line that is not empty
[ref link][r]

[r]: javascript:alert(8)

| a | <script>alert(9)</script> |
|---|---|
| <svg onload=alert(10)> | ok |

|  |  |
|---|---|
| a table with | no header |

| Right | | How |
|---|---|---|
| access | | ask |

#### A heading two levels down
`;

export const HOSTILE_TEXT_2 = `${HOSTILE_TEXT.replace('Welcome', 'Hello')}
## Added <img src=y onerror=alert(11)>

New <script>alert(12)</script> clause.
`;

export const HOSTILE_SUMMARY = 'Reworded: <script>alert(13)</script> & "quotes" <img src=z onerror=alert(14)>';

/** Where the first three versions say they were imported from: a web address, then a hostile one (twice). */
export const HOSTILE_ORIGINS = ['https://github.com/hostile/versions/commit/0123456789abcdef0123456789abcdef01234567', 'javascript:alert(17) <script>alert(18)</script>'];

async function record(dir: string, index: number, body: string, change: ChangeKind, summary: string, importedFrom?: string): Promise<string> {
  const capturedAt = `2026-0${index}-10T09:17:00Z`;
  const file = archivePath('hostile', 'terms-of-service');
  await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
  await writeFile(path.join(dir, file), formatVersionFile({ platform: 'hostile', document: 'terms-of-service', title: 'Terms <b>of</b> Service', sourceUrls: ['https://hostile.example/terms', 'javascript:alert(15)'], capturedAt, body }));
  await git(dir, ['add', file]);
  const message = formatCommitMessage({
    heading: 'Hostile Terms of Service',
    summary,
    platform: 'hostile',
    document: 'terms-of-service',
    sourceUrls: ['https://hostile.example/terms', 'javascript:alert(15)'],
    capturedAt,
    contentSha256: sha256(body),
    captureSha256: [sha256(`capture ${index}`)],
    evidence: `evidence@${'0'.repeat(39)}${index}`,
    ...(importedFrom ? { importedFrom } : {}),
    change,
    archiver: 'test@0',
  });
  await git(dir, ['commit', '--quiet', '-F', '-'], { input: message, env: commitDateEnv(capturedAt) });
  return `${capturedAt.slice(0, 10)}-${sha256(body).slice(0, 8)}`;
}

/** Creates the hostile archive in `archiveDir`; returns the ids of its four versions, oldest first. */
export async function createHostileArchive(archiveDir: string): Promise<string[]> {
  await initArchive(archiveDir);
  await mkdir(path.join(archiveDir, 'content', 'platforms'), { recursive: true });
  await writeFile(
    path.join(archiveDir, 'content', 'platforms', 'hostile.yaml'),
    'name: Hostile <script>alert(16)</script>\nwebsite: https://hostile.example/\nowner: Hostile "Corp" <b>Ltd</b>\njurisdiction: FR\nkind: social\ndocuments:\n  terms-of-service:\n    url: https://hostile.example/terms\n',
  );
  await git(archiveDir, ['add', 'content/platforms']);
  await git(archiveDir, ['commit', '--quiet', '-m', 'Declare a hostile platform'], { env: commitDateEnv('2026-01-01T00:00:00Z') });
  return [
    await record(archiveDir, 1, HOSTILE_TEXT, 'initial', 'first recorded version', HOSTILE_ORIGINS[0]),
    await record(archiveDir, 2, HOSTILE_TEXT_2, 'substantive', HOSTILE_SUMMARY, HOSTILE_ORIGINS[1]),
    // Re-extracted from the imported file: still imported.
    await record(archiveDir, 3, `${HOSTILE_TEXT_2}\n`.replace('Hello', 'Hello,'), 'technical', 're-extracted with a better extractor', HOSTILE_ORIGINS[1]),
    // The archive's own first capture after the imported history.
    await record(archiveDir, 4, `${HOSTILE_TEXT_2}\n`.replace('Hello', 'Hello,').replace('New <script>', 'Newer <script>'), 'substantive', 'Reworded: Added.'),
  ];
}
