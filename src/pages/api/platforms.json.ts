import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { platformsJson } from '../../site/open-data.ts';

export const GET: APIRoute = async () => json(platformsJson(await archive()));

function json(body: string): Response {
  return new Response(body, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
}
