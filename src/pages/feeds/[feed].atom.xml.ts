import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { atom, feedsByKey } from '../../site/feeds-routes.ts';

/** `/feeds/all.atom.xml` and `/feeds/<platform>.atom.xml`. */
export async function getStaticPaths() {
  return [...feedsByKey(await archive()).keys()].filter((key) => !key.includes('/')).map((feed) => ({ params: { feed } }));
}

export const GET: APIRoute = async ({ params }) => atom(await archive(), String(params.feed));
