import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import { renderImageJob } from './render-pool.ts';

/**
 * Share images (og:image) for platform, document and version pages: a card with the archive's
 * name, the title and a line of facts, drawn with satori (SVG) and rasterized by resvg (PNG).
 * The font (Inter, SIL OFL) comes from the npm registry, as WOFF (satori reads no WOFF2).
 *
 * A build draws a few thousand cards, most of them version cards that differ from their
 * document's only in the lines at the bottom. So a card is drawn in two parts that make the same
 * pixels as drawing it whole: the top (eyebrow and title, placed as the lines' height places
 * them) is drawn, checked and compressed once per thread and kept, and each card draws only the
 * strip of its lines, rasterized at the same pixel offsets, compressed and appended to the kept
 * top. The PNG is indexed-colour (the card's flat colours and their anti-aliasing are a few dozen
 * colours), or RGB beyond 256 colours: lossless either way. Its rows are compressed with
 * run-length matches only (zlib's Z_RLE): on rows of flat colour, a few KB more than level 6
 * in a fraction of the time.
 */

export const SHARE_IMAGE_SIZE = { width: 1200, height: 630 } as const;

export interface ShareCard {
  /** Small line at the top: "Governance Archive · Privacy Policy". */
  eyebrow: string;
  title: string;
  /** Facts under the title: a date, a change summary, a count. */
  lines: string[];
}

type Font = { name: string; data: Buffer; weight: 400 | 700; style: 'normal' };

let fonts: Font[] | undefined;

function loadFonts(): Font[] {
  if (!fonts) {
    const require = createRequire(import.meta.url);
    const file = (subset: string, weight: 400 | 700) => readFileSync(require.resolve(`@fontsource/inter/files/inter-${subset}-${weight}-normal.woff`));
    fonts = (['latin', 'latin-ext'] as const).flatMap((subset) => [400, 700].map((weight) => ({ name: 'Inter', data: file(subset, weight as 400 | 700), weight: weight as 400 | 700, style: 'normal' as const })));
  }
  return fonts;
}

/** Satori's element tree, written as plain objects (no JSX in this code base). */
type Node = { type: string; key?: string; props: { style?: Record<string, string | number>; children?: Array<Node | string> | Node | string } };
const box = (style: Record<string, string | number>, children: Array<Node | string> | string, key?: string): Node => ({ type: 'div', ...(key ? { key } : {}), props: { style, children } });

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;
}

const BACKGROUND = '#f5f5f2';
const LINES = 'lines';
const TITLE = 'title';

function root(children: Node[]): Node {
  return box({ width: SHARE_IMAGE_SIZE.width, height: SHARE_IMAGE_SIZE.height, display: 'flex', background: BACKGROUND, color: '#1b1b1b', fontFamily: 'Inter' }, children);
}
const bar = (): Node => box({ position: 'absolute', top: 0, left: 0, width: SHARE_IMAGE_SIZE.width, height: 16, background: '#0a53be' }, '');
// The card's size is the root's; its margins are an inner box's (satori adds padding to a size).
const frame = (justifyContent: string, children: Node[]): Node => box({ display: 'flex', flexDirection: 'column', justifyContent, flexGrow: 1, margin: '72px 72px 64px' }, children);
const eyebrow = (card: ShareCard): Node => box({ fontSize: 30, color: '#555555', display: 'flex' }, clip(card.eyebrow, 64));
const title = (card: ShareCard): Node => box({ fontSize: card.title.length > 40 ? 56 : 68, fontWeight: 700, lineHeight: 1.15, display: 'flex' }, clip(card.title, 90), TITLE);
const linesBox = (card: ShareCard): Node =>
  box({ display: 'flex', flexDirection: 'column', fontSize: 28, color: '#333333' }, card.lines.slice(0, 2).map((line) => box({ display: 'flex', marginTop: 8 }, clip(line, 68))), LINES);

export function shareCardTree(card: ShareCard): Node {
  return root([bar(), frame('space-between', [eyebrow(card), title(card), linesBox(card)])]);
}

/** The lines alone, where the whole card puts them (at the bottom of the frame). */
function linesTree(card: ShareCard): Node {
  return root([frame('flex-end', [linesBox(card)])]);
}

/** The card without its lines, for lines of the given height. */
function topTree(card: ShareCard, linesHeight: number): Node {
  return root([bar(), frame('space-between', [eyebrow(card), title(card), box({ display: 'flex', height: linesHeight }, '', LINES)])]);
}

type Box = { top: number; height: number };

/** The card's SVG, and where satori laid out the boxes with a key. */
async function draw(tree: Node): Promise<{ svg: string; boxes: Map<string, Box> }> {
  const boxes = new Map<string, Box>();
  const svg = await satori(tree as Parameters<typeof satori>[0], {
    ...SHARE_IMAGE_SIZE,
    fonts: loadFonts(),
    onNodeDetected: (node) => {
      if (typeof node.key === 'string') boxes.set(node.key, { top: node.top, height: node.height });
    },
  });
  return { svg, boxes };
}

function rasterize(svg: string): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'width', value: SHARE_IMAGE_SIZE.width }, font: { loadSystemFonts: false } }).render().pixels;
}

/**
 * Rows [top, bottom) of a card's SVG: the drawing seen through a window on those rows, which
 * gives the same pixels as those rows of the whole picture (the window moves it by whole pixels).
 */
function rasterizeRows(svg: string, top: number, bottom: number): Buffer | undefined {
  const { width, height } = SHARE_IMAGE_SIZE;
  const head = `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"`;
  if (!svg.startsWith(head)) return undefined;
  return rasterize(`<svg width="${width}" height="${bottom - top}" viewBox="0 ${top} ${width} ${bottom - top}"${svg.slice(head.length)}`);
}

/** Draws the whole card in one pass (the reference the two-part drawing matches; its fallback). */
export async function renderShareImageWhole(card: ShareCard): Promise<Buffer> {
  return rasterize((await draw(shareCardTree(card))).svg);
}

/** Rows of background kept around a part drawn alone, checked empty: nothing drawn reaches past them. */
const MARGIN = 8;

/** A card's top, drawn and compressed once: the PNG rows above the strip of its lines. */
interface Top {
  stripTop: number;
  palette: Palette;
  /** The background's colour (below the title, and all around the lines) and palette index. */
  background: number;
  backgroundIndex: number;
  /** Raw deflate of its rows, ended by a sync flush (so that more can follow), and their Adler-32. */
  deflated: Buffer;
  adler: number;
}

const tops = new Map<string, Top | null>();
const TOPS_KEPT = 512;

async function topOf(card: ShareCard, lines: Box): Promise<Top | null> {
  const key = JSON.stringify([card.eyebrow, card.title, lines.top, lines.height]);
  const kept = tops.get(key);
  if (kept !== undefined) {
    tops.delete(key);
    tops.set(key, kept);
    return kept;
  }
  const top = await drawTop(card, lines);
  tops.set(key, top);
  if (tops.size > TOPS_KEPT) tops.delete(tops.keys().next().value!);
  return top;
}

/**
 * Draws a top: the rows down to just below the title, then background down to the strip. Null
 * when it would not join a strip exactly (its lines' box elsewhere, the title too low, or ink
 * reaching past the rows drawn).
 */
async function drawTop(card: ShareCard, lines: Box): Promise<Top | null> {
  const { width } = SHARE_IMAGE_SIZE;
  const { svg, boxes } = await draw(topTree(card, lines.height));
  const placeholder = boxes.get(LINES);
  const title = boxes.get(TITLE);
  const stripTop = lines.top - MARGIN;
  if (!placeholder || placeholder.top !== lines.top || placeholder.height !== lines.height || !title || !Number.isInteger(title.top + title.height)) return null;
  const drawn = title.top + title.height + MARGIN;
  const pixels = drawn <= stripTop ? rasterizeRows(svg, 0, drawn) : undefined;
  if (!pixels || !uniform(pixels, pixels.length - width * 4, pixels.length)) return null;
  const palette = new Palette();
  const rows = indexRows(pixels, width, palette);
  const background = words(pixels)[(drawn - 1) * width]!;
  const backgroundIndex = palette.indexOf(pixels, (drawn - 1) * width, background);
  if (!rows) return null;
  const all = Buffer.concat([rows, backgroundRows(width, stripTop - drawn, backgroundIndex)]);
  return { stripTop, palette, background, backgroundIndex, deflated: deflateRawSync(all, { strategy: constants.Z_RLE, finishFlush: constants.Z_SYNC_FLUSH }), adler: adler32(all) };
}

/** PNG rows (filter byte 0) of one palette index. */
function backgroundRows(width: number, count: number, index: number): Buffer {
  const rows = Buffer.alloc((width + 1) * count, index);
  for (let y = 0; y < count; y++) rows[y * (width + 1)] = 0;
  return rows;
}

/** Whether every pixel of rgba[start, end) is the same colour. */
function uniform(rgba: Buffer, start: number, end: number): boolean {
  for (let i = start + 4; i < end; i += 4) {
    if (rgba[i] !== rgba[start] || rgba[i + 1] !== rgba[start + 1] || rgba[i + 2] !== rgba[start + 2] || rgba[i + 3] !== rgba[start + 3]) return false;
  }
  return true;
}

/** Draws a card where it is called (a render-pool thread, in a build). */
export async function renderShareImageUncached(card: ShareCard): Promise<Buffer> {
  const { width, height } = SHARE_IMAGE_SIZE;
  const { svg, boxes } = await draw(linesTree(card));
  const lines = boxes.get(LINES);
  const top = lines && Number.isInteger(lines.top) && Number.isInteger(lines.height) && lines.top >= 2 * MARGIN ? await topOf(card, lines) : null;
  const stripBottom = lines ? Math.min(height, lines.top + lines.height + MARGIN) : height;
  const strip = top ? rasterizeRows(svg, top.stripTop, stripBottom) : undefined;
  const stride = width * 4;
  // Background only in its first and last rows: nothing of the lines reaches past the strip.
  if (top && strip && uniform(strip, 0, stride) && uniform(strip, strip.length - stride, strip.length) && words(strip)[0] === top.background) {
    const palette = top.palette.copy();
    const stripRows = indexRows(strip, width, palette);
    if (stripRows) {
      const rows = Buffer.concat([stripRows, backgroundRows(width, height - stripBottom, top.backgroundIndex)]);
      const zlib = deflateSync(rows, { strategy: constants.Z_RLE });
      // One zlib stream: its header, the top's deflate blocks, the strip's, the Adler-32 of all the rows.
      const idat = Buffer.concat([ZLIB_HEADER, top.deflated, zlib.subarray(2, -4), uint32(adler32Combine(top.adler, zlib.readUInt32BE(zlib.length - 4), rows.length))]);
      return png(width, height, 3, palette.plte(), idat);
    }
  }
  return encodePng(width, height, await renderShareImageWhole(card));
}

/** Draws a card on the render pool's threads, so that the main thread goes on writing pages. */
export async function renderShareImage(card: ShareCard): Promise<Buffer> {
  return renderImageJob(card);
}

/** A buffer's pixels as one number each (its four bytes, in the machine's order). */
function words(rgba: Buffer): Int32Array {
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : new Uint8Array(rgba);
  return new Int32Array(aligned.buffer, aligned.byteOffset, rgba.length >> 2);
}

/** Slots of a palette's hash table: a power of two, four times its 256 colours. */
const SLOTS = 1024;

/** The colours of an indexed image, in index order (a small hash table: a card has a few dozen). */
class Palette {
  private readonly words: Int32Array;
  private readonly indices: Int16Array;
  private readonly rgb: number[];

  constructor(words = new Int32Array(SLOTS), indices = new Int16Array(SLOTS).fill(-1), rgb: number[] = []) {
    this.words = words;
    this.indices = indices;
    this.rgb = rgb;
  }

  copy(): Palette {
    return new Palette(this.words.slice(), this.indices.slice(), [...this.rgb]);
  }

  /** The index of pixel `pixel` of rgba (whose number is `word`); -1 when it is not opaque or the palette is full. */
  indexOf(rgba: Buffer, pixel: number, word: number): number {
    let slot = Math.imul(word, 0x9e3779b1) >>> 22;
    for (let index = this.indices[slot]!; index >= 0; index = this.indices[slot]!) {
      if (this.words[slot] === word) return index;
      slot = (slot + 1) & (SLOTS - 1);
    }
    const offset = pixel * 4;
    const index = this.rgb.length / 3;
    if (rgba[offset + 3] !== 255 || index === 256) return -1;
    this.words[slot] = word;
    this.indices[slot] = index;
    this.rgb.push(rgba[offset]!, rgba[offset + 1]!, rgba[offset + 2]!);
    return index;
  }

  plte(): Buffer {
    return Buffer.from(this.rgb);
  }
}

/** PNG rows of palette indices (filter byte 0, none, before each); undefined past 256 colours or on a transparent pixel. */
function indexRows(rgba: Buffer, width: number, palette: Palette): Buffer | undefined {
  const pixels = words(rgba);
  const height = pixels.length / width;
  const rows = Buffer.alloc((width + 1) * height);
  let last = pixels[0]!;
  let lastIndex = palette.indexOf(rgba, 0, last);
  if (lastIndex < 0) return undefined;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let out = y * (width + 1) + 1;
    // A row like the one above (most of a card) has its indices.
    if (y > 0 && rgba.compare(rgba, (row - width) * 4, row * 4, row * 4, (row + width) * 4) === 0) {
      rows.copy(rows, out, out - width - 1, out - 1);
      continue;
    }
    for (let pixel = row; pixel < row + width; pixel++) {
      const word = pixels[pixel]!;
      if (word !== last) {
        lastIndex = palette.indexOf(rgba, pixel, word);
        if (lastIndex < 0) return undefined;
        last = word;
      }
      rows[out++] = lastIndex;
    }
  }
  return rows;
}

const ZLIB_HEADER = Buffer.from([0x78, 0x01]);
const ADLER_BASE = 65521;

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (let start = 0; start < data.length; start += 5552) {
    const end = Math.min(start + 5552, data.length);
    for (let i = start; i < end; i++) {
      a += data[i]!;
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/** The Adler-32 of two pieces of data one after the other (zlib's adler32_combine). */
export function adler32Combine(first: number, second: number, secondLength: number): number {
  const remainder = secondLength % ADLER_BASE;
  let a = first & 0xffff;
  let b = (remainder * a) % ADLER_BASE;
  a += (second & 0xffff) + ADLER_BASE - 1;
  b += (first >>> 16) + (second >>> 16) + ADLER_BASE - remainder;
  if (a >= ADLER_BASE) a -= ADLER_BASE;
  if (a >= ADLER_BASE) a -= ADLER_BASE;
  if (b >= ADLER_BASE * 2) b -= ADLER_BASE * 2;
  if (b >= ADLER_BASE) b -= ADLER_BASE;
  return ((b << 16) | a) >>> 0;
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value, 0);
  return bytes;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data, uint32(crc32(data, crc32(head.subarray(4))))]);
}

function png(width: number, height: number, colourType: 2 | 3 | 6, plte: Buffer | undefined, idat: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    ...(plte ? [chunk('PLTE', plte)] : []),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A PNG of 8-bit RGBA pixels (resvg's, premultiplied: plain where opaque, which a card is):
 * indexed-colour up to 256 colours, else RGB when opaque, else RGBA.
 */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const palette = new Palette();
  const indexed = indexRows(rgba, width, palette);
  if (indexed) return png(width, height, 3, palette.plte(), deflateSync(indexed, { level: 6 }));
  let opaque = true;
  for (let i = 3; i < rgba.length && opaque; i += 4) opaque = rgba[i] === 255;
  const channels = opaque ? 3 : 4;
  const rows = Buffer.alloc((width * channels + 1) * height);
  for (let y = 0, out = 0, i = 0; y < height; y++) {
    rows[out++] = 0;
    for (let x = 0; x < width; x++, i += 4) for (let c = 0; c < channels; c++) rows[out++] = rgba[i + c]!;
  }
  return png(width, height, opaque ? 2 : 6, undefined, deflateSync(rows, { level: 6 }));
}
