import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { pagefindIndex } from './src/site/integrations/pagefind.ts';
import { siteUrlOf } from './src/site/settings.ts';

const root = path.dirname(fileURLToPath(import.meta.url));
// The site's data layer is bundled into the build and cannot find this repository by itself:
// it reads the archive named here (default: this repository).
process.env.ARCHIVE_DIR = path.resolve(process.env.ARCHIVE_DIR || root);

const site = siteUrlOf(process.env);

export default defineConfig({
  site,
  // A site served under a path (a GitHub Pages project site) says so in SITE_URL.
  base: new URL(site).pathname.replace(/\/*$/, '/'),
  trailingSlash: 'always',
  output: 'static',
  build: { format: 'directory', inlineStylesheets: 'never' },
  // No client script except search, which loads Pagefind's own files.
  prefetch: false,
  devToolbar: { enabled: false },
  integrations: [mdx(), pagefindIndex()],
  // Version pages never change once recorded: the incremental build keeps them between builds
  // (keyed in getStaticPaths) in this folder; a test or benchmark build names its own.
  cacheDir: process.env.SITE_CACHE_DIR ? path.resolve(process.env.SITE_CACHE_DIR) : path.join(root, 'node_modules', '.astro'),
  experimental: { incrementalBuild: true },
});
