import { decodeBody } from '../fetch/charset.ts';
import { extractPage, type ExtractRules } from './index.ts';

/** One captured file of a document, as fetched or as kept in the evidence. */
export interface CapturedFile {
  url: string;
  /** Where the page was finally served from; relative links resolve against it. */
  finalUrl: string;
  mediaType: string;
  contentType?: string;
  bytes: Uint8Array;
}

/**
 * The Markdown of a document from its captured files, in declared order: HTML through the
 * source's selectors and the converter, PDF through the PDF reader (selectors do not apply),
 * plain text as is, Markdown (imported histories) as is. Not yet normalized.
 */
export async function extractDocument(files: readonly CapturedFile[], rules: ExtractRules): Promise<string> {
  const parts: string[] = [];
  for (const file of files) {
    if (file.mediaType === 'application/pdf') {
      // pdf.js is large; most runs capture no PDF.
      const { pdfToMarkdown } = await import('./pdf.ts');
      parts.push(await pdfToMarkdown(file.bytes, { url: file.url }));
    }
    else if (file.mediaType === 'text/markdown' || file.mediaType === 'text/plain') parts.push(decodeBody(file.bytes, file.contentType ?? file.mediaType).text);
    else parts.push(extractPage({ url: file.finalUrl, html: decodeBody(file.bytes, file.contentType ?? file.mediaType).text }, rules));
  }
  return parts.join('\n\n');
}
