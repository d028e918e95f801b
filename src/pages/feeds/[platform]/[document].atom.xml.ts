import type { APIRoute } from 'astro';
import { archive } from '../../../site/archive.ts';
import { atom, feedPaths } from '../../../site/feeds-routes.ts';

/** `/feeds/<platform>/<document>.atom.xml`. */
export async function getStaticPaths() {
  return feedPaths(await archive(), 'document');
}

export const GET: APIRoute = async ({ params }) => atom(await archive(), `${params.platform}/${params.document}`);
