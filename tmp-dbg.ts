import { readFile } from 'node:fs/promises';
import { getDocumentProxy } from 'unpdf';
import { runsOf } from './src/archive/extract/pdf.ts';
import { linesOfPage } from './src/archive/extract/pdf/layout.ts';
const pdf = await getDocumentProxy(new Uint8Array(await readFile(process.argv[2]!)), { verbosity: 0 });
for (let n = 1; n <= pdf.numPages; n++) {
  const c = await (await pdf.getPage(n)).getTextContent();
  const lines = linesOfPage(runsOf(c.items.filter((i: any) => 'str' in i) as any), n);
  if (lines.some(l => l.text.includes(process.argv[3]!))) { for (const l of lines) console.log(n, l.y.toFixed(1), l.x.toFixed(1), l.size, l.text.slice(0, 80)); 
  const raw = c.items.filter((i: any) => 'str' in i && i.str.trim()) as any[]; console.log('raw items', raw.length, raw.slice(0,3).map(i => i.transform)); }
}
