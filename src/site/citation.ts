import type { Version } from './archive.ts';

/**
 * How to cite a version: the facts that identify it (permalink, commit, SHA-256 of the text,
 * capture time, source, evidence) and three ways to write them down.
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

export function citationOf(version: Version, options: { permalink: string; commitUrl: string | undefined; owner: string | undefined; title: string }): Citation {
  const file = `content/archive/${version.platform}/${version.document}.md`;
  const captured = new Date(version.capturedAt);
  const day = version.date;
  const author = options.owner ?? version.platformName;
  const plain =
    `${version.platformName}, “${options.title}” (${version.documentName}), version captured ${version.capturedAt} ` +
    `from ${version.sourceUrls.join(', ')}. ${ARCHIVE_NAME}, ${options.permalink} ` +
    `(commit ${version.commit}, file ${file}, SHA-256 ${version.contentSha256}).`;
  const key = `${version.platform}-${version.document}-${version.id}`.replace(/[^A-Za-z0-9-]/g, '');
  const bibtex = [
    `@misc{${key},`,
    `  author       = {{${bibtexField(author)}}},`,
    `  title        = {{${bibtexField(`${version.platformName} ${options.title}`)}}},`,
    `  year         = {${captured.getUTCFullYear()}},`,
    `  month        = {${['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'][captured.getUTCMonth()]}},`,
    `  howpublished = {${ARCHIVE_NAME}},`,
    `  url          = {\\url{${bibtexUrl(options.permalink)}}},`,
    `  urldate      = {${day}},`,
    `  note         = {${bibtexField(`${version.documentName}, version captured ${version.capturedAt} from ${version.sourceUrls.join(', ')}; commit ${version.commit}; SHA-256 ${version.contentSha256}`)}},`,
    '}',
  ].join('\n');
  const dateParts = [[captured.getUTCFullYear(), captured.getUTCMonth() + 1, captured.getUTCDate()]];
  const cslJson = JSON.stringify(
    [
      {
        id: key,
        type: 'webpage',
        title: `${version.platformName} ${options.title}`,
        author: [{ literal: author }],
        'container-title': ARCHIVE_NAME,
        genre: version.documentName,
        URL: options.permalink,
        issued: { 'date-parts': dateParts },
        accessed: { 'date-parts': dateParts },
        note: `Version captured ${version.capturedAt} from ${version.sourceUrls.join(', ')}; commit ${version.commit}; SHA-256 ${version.contentSha256}`,
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
    file,
    plain,
    bibtex,
    cslJson,
  };
}
