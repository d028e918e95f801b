import type { APIRoute } from 'astro';
import { siteUrlOf } from '../site/settings.ts';

export const GET: APIRoute = () => new Response(`User-agent: *\nAllow: /\n\nSitemap: ${siteUrlOf()}/sitemap.xml\n`, { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
