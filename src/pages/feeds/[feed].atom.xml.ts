import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { atom, feedPaths } from '../../site/feeds-routes.ts';

/** `/feeds/all.atom.xml` and `/feeds/<platform>.atom.xml`. */
export async function getStaticPaths() {
  return feedPaths(await archive(), 'site-or-platform');
}

export const GET: APIRoute = async ({ params }) => atom(await archive(), String(params.feed));
