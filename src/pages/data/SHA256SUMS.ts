import type { APIRoute } from 'astro';
import { archive } from '../../site/archive.ts';
import { checksums, latestJson } from '../../site/open-data.ts';
import { sha256 } from '../../history/version-file.ts';

/** `sha256sum -c SHA256SUMS` over the downloaded `latest.json` and `latest/<platform>/<document>.md`. */
export const GET: APIRoute = async () => {
  const data = await archive();
  return new Response(checksums(data, await latestJson(data), sha256), { headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
};
