import { createHash } from 'node:crypto';

/**
 * The file `content/archive/<platform>/<document>.md`: YAML front matter describing the version,
 * then its Markdown body. Nothing in the front matter changes unless the text does, so a commit
 * that touches this file is always a new version.
 */
export interface VersionFile {
  platform: string;
  document: string;
  title: string;
  sourceUrls: string[];
  capturedAt: string;
  contentSha256: string;
  body: string;
}

export class VersionFileError extends Error {
  override readonly name = 'VersionFileError';
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function archivePath(platform: string, document: string): string {
  return `content/archive/${platform}/${document}.md`;
}

/** JSON strings are valid YAML scalars and need no judgement about quoting. */
const scalar = (value: string) => JSON.stringify(value);

export function formatVersionFile(version: Omit<VersionFile, 'contentSha256'>): string {
  const urls = version.sourceUrls.length === 1 ? scalar(version.sourceUrls[0]!) : `[${version.sourceUrls.map(scalar).join(', ')}]`;
  return [
    '---',
    `platform: ${version.platform}`,
    `document: ${version.document}`,
    `title: ${scalar(version.title)}`,
    `source_url: ${urls}`,
    `captured_at: ${scalar(version.capturedAt)}`,
    `content_sha256: ${sha256(version.body)}`,
    '---',
    '',
    version.body,
  ].join('\n');
}

export function parseVersionFile(text: string, where = 'version file'): VersionFile {
  const match = /^---\n([\s\S]*?)\n---\n\n?/.exec(text);
  if (!match) throw new VersionFileError(`${where}: no front matter`);
  const fields = new Map<string, string>();
  for (const line of match[1]!.split('\n')) {
    const field = /^([a-z_0-9]+): (.*)$/.exec(line);
    if (!field) throw new VersionFileError(`${where}: unreadable front matter line "${line}"`);
    fields.set(field[1]!, field[2]!);
  }
  const get = (name: string) => {
    const value = fields.get(name);
    if (value === undefined) throw new VersionFileError(`${where}: front matter has no ${name}`);
    return value;
  };
  const json = (name: string): unknown => {
    try {
      return JSON.parse(get(name));
    } catch (error) {
      throw new VersionFileError(`${where}: front matter field ${name} is not a quoted value`, { cause: error });
    }
  };
  const urls = json('source_url');
  return {
    platform: get('platform'),
    document: get('document'),
    title: String(json('title')),
    sourceUrls: Array.isArray(urls) ? urls.map(String) : [String(urls)],
    capturedAt: String(json('captured_at')),
    contentSha256: get('content_sha256'),
    body: text.slice(match[0].length),
  };
}
