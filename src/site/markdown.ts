import type { Element, ElementContent, Nodes as HastNodes, Parents as HastParents, Root as HastRoot, Text as HastText } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { markdownToHast } from 'satteri';
import { segmentWithLines } from '../analysis/provisions/segment.ts';
import { renderTextJob } from './render-pool.ts';

/**
 * Renders archived Markdown — scraped, untrusted text — to HTML that is safe to put in a page:
 * raw HTML in the text is shown as text (never as markup), links keep only http(s), mailto and
 * tel targets (relative ones are resolved against the document's source URL), images become
 * links (a reader's browser never fetches from a platform's server), no element keeps a style
 * or an event attribute, and every heading gets a stable, deduplicated id with an anchor link.
 *
 * Parsing (CommonMark + GFM) is Sätteri's, in Rust: the tree it returns has the shape of
 * remark-rehype's, and is some 40 times faster to get than through micromark and mdast, which
 * matters for thousands of versions. Everything that makes the output safe happens here, on
 * that tree, whatever the parser put in it.
 */

export interface Heading {
  /** 2–6: document headings are shifted one level down, below the page's own h1. */
  depth: number;
  id: string;
  text: string;
}

export interface RenderedText {
  html: string;
  headings: Heading[];
}

export interface RenderOptions {
  /** Where relative links in the text point to: the document's source URL. */
  base?: string | undefined;
  /** Ids the page itself uses, which headings must not take. */
  reservedIds?: readonly string[];
  /**
   * The text's provisions, in order, as its analysis found them (a version's or a document's page):
   * each is anchored `#provision-<id>` where it starts. A section's heading gets the anchor and a
   * link to the provision's history (`href`); a clause, a definition or a group of paragraphs gets
   * the anchor on its paragraph or list item. Only headings the segmenter reads as sections start
   * one. Left out, links and anchors, when the text does not segment into as many provisions.
   */
  provisions?: ReadonlyArray<{ id: string; href: string }>;
  /** The level of the page's heading the text sits under (default 1: the page title). */
  headingBase?: number;
}

/** Ids used by the site's own page structure; a heading called "History" becomes `history-1`. */
export const PAGE_IDS = [
  'main', 'top', 'text', 'contents', 'citation', 'cite', 'cite-plain', 'cite-bibtex', 'cite-csl-json', 'diff', 'diff-line-by-line',
  'diff-line-by-line-title', 'diff-side-by-side', 'diff-side-by-side-title', 'history', 'versions', 'search', 'feeds', 'about-document', 'footnote-label',
  'provisions', 'removed-provisions', 'changes-by-provision', 'about-provision', 'categories', 'provision-text', 'what-it-means', 'platforms', 'regulations',
  'changes', 'topics',
] as const;

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);

/**
 * The target of a link found in archived text, or undefined when it must not be a link.
 * The WHATWG URL parser does what a browser does with `java\tscript:` or ` JAVASCRIPT:`, so the
 * protocol checked is the one a browser would follow.
 */
export function safeHref(raw: string, base?: string): string | undefined {
  const value = raw.trim();
  if (value === '') return undefined;
  if (value.startsWith('#')) return /^#[^\s<>"']*$/.test(value) ? value : undefined;
  let url: URL;
  try {
    url = base ? new URL(value, base) : new URL(value);
  } catch {
    return undefined;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}

/** A heading's slug: lower-case letters and digits of any script, joined by hyphens. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s-]+/gu, '')
    .trim()
    .replace(/[\s-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'section';
}

function textOf(node: HastNodes): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return node.children.map((child) => textOf(child as HastNodes)).join('');
  return '';
}

const element = (tagName: string, properties: Element['properties'], children: ElementContent[]): Element => ({ type: 'element', tagName, properties, children });
const text = (value: string): HastText => ({ type: 'text', value });

/** Where a text's provisions go: the sections' headings in order, the others' lines. */
interface Provisions {
  sections: ReadonlyArray<{ id: string; href: string }>;
  others: ReadonlyArray<{ id: string; line: number }>;
}

function transform(tree: HastRoot, options: RenderOptions, provisions?: Provisions): { headings: Heading[]; sectionHeadings: number } {
  const reserved = new Set<string>(options.reservedIds ?? PAGE_IDS);
  const used = new Set<string>(reserved);
  for (const provision of options.provisions ?? []) used.add(`provision-${provision.id}`);
  const headings: Heading[] = [];
  let headingIndex = 0;
  // Links to places in the text ("see Retention", "#GUID-…"): the page they came from named its
  // places its own way; they are matched to ours once every heading has its id.
  const inText: Element[] = [];
  const bySlug = new Map<string, string>();
  // Scraped texts skip heading levels ("#" then "####"); the page's outline may not. Each heading
  // goes one level below the nearest earlier heading of a higher original level (h6 at most).
  const base = options.headingBase ?? 1;
  const outline: Array<{ level: number; depth: number }> = [];
  const depthOf = (level: number): number => {
    while (outline.length && outline[outline.length - 1]!.level >= level) outline.pop();
    const depth = Math.min(6, (outline[outline.length - 1]?.depth ?? base) + 1);
    outline.push({ level, depth });
    return depth;
  };
  // `inLink`: inside a link's text, where a linked image cannot be a link of its own (no <a> in <a>).
  // `place`: where the children stand. The headings that start provisions are those the segmenter
  // reads as sections: at the top of the text, or in a top-level list item that opens with a heading
  // (liftListHeadings, which also lifts such items of a list inside a lifted item); a heading
  // further inside a list or a quote starts none.
  const visit = (parent: HastParents, inLink = false, place: 'top' | 'top list' | 'lifted item' | 'inside' = 'top') => {
    parent.children = parent.children.flatMap((child): Array<typeof child> => {
      // Raw HTML in a scraped text is text that the page happened to contain: show it, never run it.
      if ((child as { type: string }).type === 'raw') return [text((child as unknown as { value: string }).value)];
      if (child.type !== 'element') return [child];
      keepSafeProperties(child);
      // A lifted item's content is dedented: a list in it is a top-level list in its turn.
      const startsProvision = place === 'top' || place === 'lifted item';
      const childPlace =
        startsProvision && (child.tagName === 'ul' || child.tagName === 'ol') ? 'top list'
        : place === 'top list' && child.tagName === 'li' && opensWithHeading(child) ? 'lifted item'
        : 'inside';
      visit(child, inLink || child.tagName === 'a', childPlace);
      // Markdown tables need a header row, so a page's table that had none comes with an empty one:
      // it is left out. An empty header cell (a corner) is a plain cell: a header names something.
      if (child.tagName === 'thead' && !textOf(child).trim()) return [];
      // A Markdown table's header cells head its columns (said outright: a row that mixes header and
      // plain cells is not a simple table any more).
      if (child.tagName === 'th') {
        if (textOf(child).trim()) child.properties.scope = 'col';
        else child.tagName = 'td';
      }
      const heading = /^h([1-6])$/.exec(child.tagName);
      if (heading) {
        const depth = depthOf(Number(heading[1]));
        const label = textOf(child).replace(/\s+/g, ' ').trim();
        // The footnotes' heading keeps the id its references point to (aria-describedby).
        let id = child.properties.id === 'footnote-label' ? 'footnote-label' : slugify(label);
        if (id !== 'footnote-label') for (let n = 1; used.has(id); n++) id = `${slugify(label)}-${n}`;
        used.add(id);
        if (!bySlug.has(slugify(label))) bySlug.set(slugify(label), id);
        headings.push({ depth, id, text: label });
        child.tagName = `h${depth}`;
        child.properties = { id };
        // The anchor sits beside the heading, not in it: the heading's name stays its own text
        // (for screen readers, and for search results that quote it).
        const provision = id === 'footnote-label' || !startsProvision ? undefined : provisions?.sections[headingIndex++];
        return [
          element('div', { className: ['heading'] }, [
            child,
            element('a', { className: ['anchor'], href: `#${id}`, dataPagefindIgnore: 'all' }, [
              element('span', { ariaHidden: 'true' }, [text('§')]),
              element('span', { className: ['visually-hidden'] }, [text(`Link to the section “${label}”`)]),
            ]),
            ...(provision
              ? [
                  // Its anchor, unless the page itself uses that id (then the link goes without one).
                  element('a', { className: ['provision-link'], ...(reserved.has(`provision-${provision.id}`) ? {} : { id: `provision-${provision.id}` }), href: provision.href, dataPagefindIgnore: 'all' }, [
                    text('history'),
                    element('span', { className: ['visually-hidden'] }, [text(` of the section “${label}”`)]),
                  ]),
                ]
              : []),
          ]),
        ];
      }
      if (child.tagName === 'a') {
        const href = typeof child.properties.href === 'string' ? child.properties.href : '';
        // Footnote references and back-references point inside the page.
        const target = safeHref(href, options.base);
        if (target === undefined) return [element('span', { className: ['dropped-link'] }, child.children)];
        const internal = target.startsWith('#');
        child.properties = {
          href: target,
          ...(internal ? pick(child.properties, ['id', 'dataFootnoteRef', 'dataFootnoteBackref', 'ariaDescribedBy', 'ariaLabel', 'className']) : { rel: ['nofollow', 'noreferrer'] }),
          // A telephone number is not broken across lines (the stylesheet keeps `.tel` on one line).
          ...(target.startsWith('tel:') ? { className: ['tel'] } : {}),
        };
        if (internal && child.properties.dataFootnoteRef === undefined && child.properties.dataFootnoteBackref === undefined) inText.push(child);
        return [child];
      }
      if (child.tagName === 'img') {
        const src = typeof child.properties.src === 'string' ? safeHref(child.properties.src, options.base) : undefined;
        const alt = typeof child.properties.alt === 'string' && child.properties.alt.trim() ? child.properties.alt.trim() : 'untitled';
        const label = text(`[image: ${alt}]`);
        return [src && !inLink ? element('a', { href: src, rel: ['nofollow', 'noreferrer'], className: ['image-link'] }, [label]) : element('span', { className: ['image-link'] }, [label])];
      }
      return [child];
    }) as typeof parent.children;
  };
  visit(tree);
  if (provisions?.others.length) anchorProvisions(tree, provisions.others, reserved);
  if (inText.length) resolvePlaces(tree, inText, bySlug);
  return { headings, sectionHeadings: headingIndex };
}

/** Elements a provision without a heading may start at. */
const STARTS = new Set(['p', 'li', 'ul', 'ol', 'table', 'pre', 'blockquote', 'hr']);

/**
 * Gives each provision that has no heading (a clause, a definition, a group of paragraphs) its
 * anchor: on the list item that starts at its line, else on the first element there (a paragraph),
 * else on the next one. The parser's lines are the source's, as the segmenter's are.
 */
function anchorProvisions(tree: HastRoot, anchors: ReadonlyArray<{ id: string; line: number }>, reserved: ReadonlySet<string>): void {
  const starts: Array<{ line: number; node: Element }> = [];
  const collect = (node: HastParents) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      const line = child.position?.start.line;
      if (line !== undefined && STARTS.has(child.tagName)) starts.push({ line, node: child });
      collect(child);
    }
  };
  collect(tree);
  let from = 0;
  for (const { id, line } of anchors) {
    const anchor = `provision-${id}`;
    if (line === 0 || reserved.has(anchor)) continue;
    while (from < starts.length && starts[from]!.line < line) from++;
    let found: Element | undefined;
    for (let i = from; i < starts.length && starts[i]!.line === line; i++) {
      const node = starts[i]!.node;
      if (node.properties.id !== undefined) continue;
      if (!found || (node.tagName === 'li' && found.tagName !== 'li')) found = node;
    }
    found ??= starts.slice(from).find((start) => start.node.properties.id === undefined)?.node;
    if (found) found.properties.id = anchor;
  }
}

/** Whether an element's first element child is a heading (a list item like `6. ## Introduction`). */
function opensWithHeading(node: Element): boolean {
  const first = node.children.find((child): child is Element => child.type === 'element');
  return first !== undefined && /^h[1-6]$/.test(first.tagName);
}

/**
 * Points links to places in the text at the ids that mark them: an id of the text as it is, else the
 * heading whose slug the place's name slugifies to ("#Retention"; "#history" for a heading whose id
 * had to become "history-1"). A place no id marks leaves plain text, rather than a link that goes
 * nowhere, or to one of the page's own sections.
 */
function resolvePlaces(tree: HastRoot, links: Element[], bySlug: ReadonlyMap<string, string>): void {
  const ids = new Set<string>();
  const collect = (node: HastParents) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      if (typeof child.properties.id === 'string') ids.add(child.properties.id);
      collect(child);
    }
  };
  collect(tree);
  for (const link of links) {
    const target = link.properties.href as string;
    let place = target.slice(1);
    try {
      place = decodeURIComponent(place);
    } catch {}
    if (ids.has(place)) continue;
    const id = /[\p{L}\p{N}]/u.test(place) ? bySlug.get(slugify(place)) : undefined;
    if (id) link.properties.href = `#${id}`;
    else {
      link.tagName = 'span';
      link.properties = { className: ['dead-link'] };
    }
  }
}

/** Properties the renderer may output; the rest (style, event handlers, anything new) are dropped. */
const SAFE_PROPERTIES = new Set(['href', 'src', 'alt', 'title', 'id', 'className', 'type', 'checked', 'disabled', 'start', 'colSpan', 'rowSpan', 'dataFootnotes', 'dataFootnoteRef', 'dataFootnoteBackref', 'ariaDescribedBy', 'ariaLabel']);

function keepSafeProperties(node: Element): void {
  const properties: Element['properties'] = {};
  for (const [name, value] of Object.entries(node.properties)) {
    if (SAFE_PROPERTIES.has(name)) properties[name] = value;
  }
  // Table alignment comes as an inline style, which the CSP forbids: a class says it instead.
  const align = typeof node.properties.style === 'string' ? /text-align:\s*(left|center|right)/.exec(node.properties.style)?.[1] : undefined;
  if (align) properties.className = [`align-${align}`];
  // Only footnotes carry ids from the parser; headings get theirs below.
  if (typeof properties.id === 'string' && !/^(user-content-|footnote-label$)/.test(properties.id)) delete properties.id;
  if (node.tagName === 'input' && properties.type !== 'checkbox') {
    node.tagName = 'span';
    for (const name of Object.keys(properties)) delete properties[name];
  }
  node.properties = properties;
}

function pick(properties: Element['properties'], names: string[]): Element['properties'] {
  return Object.fromEntries(names.filter((name) => properties[name] !== undefined).map((name) => [name, properties[name]]));
}

/** Renders once, without caching. */
export function renderMarkdownUncached(markdown: string, options: RenderOptions = {}): RenderedText {
  const hast = markdownToHast(markdown, { features: { frontmatter: false, gfm: true, rawHtml: false } }) as unknown as HastRoot;
  const provisions = options.provisions && placesOf(markdown, options.provisions);
  const { headings, sectionHeadings } = transform(hast, options, provisions);
  if (provisions && sectionHeadings !== provisions.sections.length) {
    // The headings are not the provisions' (a text the parser reads otherwise): no links rather than wrong ones.
    const { provisions: _, ...rest } = options;
    const again = markdownToHast(markdown, { features: { frontmatter: false, gfm: true, rawHtml: false } }) as unknown as HastRoot;
    return { html: toHtml(again), headings: transform(again, rest).headings };
  }
  return { html: toHtml(hast), headings };
}

/** Which of a text's provisions start at a heading, and the lines where the others start (none when the text segments otherwise). */
function placesOf(markdown: string, given: ReadonlyArray<{ id: string; href: string }>): Provisions {
  const { provisions, lines } = segmentWithLines(markdown);
  if (provisions.length !== given.length) return { sections: [], others: [] };
  return {
    sections: given.filter((_, i) => provisions[i]!.kind === 'section'),
    others: given.flatMap((provision, i) => (provisions[i]!.kind === 'section' ? [] : [{ id: provision.id, line: lines[i]! }])),
  };
}

/** Texts up to this many characters are rendered on the calling thread. */
const INLINE_RENDER = 4096;

/**
 * Renders a text for a page: a long one on the render pool's threads, a short one (a provision's few
 * paragraphs) here, faster than a round trip behind the queue of whole documents and diffs. Nothing is
 * kept: each text is rendered for one page (a version's, its document's with provision links, a
 * provision's), and keeping thousands of rendered documents for the whole build only made work for
 * the garbage collector. Across builds, Astro's incremental build skips the pages themselves.
 */
export function renderMarkdown(markdown: string, options: RenderOptions = {}): Promise<RenderedText> {
  return markdown.length <= INLINE_RENDER ? Promise.resolve(renderMarkdownUncached(markdown, options)) : renderTextJob(markdown, options);
}
