import type { Cheerio, CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import type { FilterName } from '../sources/schema.ts';
import { cleanLink } from './links.ts';

/** Elements that never hold document text. */
const NON_TEXTUAL = [
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'canvas', 'video',
  'audio', 'map', 'link', 'meta', 'head', 'input', 'select', 'textarea', 'option',
].join(',');

/** Hidden by the page itself: never shown to a reader. */
const HIDDEN = ['[hidden]', '[type="hidden"]'].join(',');

/** Elements that hold the text of a document rather than decoration. */
const BLOCK_TEXT = 'p, li, h1, h2, h3, h4, h5, h6, table, dl, blockquote';

const INVISIBLE_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important)?\s*(?:;|$)/i;

/** Removes what is never part of a document: code, media, form controls, hidden elements. */
export function dropNonContent($: CheerioAPI): void {
  $(NON_TEXTUAL).remove();
  $(HIDDEN).remove();
  // aria-hidden hides icons and decoration from screen readers, but accordions also mark their
  // collapsed panels with it: a panel of paragraphs is part of the document.
  $('[aria-hidden="true"]').each((_, element) => {
    if ($(element).find(BLOCK_TEXT).length === 0) $(element).remove();
  });
  // Buttons hold accordion titles as often as "Accept all": keep their text, drop the control.
  $('button').each((_, element) => {
    $(element).replaceWith($(element).contents());
  });
  $('[style]').each((_, element) => {
    if (INVISIBLE_STYLE.test($(element).attr('style') ?? '')) $(element).remove();
  });
  $('*').contents().each((_, node) => {
    if (node.type === 'comment' || node.type === 'directive' || node.type === 'cdata') $(node).remove();
  });
}

const DATE_LINE =
  /^\s*(?:last\s+(?:updated|modified|revised|changed)|(?:date\s+of\s+)?last\s+revision|updated|effective(?:\s+(?:date|as\s+of|from|on))?|revised|version\s+date)\b[\s:]*.{0,60}$/i;

/** Rewrites links and images, then applies the source's named filters. */
export function rewriteLinksAndFilters($: CheerioAPI, scope: Cheerio<AnyNode>, base: string, filters: readonly FilterName[]): void {
  const has = (name: FilterName) => filters.includes(name);
  if (has('decode-cloudflare-emails')) decodeCloudflareEmails($, scope);
  scope.find('img').each((_, element) => {
    const alt = has('remove-images') ? '' : ($(element).attr('alt') ?? '').trim();
    // Image URLs rotate with CDN builds; their alt text is the only stable content.
    if (alt) $(element).replaceWith($('<span></span>').text(alt));
    else $(element).remove();
  });
  scope.find('picture, figure:empty').remove();
  scope.find('a').each((_, element) => {
    const anchor = $(element);
    const href = anchor.attr('href');
    const cleaned = href && !has('unwrap-links') ? cleanLink(href, base, { stripQuery: has('strip-link-queries') }) : undefined;
    if (cleaned) {
      const attributes = Object.keys((element as Element).attribs);
      for (const name of attributes) if (name !== 'href') anchor.removeAttr(name);
      anchor.attr('href', cleaned);
    } else {
      anchor.replaceWith(anchor.contents());
    }
  });
  if (has('remove-date-lines')) {
    scope.find('p, div, span, time, small, em, li, h6, h5, h4').each((_, element) => {
      const node = $(element);
      if (node.children('p, div, li').length === 0 && DATE_LINE.test(node.text())) node.remove();
    });
  }
}

/** Cloudflare replaces e-mail addresses with a hex string XOR-ed with its first byte. */
function decodeCloudflareEmails($: CheerioAPI, scope: Cheerio<AnyNode>): void {
  const decode = (hex: string): string | undefined => {
    if (!/^(?:[0-9a-f]{2})+$/i.test(hex)) return undefined;
    const key = parseInt(hex.slice(0, 2), 16);
    let out = '';
    for (let i = 2; i < hex.length; i += 2) out += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16) ^ key);
    return out;
  };
  scope.find('[data-cfemail]').each((_, element) => {
    const email = decode($(element).attr('data-cfemail') ?? '');
    if (email) $(element).replaceWith($('<span></span>').text(email));
  });
  scope.find('a[href*="/cdn-cgi/l/email-protection#"]').each((_, element) => {
    const email = decode(($(element).attr('href') ?? '').split('#')[1] ?? '');
    if (email) $(element).attr('href', `mailto:${email}`);
  });
}

export function textLength(nodes: AnyNode[], $: CheerioAPI): number {
  return nodes.reduce((sum, node) => sum + $(node).text().trim().length, 0);
}
