import type { Archive } from './archive.ts';
import { xml } from './feeds.ts';
import type { SiteAnalysis } from './provisions.ts';
import { absoluteUrl, categoriesPath, categoryPath, provisionPath } from './urls.ts';

/** Every HTML page of the site, with the date its content last changed where one is known. */
export function sitemapEntries(archive: Archive, analysis?: SiteAnalysis): Array<{ path: string; lastmod?: string }> {
  return [
    { path: '/', ...(archive.lastCapturedAt ? { lastmod: archive.lastCapturedAt } : {}) },
    { path: '/platforms/' },
    { path: '/search/' },
    { path: '/feeds/' },
    { path: '/about/' },
    { path: '/methodology/' },
    ...archive.platforms.map((platform) => ({ path: platform.path, ...(platform.timeline[0] ? { lastmod: platform.timeline[0].capturedAt } : {}) })),
    ...archive.documents.map((document) => ({ path: document.path, lastmod: document.latest.capturedAt })),
    ...archive.versions.map((version) => ({ path: version.path, lastmod: version.capturedAt })),
    ...(analysis
      ? [
          { path: categoriesPath() },
          ...analysis.categories.map((view) => ({ path: categoryPath(view.category.id), ...(view.versions[0] ? { lastmod: view.versions[0].capturedAt } : {}) })),
          ...[...analysis.documents.values()].flatMap(({ document, analysis: result }) =>
            result.provisions.map((p) => ({ path: provisionPath(document.platform, document.slug, p.id), lastmod: document.versions[p.steps.at(-1)!.version]!.capturedAt })),
          ),
        ]
      : []),
  ];
}

/** One sitemap file holds up to 50,000 URLs: enough for this archive for a long while. */
export function sitemap(archive: Archive, analysis?: SiteAnalysis): string {
  const entries = sitemapEntries(archive, analysis);
  if (entries.length > 50_000) throw new Error(`the sitemap would list ${entries.length} URLs; split it into a sitemap index`);
  const urls = entries.map((entry) => `  <url><loc>${xml(absoluteUrl(archive.settings.siteUrl, entry.path))}</loc>${entry.lastmod ? `<lastmod>${xml(entry.lastmod)}</lastmod>` : ''}</url>`);
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">', ...urls, '</urlset>', ''].join('\n');
}
