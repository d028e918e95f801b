import { z } from 'zod';

/** Category and regulation ids: lower-case letters, digits and single hyphens. */
export const TAXONOMY_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const id = z.string().regex(TAXONOMY_ID, { error: 'must be a slug (a-z, 0-9, single hyphens)' });
const text = z.string().trim().min(1, { error: 'must not be empty' });
const httpUrl = z.url({ protocol: /^https?$/, hostname: /./, error: 'must be an absolute http(s) URL' });

/** Where a rule looks: the section's heading, its body, or both (the default). */
export const RULE_SCOPES = ['any', 'heading', 'text'] as const;

const ruleBase = {
  /** Points the rule adds when it matches (negative rules subtract); counted once per section. */
  weight: z.number().refine((w) => w !== 0 && Number.isFinite(w), { error: 'must be a non-zero number' }),
  /** `heading` rules only look at the heading, `text` rules only at the body; `any` looks at both. */
  in: z.enum(RULE_SCOPES).default('any'),
  /** Why the rule exists, for reviewers (e.g. the false positive a negative rule prevents). */
  note: z.string().optional(),
};

/**
 * A transparent matching rule: a literal phrase (case-insensitive, whole words, any whitespace between
 * words) or a JavaScript regular expression (case-insensitive, Unicode).
 */
export const ruleSchema = z.union([
  z.object({ phrase: text, ...ruleBase }).strict(),
  z
    .object({ pattern: text, ...ruleBase })
    .strict()
    .superRefine((rule, ctx) => {
      try {
        new RegExp(rule.pattern, 'iu');
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['pattern'], message: `not a valid regular expression: ${(error as Error).message}` });
      }
    }),
]);
export type Rule = z.infer<typeof ruleSchema>;

/** A citation of one article of one regulation, written `<regulation id> <article>` (e.g. `gdpr Art. 17`). */
export const citationSchema = z.string().regex(/^[a-z0-9-]+ \S.*$/, { error: 'must be "<regulation id> <article>", e.g. "gdpr Art. 17"' });

export const categorySchema = z
  .object({
    /** Slug used in URLs (`/categories/<id>/`) and feeds. */
    id,
    /** Short title shown on the site. */
    title: text,
    /** What provisions of this category are about, for reviewers and the category page. */
    description: text,
    /** Plain-language "what this means for you", 1–3 neutral sentences. */
    what_it_means: text,
    /** Score a provision needs to be assigned to this category. */
    threshold: z.number().positive({ error: 'must be a positive number' }).default(3),
    /** Matching rules; their matched weights are summed into the score. */
    rules: z.array(ruleSchema).min(1, { error: 'needs at least one rule' }),
    /** Articles of regulations.yaml this category relates to. */
    regulations: z.array(citationSchema).default([]),
  })
  .strict();
export type Category = z.infer<typeof categorySchema>;

export const categoriesFileSchema = z
  .object({
    /** Points a rule matched in the heading adds on top of its weight (a heading names the topic). */
    heading_bonus: z.number().min(0).default(2),
    categories: z.array(categorySchema).min(1),
  })
  .strict();
export type CategoriesFile = z.infer<typeof categoriesFileSchema>;

export const articleSchema = z
  .object({
    /** As the regulation numbers it: `Art. 17`, `§ 1798.105`, `16 CFR § 312.5`. */
    article: text,
    /** The official heading; omitted when the article has none (then `summary` says what it covers). */
    title: text.optional(),
    /** What the article covers, in a sentence, when the title alone does not say it. */
    summary: text.optional(),
    url: httpUrl.optional(),
    /** Not yet checked against the official text; shown as "to be verified". */
    verify: z.boolean().default(false),
    /** Category ids the article governs. */
    categories: z.array(id).min(1, { error: 'must name at least one category' }),
  })
  .strict()
  .refine((a) => a.title !== undefined || a.summary !== undefined, { error: 'needs a title or, for an untitled article, a summary' });
export type Article = z.infer<typeof articleSchema>;

export const regulationSchema = z
  .object({
    id,
    name: text,
    /** The formal citation: `Regulation (EU) 2016/679`, `Cal. Civ. Code § 1798.100 et seq.` */
    citation: text,
    /** ISO 3166 code (`US-CA`, `BR`) or `EU/EEA`. */
    jurisdiction: text,
    /** The official text (EUR-Lex, leginfo, planalto.gov.br, law.go.kr, ecfr.gov …). */
    url: httpUrl,
    verify: z.boolean().default(false),
    /** Who enforces it. */
    authorities: z.array(text).min(1),
    articles: z.array(articleSchema).min(1),
  })
  .strict();
export type Regulation = z.infer<typeof regulationSchema>;

export const regulationsFileSchema = z.object({ regulations: z.array(regulationSchema).min(1) }).strict();
export type RegulationsFile = z.infer<typeof regulationsFileSchema>;
