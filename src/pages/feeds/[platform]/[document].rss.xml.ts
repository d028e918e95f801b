import type { APIRoute } from 'astro';
import { archive } from '../../../site/archive.ts';
import { feedPaths, rss } from '../../../site/feeds-routes.ts';

/** `/feeds/<platform>/<document>.rss.xml`. */
export async function getStaticPaths() {
  return feedPaths(await archive(), 'document');
}

export const GET: APIRoute = async ({ params }) => rss(await archive(), `${params.platform}/${params.document}`);
