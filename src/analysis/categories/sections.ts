/**
 * Splits a Markdown version at its headings (ATX `#` and setext `===`/`---`), one section per heading.
 * This is only the evaluation's notion of a provision — a section under one heading — so that hand labels
 * can be re-read from the corpus by `version_file` + `heading`; the project's provision segmenter
 * (`src/analysis/provisions`) is the one the site uses.
 */
export interface HeadingSection {
  /** Heading text without Markdown markers; `''` for the text before the first heading. */
  heading: string;
  /** The section's body, without the heading line. */
  text: string;
}

const ATX = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)\s*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/** Heading text as a person reads it: no emphasis markers, links reduced to their text, one space. */
export function cleanHeading(raw: string): string {
  return raw
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]+/g, '')
    .replace(/\\(.)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export function splitAtHeadings(markdown: string): HeadingSection[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const sections: HeadingSection[] = [];
  let heading = '';
  let body: string[] = [];
  let inFence = false;
  const close = () => {
    const text = body.join('\n').trim();
    if (heading !== '' || text !== '') sections.push({ heading, text });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FENCE.test(line)) inFence = !inFence;
    if (inFence) {
      body.push(line);
      continue;
    }
    const atx = ATX.exec(line);
    const next = lines[i + 1] ?? '';
    const setext = line.trim() !== '' && !/^\s*([-*+]|\d+[.)])\s/.test(line) && SETEXT_UNDERLINE.test(next) && !SETEXT_UNDERLINE.test(line);
    if (atx || setext) {
      close();
      heading = cleanHeading(atx ? (atx[1] ?? '') : line);
      body = [];
      if (setext) i++;
      continue;
    }
    body.push(line);
  }
  close();
  return sections;
}
