import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { outputGuard } from './src/site/integrations/output-guard.ts';
import { pagefindIndex } from './src/site/integrations/pagefind.ts';
import { siteUrlOf } from './src/site/settings.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
// The site's data layer is bundled into the build and cannot find this repository by itself:
// it reads the archive named here (default: this repository).
process.env.ARCHIVE_DIR = path.resolve(process.env.ARCHIVE_DIR || root);
// Where the render pool's worker script is (src/site/render-pool.ts).
process.env.SITE_SOURCE_DIR = root;

const site = siteUrlOf(process.env);

export default defineConfig({
  site,
  // A site served under a path (a GitHub Pages project site) says so in SITE_URL.
  base: new URL(site).pathname.replace(/\/*$/, '/'),
  trailingSlash: 'always',
  output: 'static',
  // Several pages in flight: their texts, diffs and share images render on the render pool's
  // threads while the main thread writes pages.
  build: { format: 'directory', inlineStylesheets: 'never', concurrency: 8 },
  // No client script except search, which loads Pagefind's own files.
  prefetch: false,
  devToolbar: { enabled: false },
  integrations: [mdx(), outputGuard(() => `${process.env.ARCHIVE_DIR}@${process.env.ARCHIVE_REF || 'HEAD'}`), pagefindIndex()],
  // Version pages never change once recorded: the incremental build keeps them between builds
  // (keyed in getStaticPaths) in this folder; a test or benchmark build names its own.
  cacheDir: process.env.SITE_CACHE_DIR ? path.resolve(process.env.SITE_CACHE_DIR) : path.join(root, 'node_modules', '.astro'),
  experimental: { incrementalBuild: true },
  // Keep the previous build's output: the incremental build then leaves unchanged pages where
  // they are instead of copying thousands of them back from its cache, and the search index is
  // kept when no document page changed. URLs never go away (the archive is append-only), so no
  // page is left behind that should not be there; a folder built from another archive is
  // emptied first (outputGuard).
  vite: { build: { emptyOutDir: false } },
});
