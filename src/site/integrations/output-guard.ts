import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';

/**
 * The build keeps its output folder between builds (astro.config.ts: emptyOutDir false), which is
 * only right while the folder holds a build of the same archive: built from another archive (or
 * another ref), it is emptied first, so that no page of the other archive is left in it.
 */
export function outputGuard(source: () => string): AstroIntegration {
  let outDir = '';
  let record = '';
  return {
    name: 'governance-archive:output-guard',
    hooks: {
      'astro:config:done': ({ config }) => {
        outDir = fileURLToPath(config.outDir);
        record = path.join(fileURLToPath(config.cacheDir), 'output-sources.json');
      },
      'astro:build:start': async ({ logger }) => {
        const sources = JSON.parse(await readFile(record, 'utf8').catch(() => '{}')) as Record<string, string>;
        if (sources[outDir] === source()) return;
        const entries = await readdir(outDir).catch(() => []);
        if (entries.length > 0) logger.info(`${outDir} holds another build: emptied`);
        await Promise.all(entries.map((entry) => rm(path.join(outDir, entry), { recursive: true, force: true })));
        // Written now: a build that fails halfway leaves pages of this archive only.
        await mkdir(path.dirname(record), { recursive: true });
        await writeFile(record, JSON.stringify({ ...sources, [outDir]: source() }, null, 2));
      },
    },
  };
}
