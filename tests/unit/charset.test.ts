import { describe, expect, it } from 'vitest';
import { decodeBody, detectCharset } from '../../src/archive/fetch/charset.ts';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))));

/** "café" in windows-1252 / ISO-8859-1: é is the single byte 0xE9, not valid UTF-8. */
const cafeLatin = [0x63, 0x61, 0x66, 0xe9];
/** "利用規約" (terms of use) in Shift_JIS. */
const termsShiftJis = [0x97, 0x98, 0x97, 0x70, 0x8b, 0x4b, 0x96, 0xf1];

describe('detectCharset and decodeBody', () => {
  it('takes the charset from the Content-Type header', () => {
    const body = bytes('<p>', cafeLatin, '</p>');
    expect(detectCharset(body, 'text/html; charset=windows-1252')).toBe('windows-1252');
    expect(decodeBody(body, 'text/html; charset=windows-1252').text).toBe('<p>café</p>');
    // Quoted and differently cased labels are common too.
    expect(decodeBody(body, 'text/html;Charset="Windows-1252"').text).toBe('<p>café</p>');
  });

  it('takes the charset from <meta charset>', () => {
    const body = bytes('<!doctype html><html><head><meta charset="iso-8859-1"><title>', cafeLatin, '</title>');
    // The Encoding Standard maps the ISO-8859-1 label to windows-1252, as browsers do.
    expect(detectCharset(body, 'text/html')).toBe('windows-1252');
    expect(decodeBody(body, 'text/html').text).toContain('<title>café</title>');
  });

  it('takes the charset from <meta http-equiv="Content-Type">', () => {
    const body = bytes(
      '<html><head><meta http-equiv="Content-Type" content="text/html; charset=shift_jis"></head><body><h1>',
      termsShiftJis,
      '</h1>',
    );
    expect(detectCharset(body, undefined)).toBe('shift_jis');
    expect(decodeBody(body, undefined).text).toContain('<h1>利用規約</h1>');
  });

  it('takes UTF-8 from a byte order mark, over the header, and leaves the BOM out of the text', () => {
    const body = bytes([0xef, 0xbb, 0xbf], Buffer.from('<p>café</p>', 'utf8').toString('latin1'));
    expect(detectCharset(body, 'text/html; charset=windows-1252')).toBe('utf-8');
    const { text, charset } = decodeBody(body, 'text/html; charset=windows-1252');
    expect(charset).toBe('utf-8');
    expect(text).toBe('<p>café</p>');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('takes UTF-16 from its byte order mark', () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>café</p>', 'utf16le')]);
    expect(decodeBody(body, 'text/html').text).toBe('<p>café</p>');
  });

  it('defaults to UTF-8 when nothing declares a charset', () => {
    const body = Buffer.from('<!doctype html><p>Données personnelles — 利用規約</p>', 'utf8');
    expect(detectCharset(body, 'text/html')).toBe('utf-8');
    expect(decodeBody(body, undefined).text).toBe('<!doctype html><p>Données personnelles — 利用規約</p>');
  });

  it('ignores an unknown label in the header and uses the next source', () => {
    const withMeta = bytes('<meta charset="windows-1252"><p>', cafeLatin);
    expect(detectCharset(withMeta, 'text/html; charset=x-no-such-charset')).toBe('windows-1252');
    expect(decodeBody(withMeta, 'text/html; charset=x-no-such-charset').text).toContain('café');

    const withoutMeta = Buffer.from('<p>café</p>', 'utf8');
    expect(detectCharset(withoutMeta, 'text/html; charset=x-no-such-charset')).toBe('utf-8');
  });

  it('ignores an unknown label in <meta> and falls back to UTF-8', () => {
    const body = Buffer.from('<meta charset="klingon-8"><p>café</p>', 'utf8');
    expect(detectCharset(body, 'text/html')).toBe('utf-8');
    expect(decodeBody(body, 'text/html').text).toContain('café');
  });

  it('lets the header win over <meta>, as browsers do', () => {
    // UTF-8 bytes that wrongly claim ISO-8859-1 in the markup: read as Latin-1 they would be "cafÃ©".
    const body = Buffer.from('<meta charset="iso-8859-1"><p>café</p>', 'utf8');
    expect(detectCharset(body, 'text/html; charset=utf-8')).toBe('utf-8');
    expect(decodeBody(body, 'text/html; charset=utf-8').text).toBe('<meta charset="iso-8859-1"><p>café</p>');
  });

  it('reads a <meta> that claims UTF-16 in ASCII bytes as UTF-8', () => {
    const body = Buffer.from('<meta charset="utf-16"><p>café</p>', 'utf8');
    expect(detectCharset(body, undefined)).toBe('utf-8');
    expect(decodeBody(body, undefined).text).toContain('café');
  });

  it('only looks for <meta> in the first 4 KB', () => {
    const body = bytes(`<!-- ${'x'.repeat(5000)} -->`, '<meta charset="windows-1252">');
    expect(detectCharset(body, undefined)).toBe('utf-8');
  });

  it('replaces invalid bytes with U+FFFD instead of failing', () => {
    const body = bytes('<p>', cafeLatin, '</p>');
    expect(decodeBody(body, 'text/html; charset=utf-8').text).toBe('<p>caf\uFFFD</p>');
  });
});
