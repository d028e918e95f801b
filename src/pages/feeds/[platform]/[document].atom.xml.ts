import type { APIRoute } from 'astro';
import { archive } from '../../../site/archive.ts';
import { atom, documentFeedPaths } from '../../../site/feeds-routes.ts';

/** `/feeds/<platform>/<document>.atom.xml`. */
export async function getStaticPaths() {
  return documentFeedPaths(await archive());
}

export const GET: APIRoute = async ({ params }) => atom(await archive(), `${params.platform}/${params.document}`);
