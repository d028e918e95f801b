import type { APIRoute } from 'astro';
import { archive } from '../../../site/archive.ts';
import { platformJson } from '../../../site/open-data.ts';
import { pageKey } from '../../../site/pages.ts';

export async function getStaticPaths() {
  const data = await archive();
  return data.platforms.map((platform) => ({ params: { platform: platform.slug }, cacheKey: pageKey(data, platform) }));
}

export const GET: APIRoute = async ({ params }) => {
  const data = await archive();
  return new Response(platformJson(data, data.platform(String(params.platform))!), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
