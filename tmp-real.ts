import { readFile } from 'node:fs/promises';
import { pdfToMarkdown } from './src/archive/extract/pdf.ts';
const bytes = new Uint8Array(await readFile(process.argv[2]!));
const t0 = performance.now();
const md = await pdfToMarkdown(bytes);
console.error('ms', Math.round(performance.now() - t0), 'bytes', bytes.length, 'chars', md.length);
console.log(md);
