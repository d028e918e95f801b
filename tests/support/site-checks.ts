import * as cheerio from 'cheerio';
import { HtmlValidate } from 'html-validate';
import { builtExists, builtPages, readBuilt } from './site.ts';

// HTML allows ids that start with a digit ("3-how-we-use-data", a heading's slug); the strict
// form of valid-id only asks for CSS-selector-friendly ids. Titles name the platform, the
// document and the date, which for long names goes past long-title's 70 characters (a search
// engine's display limit, not a rule of HTML). Telephone links carry the class `tel`, which the
// stylesheet keeps on one line (white-space: nowrap), so their text stays the page's own.
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'valid-id': ['error', { relaxed: true }], 'long-title': 'off', 'tel-non-breaking': ['error', { ignoreClasses: ['tel'] }] },
});

/** Every message html-validate has on the pages of a build, as `page:line:column rule: message`. */
export async function htmlProblems(distDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const page of await builtPages(distDir)) {
    const report = await validator.validateString(await readBuilt(distDir, page), page);
    for (const result of report.results) for (const message of result.messages) found.push(`${page}:${message.line}:${message.column} ${message.ruleId}: ${message.message}`);
  }
  return found;
}

/** Internal links (site paths, and places on a page: `#id`) whose page or place does not exist. */
export async function brokenLinks(distDir: string, base = ''): Promise<string[]> {
  const ids = new Map<string, Set<string>>();
  const idsOf = async (page: string) => {
    if (!ids.has(page)) ids.set(page, new Set(cheerio.load(await readBuilt(distDir, page))('[id]').toArray().map((element) => element.attribs.id!)));
    return ids.get(page)!;
  };
  const broken = new Set<string>();
  for (const page of await builtPages(distDir)) {
    const $ = cheerio.load(await readBuilt(distDir, page));
    for (const element of $('a[href], link[href]').toArray()) {
      const href = $(element).attr('href')!;
      if (!href.startsWith('/') && !href.startsWith('#')) continue;
      const [pathPart, place] = href.split('#') as [string, string | undefined];
      const target = pathPart === '' ? page : pathPart.split('?')[0]!.slice(base.length);
      if (!(await builtExists(distDir, target))) broken.add(`${page} → ${href}`);
      else if (place !== undefined && target.endsWith('/') && !(await idsOf(target)).has(decodeURIComponent(place))) broken.add(`${page} → ${href} (no such place)`);
    }
  }
  return [...broken];
}
