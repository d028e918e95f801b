import type { APIRoute } from 'astro';
import { archive } from '../../../site/archive.ts';
import { documentFeedPaths, rss } from '../../../site/feeds-routes.ts';

/** `/feeds/<platform>/<document>.rss.xml`. */
export async function getStaticPaths() {
  return documentFeedPaths(await archive());
}

export const GET: APIRoute = async ({ params }) => rss(await archive(), `${params.platform}/${params.document}`);
