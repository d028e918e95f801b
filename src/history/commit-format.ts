/**
 * The one module that writes and reads the archive's commit messages (DESIGN: archive contract).
 *
 *   <Platform name> <Document name>: <one-line change summary>
 *
 *   <optional body>
 *
 *   Archive-Document: <platform>/<document>
 *   Source-Url: <url>                (one per page, in declared order)
 *   Captured-At: <ISO 8601 UTC>
 *   Content-Sha256: <hex of the version's Markdown body>
 *   Capture-Sha256: <hex of the raw bytes>   (one per captured file, in order; an import has one)
 *   Evidence: evidence@<commit of the evidence branch holding the raw capture>
 *   Imported-From: <where an imported version was first recorded>   (imported versions only)
 *   Change: initial | substantive | editorial | technical
 *   Archiver: <name>@<version>
 */

export const CHANGE_KINDS = ['initial', 'substantive', 'editorial', 'technical'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface VersionCommit {
  /** "<Platform name> <Document name>", e.g. "Claude Privacy Policy". */
  heading: string;
  /** One line saying what changed. */
  summary: string;
  body?: string;
  platform: string;
  document: string;
  sourceUrls: string[];
  capturedAt: string;
  contentSha256: string;
  captureSha256: string[];
  evidence: string;
  /**
   * Set on versions brought in by the importer: where the version was first recorded — the
   * original archive's commit URL when it is known, else the imported file's path in the folder
   * imported (docs/decisions/0015). Its capture time and source are that archive's.
   */
  importedFrom?: string;
  change: ChangeKind;
  archiver: string;
}

export class CommitFormatError extends Error {
  override readonly name = 'CommitFormatError';
}

const TRAILER_ORDER = [
  'Archive-Document', 'Source-Url', 'Captured-At', 'Content-Sha256', 'Capture-Sha256', 'Evidence', 'Imported-From', 'Change', 'Archiver',
] as const;

const SUBJECT_LIMIT = 200;

/** Collapses anything that would break a one-line field: scraped headings can hold newlines. */
function oneLine(value: string): string {
  return value.replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

function headOf(heading: string): string {
  return `${oneLine(heading).replace(/: /g, ' - ')}: `;
}

/** Characters left for the summary in a subject line that starts with this heading. */
export function summaryRoom(heading: string): number {
  return SUBJECT_LIMIT - headOf(heading).length;
}

export function subjectOf(commit: Pick<VersionCommit, 'heading' | 'summary'>): string {
  const head = headOf(commit.heading);
  let summary = oneLine(commit.summary);
  if (head.length + summary.length > SUBJECT_LIMIT) summary = `${summary.slice(0, SUBJECT_LIMIT - head.length - 1).trimEnd()}…`;
  return head + summary;
}

export function formatCommitMessage(commit: VersionCommit): string {
  for (const [field, value] of [['platform', commit.platform], ['document', commit.document]] as const) {
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value)) throw new CommitFormatError(`${field} "${value}" is not a slug`);
  }
  if (commit.sourceUrls.length === 0) throw new CommitFormatError('a version needs at least one source URL');
  if (commit.captureSha256.length === 0) throw new CommitFormatError('a version needs the hash of its capture');
  if (Number.isNaN(Date.parse(commit.capturedAt))) throw new CommitFormatError(`Captured-At "${commit.capturedAt}" is not a date`);
  if (commit.importedFrom !== undefined && oneLine(commit.importedFrom) === '') throw new CommitFormatError('Imported-From is empty');
  for (const hash of [commit.contentSha256, ...commit.captureSha256]) {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new CommitFormatError(`"${hash}" is not a SHA-256`);
  }
  const trailers: Array<[string, string]> = [
    ['Archive-Document', `${commit.platform}/${commit.document}`],
    ...commit.sourceUrls.map((url): [string, string] => ['Source-Url', oneLine(url)]),
    ['Captured-At', oneLine(commit.capturedAt)],
    ['Content-Sha256', commit.contentSha256],
    ...commit.captureSha256.map((hash): [string, string] => ['Capture-Sha256', hash]),
    ['Evidence', oneLine(commit.evidence)],
    ...(commit.importedFrom !== undefined ? [['Imported-From', oneLine(commit.importedFrom)] as [string, string]] : []),
    ['Change', commit.change],
    ['Archiver', oneLine(commit.archiver)],
  ];
  const body = commit.body?.trim()
    // A body line that looks like a trailer would be read back as one.
    ? `${commit.body.trim().replace(/^([A-Za-z-]+):/gm, '$1 :')}\n\n`
    : '';
  return `${subjectOf(commit)}\n\n${body}${trailers.map(([key, value]) => `${key}: ${value}`).join('\n')}\n`;
}

/** Reads a message written by formatCommitMessage; returns undefined for commits that are not versions. */
export function parseCommitMessage(message: string): VersionCommit | undefined {
  const text = message.replace(/\r\n/g, '\n').trimEnd();
  const blocks = text.split(/\n{2,}/);
  const trailerBlock = blocks.at(-1) ?? '';
  const trailers = new Map<string, string[]>();
  for (const line of trailerBlock.split('\n')) {
    const match = /^([A-Za-z0-9-]+): (.*)$/.exec(line);
    if (!match) return undefined;
    const list = trailers.get(match[1]!) ?? [];
    list.push(match[2]!);
    trailers.set(match[1]!, list);
  }
  if (!trailers.has('Archive-Document')) return undefined;
  const one = (key: (typeof TRAILER_ORDER)[number]): string => {
    const values = trailers.get(key);
    if (!values || values.length !== 1) throw new CommitFormatError(`expected exactly one ${key} trailer, found ${values?.length ?? 0}`);
    return values[0]!;
  };
  const [platform, document, ...rest] = one('Archive-Document').split('/');
  if (!platform || !document || rest.length > 0) throw new CommitFormatError(`bad Archive-Document "${one('Archive-Document')}"`);
  const imported = trailers.get('Imported-From');
  if (imported && imported.length > 1) throw new CommitFormatError(`expected at most one Imported-From trailer, found ${imported.length}`);
  const change = one('Change');
  if (!(CHANGE_KINDS as readonly string[]).includes(change)) throw new CommitFormatError(`unknown Change "${change}"`);
  const subject = blocks[0] ?? '';
  const colon = subject.indexOf(': ');
  const bodyBlocks = blocks.slice(1, -1).join('\n\n').replace(/^([A-Za-z-]+) :/gm, '$1:');
  return {
    heading: colon >= 0 ? subject.slice(0, colon) : subject,
    summary: colon >= 0 ? subject.slice(colon + 2) : '',
    ...(bodyBlocks ? { body: bodyBlocks } : {}),
    platform,
    document,
    sourceUrls: trailers.get('Source-Url') ?? [],
    capturedAt: one('Captured-At'),
    contentSha256: one('Content-Sha256'),
    captureSha256: trailers.get('Capture-Sha256') ?? [],
    evidence: one('Evidence'),
    ...(imported ? { importedFrom: imported[0]! } : {}),
    change: change as ChangeKind,
    archiver: one('Archiver'),
  };
}

/** The Evidence trailer value for an evidence commit, and back. */
export function evidenceRef(commit: string): string {
  return `evidence@${commit}`;
}
export function evidenceCommitOf(value: string): string | undefined {
  return /^evidence@([0-9a-f]{40})$/.exec(value)?.[1];
}
