import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { feedPaths, rss } from '../../site/feeds-routes.ts';

/** `/feeds/all.rss.xml` and `/feeds/<platform>.rss.xml`. */
export async function getStaticPaths() {
  return feedPaths(await archive(), 'site-or-platform');
}

export const GET: APIRoute = async ({ params }) => rss(await archive(), String(params.feed));
