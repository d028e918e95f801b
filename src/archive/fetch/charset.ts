/**
 * Picks the character encoding of an HTML or text body the way browsers do, in order: a byte
 * order mark, the Content-Type header's charset, a `<meta charset>` or `http-equiv` declaration
 * in the first 4 KB, then UTF-8.
 */
export function detectCharset(body: Uint8Array, contentType: string | undefined): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  const fromHeader = /charset\s*=\s*["']?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader && isSupported(fromHeader)) return canonical(fromHeader);
  const head = new TextDecoder('latin1').decode(body.subarray(0, 4096));
  const fromMeta =
    /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head)?.[1];
  if (fromMeta && isSupported(fromMeta)) {
    // A page that says UTF-16 in ASCII bytes cannot be UTF-16; browsers read it as UTF-8.
    return /^utf-16/i.test(fromMeta) ? 'utf-8' : canonical(fromMeta);
  }
  return 'utf-8';
}

function isSupported(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

function canonical(label: string): string {
  return new TextDecoder(label).encoding;
}

/** Decodes a body with its detected charset; invalid bytes become U+FFFD rather than failing. */
export function decodeBody(body: Uint8Array, contentType: string | undefined): { text: string; charset: string } {
  const charset = detectCharset(body, contentType);
  // TextDecoder drops a leading BOM by default, which is what we want.
  return { text: new TextDecoder(charset).decode(body), charset };
}
