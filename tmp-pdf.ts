import { readFile } from 'node:fs/promises';
import { pdfToMarkdown } from './src/archive/extract/pdf.ts';
import { makeEncryptedPdf, makeImageOnlyPdf } from './tests/fixtures/pdf/make-policy-pdf.ts';
const bytes = new Uint8Array(await readFile(process.argv[2]!));
let t0 = performance.now();
console.log(await pdfToMarkdown(bytes));
console.log('ms', performance.now() - t0);
t0 = performance.now(); await pdfToMarkdown(bytes); console.log('ms second', performance.now() - t0);
for (const make of [makeImageOnlyPdf, makeEncryptedPdf, async () => new TextEncoder().encode('<html>not a pdf</html>')]) {
  try { await pdfToMarkdown(await make(), { url: 'https://x.example/p.pdf' }); console.log('no error!'); } catch (e) { console.log((e as any).name, (e as any).reason, (e as Error).message); }
}
