import type { Version } from './archive.ts';

/**
 * How to cite a version, or one provision as a version words it: the facts that identify it
 * (permalink, commit, SHA-256 of the text, capture time, source, evidence) and three ways to write
 * them down. A provision's permalink is its version's with its anchor (`#provision-<id>`).
 */

export const ARCHIVE_NAME = 'Governance Archive';

export interface Citation {
  permalink: string;
  commit: string;
  /** The commit's page on the forge, when one is configured. */
  commitUrl: string | undefined;
  contentSha256: string;
  capturedAt: string;
  sourceUrls: string[];
  evidence: string;
  /** Where an imported version was first recorded. */
  importedFrom: string | undefined;
  /** `content/archive/<platform>/<document>.md`, the file that holds the text at the commit. */
  file: string;
  plain: string;
  bibtex: string;
  cslJson: string;
}

/** Escapes the characters that BibTeX treats specially inside a braced field. */
function bibtexField(value: string): string {
  return value.replace(/\\/g, '\\textbackslash{}').replace(/([{}%&$#_])/g, '\\$1').replace(/~/g, '\\textasciitilde{}').replace(/\^/g, '\\textasciicircum{}');
}

/** BibTeX's \url{} keeps URLs verbatim except for unbalanced braces and %. */
function bibtexUrl(value: string): string {
  return value.replace(/([{}%#])/g, '\\$1');
}

export interface CitationOptions {
  permalink: string;
  commitUrl: string | undefined;
  owner: string | undefined;
  title: string;
  /** The provision cited, when it is one provision of the version rather than the whole text. */
  provision?: { id: string; label: string };
}

export function citationOf(version: Version, options: CitationOptions): Citation {
  const file = `content/archive/${version.platform}/${version.document}.md`;
  const capturedDate = new Date(version.capturedAt);
  const day = version.date;
  const author = options.owner ?? version.platformName;
  const provision = options.provision;
  // An imported version was captured by the archive it comes from: the citation says so.
  const captured = `version captured ${version.capturedAt} from ${version.sourceUrls.join(', ')}${version.importedFrom ? ` (imported from ${version.importedFrom})` : ''}`;
  const plain =
    `${version.platformName}, “${options.title}” (${version.documentName})${provision ? `, provision “${provision.label}”` : ''}, ` +
    `${captured}. ${ARCHIVE_NAME}, ${options.permalink} ` +
    `(commit ${version.commit}, file ${file}, SHA-256 ${version.contentSha256}).`;
  const key = `${version.platform}-${version.document}-${version.id}${provision ? `-${provision.id}` : ''}`.replace(/[^A-Za-z0-9-]/g, '');
  const title = `${version.platformName} ${options.title}${provision ? `: ${provision.label}` : ''}`;
  const bibtex = [
    `@misc{${key},`,
    `  author       = {{${bibtexField(author)}}},`,
    `  title        = {{${bibtexField(title)}}},`,
    `  year         = {${capturedDate.getUTCFullYear()}},`,
    `  month        = {${['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'][capturedDate.getUTCMonth()]}},`,
    `  howpublished = {${ARCHIVE_NAME}},`,
    `  url          = {\\url{${bibtexUrl(options.permalink)}}},`,
    `  urldate      = {${day}},`,
    `  note         = {${bibtexField(`${version.documentName}${provision ? `, provision ${provision.id}` : ''}, ${captured}; commit ${version.commit}; SHA-256 ${version.contentSha256}`)}},`,
    '}',
  ].join('\n');
  const dateParts = [[capturedDate.getUTCFullYear(), capturedDate.getUTCMonth() + 1, capturedDate.getUTCDate()]];
  const cslJson = JSON.stringify(
    [
      {
        id: key,
        type: 'webpage',
        title,
        author: [{ literal: author }],
        'container-title': ARCHIVE_NAME,
        genre: version.documentName,
        URL: options.permalink,
        issued: { 'date-parts': dateParts },
        accessed: { 'date-parts': dateParts },
        note: `${provision ? `Provision ${provision.id} of the ${captured}` : `V${captured.slice('v'.length)}`}; commit ${version.commit}; SHA-256 ${version.contentSha256}`,
      },
    ],
    null,
    2,
  );
  return {
    permalink: options.permalink,
    commit: version.commit,
    commitUrl: options.commitUrl,
    contentSha256: version.contentSha256,
    capturedAt: version.capturedAt,
    sourceUrls: version.sourceUrls,
    evidence: version.evidence,
    importedFrom: version.importedFrom,
    file,
    plain,
    bibtex,
    cslJson,
  };
}
