import type { APIRoute } from 'astro';
import { archive, type ArchivedDocument } from '../../../../site/archive.ts';
import { provisionsJson } from '../../../../site/open-data.ts';
import { pageKey } from '../../../../site/pages.ts';
import { siteAnalysis } from '../../../../site/provisions.ts';

export async function getStaticPaths() {
  const data = await archive();
  const analysis = await siteAnalysis(data);
  return data.documents.map((document) => ({
    params: { platform: document.platform, document: document.slug },
    props: { document },
    cacheKey: pageKey(data, document, analysis.of(document)?.key),
  }));
}

export const GET: APIRoute = async ({ props }) => {
  const data = await archive();
  const document = props.document as ArchivedDocument;
  const analysis = (await siteAnalysis(data)).of(document)!.analysis;
  return new Response(provisionsJson(data, document, analysis), { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
