import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { SourcesError } from './errors.ts';
import { DOCUMENT_TYPES, SLUG, platformSourceSchema, type DocumentType, type PlatformSource, type Source } from './schema.ts';

export { SourcesError } from './errors.ts';
export * from './schema.ts';

export interface SourceFilter {
  platforms?: string[];
  documents?: string[];
}

export interface LoadedSources {
  platforms: Map<string, PlatformSource>;
  sources: Source[];
}

/** Formats zod issues as `field.path: message`, the way a person editing the YAML reads them. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    const hint = where === 'documents' && /unrecognized key/i.test(issue.message) ? ` (document types are: ${Object.keys(DOCUMENT_TYPES).join(', ')})` : '';
    return `${where}: ${issue.message}${hint}`;
  });
}

/** Parses one platform declaration; `file` is only used to name it in errors. */
export function parsePlatformSource(file: string, text: string): PlatformSource {
  const slug = path.basename(file).replace(/\.ya?ml$/, '');
  if (!SLUG.test(slug)) {
    throw new SourcesError(file, [`file name must be a platform slug (a-z, 0-9, single hyphens), got "${slug}"`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new SourcesError(file, [`not valid YAML: ${detail}`], { cause: error });
  }
  const parsed = platformSourceSchema.safeParse(raw);
  if (!parsed.success) throw new SourcesError(file, describeIssues(parsed.error), { cause: parsed.error });
  return parsed.data;
}

/** Flattens a platform declaration into one Source per document. */
export function sourcesOf(slug: string, platform: PlatformSource): Source[] {
  return Object.entries(platform.documents).map(([type, declared]) => {
    const document = type as DocumentType;
    return {
      platform: slug,
      platformName: platform.name,
      document,
      documentName: DOCUMENT_TYPES[document],
      title: declared.title ?? DOCUMENT_TYPES[document],
      urls: declared.url,
      select: declared.select ?? [],
      remove: declared.remove,
      filters: declared.filters,
      browser: declared.browser,
      language: declared.language ?? platform.language,
    };
  });
}

/**
 * Reads every `<platform>.yaml` in `dir`. All files are checked before failing, so one run
 * reports every broken declaration at once.
 */
export async function loadSources(dir: string, filter: SourceFilter = {}): Promise<LoadedSources> {
  const names = (await readdir(dir)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const platforms = new Map<string, PlatformSource>();
  const errors: SourcesError[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      platforms.set(name.replace(/\.ya?ml$/, ''), parsePlatformSource(file, await readFile(file, 'utf8')));
    } catch (error) {
      if (error instanceof SourcesError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new SourcesError(dir, errors.map((e) => e.message), { cause: new AggregateError(errors) });
  }
  for (const wanted of filter.platforms ?? []) {
    if (!platforms.has(wanted)) throw new SourcesError(dir, [`no platform "${wanted}" is declared`]);
  }
  const sources = [...platforms]
    .filter(([slug]) => !filter.platforms?.length || filter.platforms.includes(slug))
    .flatMap(([slug, platform]) => sourcesOf(slug, platform))
    .filter((source) => !filter.documents?.length || filter.documents.includes(source.document));
  return { platforms, sources };
}
