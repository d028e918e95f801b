import type { APIRoute } from 'astro';
import { archive } from '../../../../site/archive.ts';

/** The latest text of each document, byte for byte the body its Content-Sha256 covers. */
export async function getStaticPaths() {
  return (await archive()).documents.map((document) => ({ params: { platform: document.platform, document: document.slug }, cacheKey: document.latest.contentSha256 }));
}

export const GET: APIRoute = async ({ params }) => {
  const data = await archive();
  const document = data.document(String(params.platform), String(params.document))!;
  return new Response(await data.text(document.latest), { headers: { 'Content-Type': 'text/markdown; charset=utf-8' } });
};
