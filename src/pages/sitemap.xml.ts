import type { APIRoute } from 'astro';
import { archive } from '../site/archive.ts';
import { siteAnalysis } from '../site/provisions.ts';
import { sitemap } from '../site/sitemap.ts';

export const GET: APIRoute = async () => {
  const data = await archive();
  return new Response(sitemap(data, await siteAnalysis(data)), { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
};
