import * as cheerio from 'cheerio';
import type { AnyNode, ParentNode } from 'domhandler';
import type { Source } from '../sources/schema.ts';
import { ExtractError } from './errors.ts';
import { dropNonContent, rewriteLinksAndFilters } from './clean.ts';
import { describeSelector, isRange, nodesInRange, outermost } from './select.ts';
import { turndownConverter } from './converters/turndown.ts';

export { ExtractError, type ExtractFailure } from './errors.ts';
export { cleanLink, isTrackingParameter } from './links.ts';

/** What extraction needs to know about one fetched page. */
export interface Page {
  /** The URL the page was finally served from; relative links resolve against it. */
  url: string;
  html: string;
}

export type ExtractRules = Pick<Source, 'select' | 'remove' | 'filters'>;

/** When a source names no selector: the page's main landmark, else the whole body. */
const DEFAULT_SELECTION = ['main', '[role="main"]', 'article', 'body'];

/**
 * Turns the captured pages of one source into Markdown: removes what the source declares as
 * noise and everything non-textual, keeps what it selects, makes links absolute and free of
 * tracking parameters, and converts to Markdown. Several pages are joined in declared order.
 */
export function extractContent(pages: readonly Page[], rules: ExtractRules): string {
  const parts = pages.map((page) => extractPage(page, rules));
  return parts.join('\n\n');
}

/**
 * Turns the cleaned, selected nodes of a page into Markdown. The default is turndown with our
 * table rules, chosen by measured fidelity on real captures (docs/decisions/0003).
 */
export type Converter = (nodes: AnyNode[], $: cheerio.CheerioAPI) => string;

export function extractPage(page: Page, rules: ExtractRules, convert: Converter = turndownConverter): string {
  // htmlparser2 rather than parse5: several times faster on multi-megabyte pages, and legal
  // pages are ordinary enough that its leniency does not change the text.
  const $ = cheerio.load(page.html, { xml: { xmlMode: false, decodeEntities: true } });
  const base = baseUrl($, page.url);
  const root = $.root().get(0)!;
  dropNonContent($);

  for (const selector of rules.remove) {
    if (isRange(selector)) {
      const found = nodesInRange($, root, selector);
      // A removal range whose bounds are absent (a promotion that is gone) removes nothing.
      if ('nodes' in found) for (const node of found.nodes) $(node).remove();
    } else {
      $(checked(selector, page.url, $)).remove();
    }
  }

  const selected = select($, root, rules, page.url);
  const container = $('<div></div>');
  for (const node of selected) container.append(node);
  rewriteLinksAndFilters($, container, base, rules.filters);
  const nodes = container.contents().get();
  if (container.text().trim() === '') {
    throw new ExtractError(page.url, 'empty', 'the selected content holds no text');
  }
  return convert(nodes, $);
}

function select($: cheerio.CheerioAPI, root: ParentNode, rules: ExtractRules, url: string): AnyNode[] {
  if (rules.select.length === 0) {
    for (const candidate of DEFAULT_SELECTION) {
      const found = $(candidate).get();
      if (found.length > 0) return outermost(found);
    }
    return root.children;
  }
  const matched: AnyNode[] = [];
  for (const selector of rules.select) {
    if (isRange(selector)) {
      const found = nodesInRange($, root, selector);
      if ('missing' in found) {
        throw new ExtractError(url, 'no-match', `the range bound "${found.missing}" of select ${describeSelector(selector)} matched nothing`);
      }
      matched.push(...found.nodes);
    } else {
      let found = $(checked(selector, url, $)).get();
      // A capture that is an HTML fragment has no <html> or <body>; they mean the whole page.
      if (found.length === 0 && /^\s*(?:html|body)\s*$/i.test(selector)) found = root.children;
      if (found.length === 0) throw new ExtractError(url, 'no-match', `select ${describeSelector(selector)} matched nothing`);
      matched.push(...found);
    }
  }
  // Keep document order whatever the order of the selectors.
  const order = new Map($('*').get().map((node, index) => [node as AnyNode, index]));
  const unique = [...new Set(matched)];
  unique.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return outermost(unique);
}

function checked(selector: string, url: string, $: cheerio.CheerioAPI): string {
  try {
    $(selector);
    return selector;
  } catch (error) {
    throw new ExtractError(url, 'invalid-selector', `invalid CSS selector "${selector}"`, { cause: error });
  }
}

function baseUrl($: cheerio.CheerioAPI, pageUrl: string): string {
  const href = $('base[href]').attr('href');
  if (!href) return pageUrl;
  try {
    return new URL(href, pageUrl).toString();
  } catch {
    return pageUrl;
  }
}
