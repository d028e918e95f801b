import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { versionsJson } from '../../site/open-data.ts';

export const GET: APIRoute = async () => new Response(versionsJson(await archive()), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
