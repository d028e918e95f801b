import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { latestJson } from '../../site/open-data.ts';

export const GET: APIRoute = async () => new Response(await latestJson(await archive()), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
