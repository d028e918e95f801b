import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc32, deflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import { renderImageJob } from './render-pool.ts';

/**
 * Share images (og:image) for platform, document and version pages: a card with the archive's
 * name, the title and a line of facts, drawn with satori (SVG) and rasterized by resvg (PNG).
 * The font (Inter, SIL OFL) comes from the npm registry, as WOFF (satori reads no WOFF2).
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
type Node = { type: string; props: { style?: Record<string, string | number>; children?: Array<Node | string> | Node | string } };
const box = (style: Record<string, string | number>, children: Array<Node | string> | string): Node => ({ type: 'div', props: { style, children } });

function clip(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1).trimEnd()}…` : text;
}

export function shareCardTree(card: ShareCard): Node {
  // The card's size is the root's; its margins are an inner box's (satori adds padding to a size).
  return box({ width: SHARE_IMAGE_SIZE.width, height: SHARE_IMAGE_SIZE.height, display: 'flex', background: '#f5f5f2', color: '#1b1b1b', fontFamily: 'Inter' }, [
    box({ position: 'absolute', top: 0, left: 0, width: SHARE_IMAGE_SIZE.width, height: 16, background: '#0a53be' }, ''),
    box({ display: 'flex', flexDirection: 'column', justifyContent: 'space-between', flexGrow: 1, margin: '72px 72px 64px' }, [
      box({ fontSize: 30, color: '#555555', display: 'flex' }, clip(card.eyebrow, 64)),
      box({ fontSize: card.title.length > 40 ? 56 : 68, fontWeight: 700, lineHeight: 1.15, display: 'flex' }, clip(card.title, 90)),
      box({ display: 'flex', flexDirection: 'column', fontSize: 28, color: '#333333' }, card.lines.slice(0, 2).map((line) => box({ display: 'flex', marginTop: 8 }, clip(line, 68)))),
    ]),
  ]);
}

/** Draws a card where it is called (a render-pool thread, in a build). */
export async function renderShareImageUncached(card: ShareCard): Promise<Buffer> {
  const svg = await satori(shareCardTree(card) as Parameters<typeof satori>[0], { ...SHARE_IMAGE_SIZE, fonts: loadFonts() });
  const image = new Resvg(svg, { fitTo: { mode: 'width', value: SHARE_IMAGE_SIZE.width }, font: { loadSystemFonts: false } }).render();
  return encodePng(image.width, image.height, image.pixels);
}

/** Draws a card on the render pool's threads, so that the main thread goes on writing pages. */
export async function renderShareImage(card: ShareCard): Promise<Buffer> {
  return renderImageJob(card);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of 8-bit RGBA pixels (the card is opaque, so resvg's premultiplied pixels are plain);
 * resvg's own encoder compresses twice as slowly for a few KB less.
 */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const stride = width * 4;
  const rows = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
