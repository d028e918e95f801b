import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { shareImageRoutes, type ShareImageRoute } from '../../site/share-cards.ts';
import { renderShareImage } from '../../site/share-image.ts';

/** Share images of platform, document and version pages. */
export async function getStaticPaths() {
  return shareImageRoutes(await archive()).map((route) => ({ params: { slug: route.slug }, props: { route }, cacheKey: route.cacheKey }));
}

export const GET: APIRoute = async ({ props }) => {
  const { route } = props as { route: ShareImageRoute };
  return new Response(new Uint8Array(await renderShareImage(route.card)), { headers: { 'Content-Type': 'image/png' } });
};
