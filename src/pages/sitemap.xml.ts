import type { APIRoute } from 'astro';
import { archive } from '../site/archive.ts';
import { sitemap } from '../site/sitemap.ts';

export const GET: APIRoute = async () => new Response(sitemap(await archive()), { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
