/**
 * PDF sources. The text is read with PDF.js through `unpdf`, chosen over `pdfjs-dist` itself:
 * unpdf ships PDF.js as one dependency-free ES module built to run without a worker or a DOM,
 * while pdfjs-dist pulls in a native canvas binary (@napi-rs/canvas, an optional dependency
 * that npm installs by default) that text extraction never uses, and needs its worker wired up
 * by hand in Node. Both give the same PDF.js text layer: runs of text with a transform matrix.
 */
import { getDocumentProxy } from 'unpdf';
import { ExtractError } from './errors.ts';
import { blocksOf, dropPageFurniture, linesOfPage, toMarkdown, type Line, type TextRun } from './pdf/layout.ts';

export interface PdfOptions {
  /** Where the PDF came from, named in errors. */
  url?: string;
}

/** PDF.js's text item, the part of it we read. */
interface TextItem {
  str: string;
  transform: number[];
  width: number;
}

/**
 * Extracts the text of a PDF as Markdown: lines rebuilt from positioned text, paragraphs from
 * vertical gaps, headings (up to three levels) from type sizes larger than the body's, numbered
 * clauses kept at the start of their paragraphs, words hyphenated across lines mended, running
 * headers, footers and page numbers dropped. The same bytes always give the same Markdown.
 *
 * Throws ExtractError: 'unsupported' for what is not a readable PDF or needs a password, 'empty'
 * for a PDF without a text layer (a scan, which would need OCR).
 */
export async function pdfToMarkdown(bytes: Uint8Array, options: PdfOptions = {}): Promise<string> {
  const url = options.url ?? 'the PDF';
  const pages = await readPages(bytes, url);
  const lines: Line[] = dropPageFurniture(pages).flat();
  const markdown = toMarkdown(blocksOf(lines));
  if (markdown.trim() === '') {
    throw new ExtractError(url, 'empty', 'the PDF has no text layer (a scanned document?); its text could only be read with OCR, which the archiver does not do');
  }
  return markdown;
}

async function readPages(bytes: Uint8Array, url: string): Promise<Line[][]> {
  let document;
  try {
    // A copy: PDF.js takes ownership of the buffer it is given, and the caller's bytes are the
    // capture, which is kept as evidence.
    document = await getDocumentProxy(new Uint8Array(bytes), {
      // Errors only: a malformed but readable PDF is common and its warnings are noise.
      verbosity: 0,
      disableFontFace: true,
      useSystemFonts: false,
      // Text needs no glyph outlines, so no standard font data. CJK text in non-embedded fonts
      // needs pdf.js's CMap files, which only pdfjs-dist ships (unpdf uses them when it is
      // installed; it is not): such a PDF fails below with an 'unsupported' error, not garbage.
    });
  } catch (error) {
    throw unreadable(url, error);
  }
  try {
    const pages: Line[][] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      pages.push(linesOfPage(runsOf(content.items.filter((item): item is TextItem & typeof item => 'str' in item)), number));
      page.cleanup();
    }
    return pages;
  } catch (error) {
    throw unreadable(url, error);
  } finally {
    await document.loadingTask.destroy();
  }
}

/**
 * Text runs in reading orientation. Text set at an angle that is not a multiple of 90° (a
 * "DRAFT" watermark) is left out; of the rest, the orientation carrying most characters is the
 * page's, and its runs are turned upright (a landscape page stored rotated reads normally).
 */
export function runsOf(items: readonly TextItem[]): TextRun[] {
  const oriented = items.flatMap((item) => {
    const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = item.transform;
    const angle = (Math.round((Math.atan2(b, a) * 180) / Math.PI) + 360) % 360;
    const quarter = Math.round(angle / 90) % 4;
    if (Math.abs(angle - quarter * 90) > 2 && Math.abs(angle - 360) > 2) return [];
    return [{ item, quarter, size: Math.hypot(c, d), e, f }];
  });
  const weight = [0, 0, 0, 0];
  for (const run of oriented) weight[run.quarter]! += run.item.str.length;
  const upright = weight.indexOf(Math.max(...weight));
  return oriented
    .filter((run) => run.quarter === upright)
    .map(({ item, size, e, f }) => {
      // Rotate the page so that this orientation's baselines run left to right.
      const [x, y] = [
        [e, f],
        [f, -e],
        [-e, -f],
        [-f, e],
      ][upright]!;
      return { text: item.str, x: x!, y: y!, width: item.width, size };
    });
}

function unreadable(url: string, error: unknown): ExtractError {
  const name = (error as { name?: string })?.name;
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'PasswordException') {
    return new ExtractError(url, 'unsupported', 'the PDF is encrypted and needs a password to open; it cannot be archived', { cause: error });
  }
  if (name === 'InvalidPDFException') {
    return new ExtractError(url, 'unsupported', `not a readable PDF (${message})`, { cause: error });
  }
  return new ExtractError(url, 'unsupported', `the PDF could not be read: ${message}`, { cause: error });
}
