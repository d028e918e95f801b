import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32Combine, encodePng, renderShareImageUncached, renderShareImageWhole, SHARE_IMAGE_SIZE, type ShareCard } from '../../src/site/share-image.ts';

/** Decodes an 8-bit PNG (RGB, indexed or RGBA; any row filter) to RGBA: inflate, unfilter, palette. */
function decodePng(png: Buffer): { width: number; height: number; colourType: number; rgba: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let width = 0;
  let height = 0;
  let colourType = -1;
  let palette: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      colourType = data[9]!;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const channels = { 2: 3, 3: 1, 6: 4 }[colourType]!;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((stride + 1) * height);
  const samples = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? samples[y * stride + x - channels]! : 0;
      const up = y > 0 ? samples[(y - 1) * stride + x]! : 0;
      const upLeft = x >= channels && y > 0 ? samples[(y - 1) * stride + x - channels]! : 0;
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      const predicted = [0, left, up, (left + up) >> 1, paeth][filter]!;
      samples[y * stride + x] = (raw[y * (stride + 1) + 1 + x]! + predicted) & 0xff;
    }
  }
  if (colourType === 3) expect(Math.max(...new Set(samples)) * 3 + 3).toBeLessThanOrEqual(palette!.length);
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    if (colourType === 3) palette!.copy(rgba, i * 4, samples[i]! * 3, samples[i]! * 3 + 3);
    else samples.copy(rgba, i * 4, i * channels, i * channels + Math.min(channels, 4));
    if (colourType !== 6) rgba[i * 4 + 3] = 255;
  }
  return { width, height, colourType, rgba };
}

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgba.set(pixel(x, y), (y * width + x) * 4);
  return rgba;
}

describe('encodePng', () => {
  it('writes few colours as an indexed PNG that decodes to exactly the pixels', () => {
    const rgba = image(37, 23, (x, y) => (x + y) % 5 === 0 ? [10, 83, 190, 255] : y % 7 === 0 ? [255, 255, 255, 255] : [245, 245, 242, 255]);
    const decoded = decodePng(encodePng(37, 23, rgba));
    expect(decoded).toMatchObject({ width: 37, height: 23, colourType: 3 });
    expect(decoded.rgba.equals(rgba)).toBe(true);
  });

  it('writes more than 256 opaque colours as RGB, and transparency as RGBA, losslessly', () => {
    const many = image(40, 30, (x, y) => [x * 6, y * 8, (x * y) % 256, 255]);
    const rgb = decodePng(encodePng(40, 30, many));
    expect(rgb.colourType).toBe(2);
    expect(rgb.rgba.equals(many)).toBe(true);
    const clear = image(9, 4, (x) => [x, x, x, x === 3 ? 128 : 255]);
    const rgba = decodePng(encodePng(9, 4, clear));
    expect(rgba.colourType).toBe(6);
    expect(rgba.rgba.equals(clear)).toBe(true);
  });

  it('combines Adler-32 checksums as zlib does', () => {
    const adler = (data: Buffer) => deflateSync(data).readUInt32BE(deflateSync(data).length - 4);
    const first = Buffer.from('a'.repeat(70_000) + 'share image');
    const second = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 251));
    expect(adler32Combine(adler(first), adler(second), second.length)).toBe(adler(Buffer.concat([first, second])));
    expect(adler32Combine(adler(first), adler(Buffer.alloc(0)), 0)).toBe(adler(first));
  });
});

describe('renderShareImageUncached', () => {
  const document = { eyebrow: 'Governance Archive · Privacy Policy', title: 'Chirpy Privacy Policy' };
  const cards: Array<[string, ShareCard]> = [
    ['a version card', { ...document, lines: ['As captured on 14 February 2025', 'Reworded: 2. Data we collect. (+3 −2 lines)'] }],
    ['another version of the same document (its top is drawn once)', { ...document, lines: ['As captured on 8 January 2024', 'Added: 7. Your rights; 8. Contact.'] }],
    ['a summary that wraps onto a second line', { ...document, lines: ['As captured on 30 May 2024', 'Reworded: Wähle deine Einstellungen; Données personnelles et vie privée…'] }],
    ['no lines at all', { ...document, lines: [] }],
    ['a long title with descenders (smaller font, two lines)', { eyebrow: 'Governance Archive · Platform', title: 'Quizzically jumping gryphons’ typography policy, applying yearly, gently', lines: ['3 documents tracked', 'Latest change 1 September 2025'] }],
  ];

  it.each(cards)('draws exactly the pixels of a one-pass drawing of the whole card: %s', async (_name, card) => {
    const png = await renderShareImageUncached(card);
    const decoded = decodePng(png);
    expect(decoded).toMatchObject({ ...SHARE_IMAGE_SIZE, colourType: 3 });
    const whole = await renderShareImageWhole(card);
    expect(decoded.rgba.length).toBe(whole.length);
    expect(decoded.rgba.equals(whole)).toBe(true);
  });

  it('draws the same PNG for the same card, whether its top was kept or not', async () => {
    const card = cards[0]![1];
    const first = await renderShareImageUncached(card);
    expect((await renderShareImageUncached(card)).equals(first)).toBe(true);
    expect((await renderShareImageUncached({ ...card, lines: ['As captured on 1 January 2026', card.lines[1]!] })).equals(first)).toBe(false);
  });
});
