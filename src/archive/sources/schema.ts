import { z } from 'zod';

/** Document types a platform can declare, with the name used in titles and commit subjects. */
export const DOCUMENT_TYPES = {
  'privacy-policy': 'Privacy Policy',
  'terms-of-service': 'Terms of Service',
  'acceptable-use-policy': 'Acceptable Use Policy',
  'community-guidelines': 'Community Guidelines',
  'trackers-policy': 'Cookie Policy',
  'developer-terms': 'Developer Terms',
  'commercial-terms': 'Commercial Terms',
  'data-processor-agreement': 'Data Processing Addendum',
  'ai-terms': 'AI Terms',
  'ai-privacy-notice': 'AI Privacy Notice',
  'copyright-policy': 'Copyright Policy',
  'law-enforcement-guidelines': 'Law Enforcement Guidelines',
  'health-data-privacy-policy': 'Consumer Health Data Privacy Policy',
  'children-privacy-notice': 'Children’s Privacy Notice',
} as const;
export type DocumentType = keyof typeof DOCUMENT_TYPES;

const MINOR_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

/**
 * What to call a document type: its name when it is one of ours; else its slug in words (an imported
 * history may use types of its own), with a known type first as a heading — `community-guidelines-spam`
 * is "Community Guidelines: Spam", `general-conditions-of-sale` "General Conditions of Sale".
 */
export function documentTypeName(slug: string): string {
  const known = DOCUMENT_TYPES[slug as DocumentType];
  if (known) return known;
  const words = (text: string) =>
    text
      .split('-')
      .filter(Boolean)
      .map((word, index) => (index > 0 && MINOR_WORDS.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)))
      .join(' ');
  const prefix = (Object.keys(DOCUMENT_TYPES) as DocumentType[]).find((type) => slug.startsWith(`${type}-`));
  return prefix ? `${DOCUMENT_TYPES[prefix]}: ${words(slug.slice(prefix.length + 1))}` : words(slug);
}
const documentTypeNames = Object.keys(DOCUMENT_TYPES) as [DocumentType, ...DocumentType[]];

export const PLATFORM_KINDS = [
  'ai', 'social', 'messaging', 'video', 'music', 'marketplace', 'fitness', 'search',
  'productivity', 'gaming', 'dating', 'cloud', 'finance', 'travel', 'other',
] as const;

/**
 * Named built-in filters a source may ask for, applied to the extracted DOM.
 * Kept as a closed list so that a declaration can never run code.
 */
export const FILTER_NAMES = [
  /** Drop every query string from links (for sites that put session ids in every href). */
  'strip-link-queries',
  /** Keep link texts, drop their targets (for sites whose link targets rotate). */
  'unwrap-links',
  /** Drop images and figures entirely, including their alt text. */
  'remove-images',
  /** Drop "Last updated …"/"Effective …" lines, for sites that bump the date on every deploy. */
  'remove-date-lines',
  /** Decode Cloudflare's e-mail protection (`[email protected]` placeholders) back into addresses. */
  'decode-cloudflare-emails',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

/** Platform and document slugs: lower-case letters, digits and single hyphens. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const httpUrl = z.url({ protocol: /^https?$/, hostname: /./, error: 'must be an absolute http(s) URL' });

const cssSelector = z.string().trim().min(1, { error: 'must be a non-empty CSS selector' });

/**
 * A range of the page bounded by two elements: everything from the start (before or after the
 * element the selector finds) to the end (before or after its element).
 */
const rangeSelector = z
  .object({
    startBefore: cssSelector.optional(),
    startAfter: cssSelector.optional(),
    endBefore: cssSelector.optional(),
    endAfter: cssSelector.optional(),
  })
  .strict()
  .refine((r) => (r.startBefore === undefined) !== (r.startAfter === undefined), {
    error: 'a range needs exactly one of startBefore / startAfter',
  })
  .refine((r) => (r.endBefore === undefined) !== (r.endAfter === undefined), {
    error: 'a range needs exactly one of endBefore / endAfter',
  });

const selector = z.union([cssSelector, rangeSelector]);
const selectorList = z.union([selector, z.array(selector)]).transform((s) => (Array.isArray(s) ? s : [s]));

export const documentSourceSchema = z
  .object({
    /** Title shown on the site; defaults to the document type's name. */
    title: z.string().trim().min(1).optional().describe('Title shown on the site; defaults to the name of the document type.'),
    /** Where the document lives. Several URLs are fetched in order and combined into one version. */
    url: z.union([httpUrl, z.array(httpUrl).min(1)]).transform((u) => (Array.isArray(u) ? u : [u])).describe('Where the document lives; several URLs are fetched in order and combined into one version.'),
    /** What part of the page is the document (CSS selectors or ranges). Defaults to `main`, then `body`. */
    select: selectorList.optional().describe('CSS selectors (or {startBefore|startAfter, endBefore|endAfter} ranges) of the document inside the page; default: main, then body.'),
    /** Parts inside the selection that are not the document: navigation, banners, dates. */
    remove: selectorList.default([]).describe('CSS selectors or ranges inside the selection that are not the document: navigation, banners, dates.'),
    /** Named built-in filters (see FILTER_NAMES). */
    filters: z.array(z.enum(FILTER_NAMES)).default([]).describe('Named built-in filters: strip-link-queries, unwrap-links, remove-images, remove-date-lines, decode-cloudflare-emails.'),
    /** The page only shows its text after running scripts: render it in Chromium. */
    browser: z.boolean().default(false).describe('The page only shows its text after running scripts: render it in Chromium.'),
    /** BCP 47 language of the document; defaults to the platform's. */
    language: z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, { error: 'must be a BCP 47 tag like "en" or "pt-BR"' }).optional(),
  })
  .strict();

export const platformSourceSchema = z
  .object({
    /** Display name of the platform, used in commit subjects ("Claude Privacy Policy: …"). */
    name: z.string().trim().min(1).describe('Display name of the platform, used in commit subjects.'),
    /** Home page of the platform. */
    website: httpUrl.describe('Home page of the platform.'),
    /** Company that operates the platform. */
    owner: z.string().trim().min(1).describe('Company that operates the platform.'),
    /** ISO 3166-1 alpha-2 country of the operator's headquarters, optionally with a subdivision (`US-CA`). */
    jurisdiction: z.string().regex(/^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$/, { error: 'must be an ISO 3166 code like "US" or "US-CA"' }).describe('ISO 3166 code of the headquarters of the operator, e.g. US-CA, IE, FR.'),
    /** What sort of service it is. */
    kind: z.enum(PLATFORM_KINDS).describe('What sort of service it is.'),
    /** Default language of its documents. */
    language: z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/).default('en').describe('Default BCP 47 language of its documents.'),
    /** One entry per tracked document, keyed by document type. */
    documents: z
      .partialRecord(z.enum(documentTypeNames), documentSourceSchema)
      .refine((d) => Object.keys(d).length > 0, { error: 'declare at least one document' })
      .describe('One entry per tracked document, keyed by document type.'),
  })
  .strict();

export type PlatformSourceInput = z.input<typeof platformSourceSchema>;
export type PlatformSource = z.output<typeof platformSourceSchema>;
export type DocumentSourceDeclaration = z.output<typeof documentSourceSchema>;
export type Selector = z.output<typeof selector>;
export type RangeSelector = z.output<typeof rangeSelector>;

/** One document to capture, with everything the pipeline needs to know about it. */
export interface Source {
  platform: string;
  platformName: string;
  document: DocumentType;
  documentName: string;
  title: string;
  urls: string[];
  select: Selector[];
  remove: Selector[];
  filters: FilterName[];
  browser: boolean;
  language: string;
}
