import type { APIRoute } from 'astro';
import { archive } from '../../../site/archive.ts';
import { categoryFeedPaths, feedResponse } from '../../../site/feeds-routes.ts';
import type { Feed } from '../../../site/feeds.ts';

/** `/feeds/categories/<category>.atom.xml`: changes to any platform's provisions of a topic. */
export async function getStaticPaths() {
  return categoryFeedPaths(await archive());
}

export const GET: APIRoute = async ({ props }) => feedResponse(await archive(), (props as { feed: Feed }).feed, 'atom');
