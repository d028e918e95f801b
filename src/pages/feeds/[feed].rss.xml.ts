import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { feedsByKey, rss } from '../../site/feeds-routes.ts';

/** `/feeds/all.rss.xml` and `/feeds/<platform>.rss.xml`. */
export async function getStaticPaths() {
  return [...feedsByKey(await archive()).keys()].filter((key) => !key.includes('/')).map((feed) => ({ params: { feed } }));
}

export const GET: APIRoute = async ({ params }) => rss(await archive(), String(params.feed));
