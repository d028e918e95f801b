import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { TaxonomyError } from './errors.ts';
import { categoriesFileSchema, regulationsFileSchema, type Article, type Category, type Regulation } from './schema.ts';

export interface Taxonomy {
  headingBonus: number;
  categories: Category[];
  regulations: Regulation[];
}

/** A resolved citation: the regulation and the article a category points at. */
export interface ArticleRef {
  regulation: Regulation;
  article: Article;
}

export const CATEGORIES_FILE = 'categories.yaml';
export const REGULATIONS_FILE = 'regulations.yaml';

/** The repository's taxonomy folder. */
export const TAXONOMY_DIR = path.resolve(import.meta.dirname, '../../../content/taxonomy');

/**
 * Formats zod issues as `field.path: message`, naming list items by their `id` when they have one
 * (`categories[ai-training].rules.2.pattern`) so that a person can find them in the YAML.
 */
function describeIssues(error: z.ZodError, raw: unknown): string[] {
  return error.issues.map((issue) => {
    let node: unknown = raw;
    let where = '';
    for (const key of issue.path) {
      const child = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
      const childId = child !== null && typeof child === 'object' ? (child as { id?: unknown }).id : undefined;
      if (typeof key === 'number' && typeof childId === 'string') where += `[${childId}]`;
      else where += where === '' ? String(key) : `.${String(key)}`;
      node = child;
    }
    return `${where === '' ? '(top level)' : where}: ${issue.message}`;
  });
}

function parseFile<T>(file: string, text: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new TaxonomyError(file, [`not valid YAML: ${detail}`], { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new TaxonomyError(file, describeIssues(parsed.error, raw), { cause: parsed.error });
  return parsed.data;
}

export function citationOf(regulation: Regulation, article: Article): string {
  return `${regulation.id} ${article.article}`;
}

/** Every `<regulation> <article>` citation, resolved. */
export function articleIndex(regulations: Regulation[]): Map<string, ArticleRef> {
  const index = new Map<string, ArticleRef>();
  for (const regulation of regulations) for (const article of regulation.articles) index.set(citationOf(regulation, article), { regulation, article });
  return index;
}

/**
 * The checks no single-file schema can make: unique ids, every citation resolves, and the two files
 * agree (a category cites an article exactly when that article lists the category).
 */
export function checkConsistency(taxonomy: Taxonomy): { categories: string[]; regulations: string[] } {
  const categoryProblems: string[] = [];
  const regulationProblems: string[] = [];
  const ids = new Set<string>();
  for (const category of taxonomy.categories) {
    if (ids.has(category.id)) categoryProblems.push(`categories[${category.id}]: duplicate id`);
    ids.add(category.id);
  }
  const regulationIds = new Set<string>();
  for (const regulation of taxonomy.regulations) {
    if (regulationIds.has(regulation.id)) regulationProblems.push(`regulations[${regulation.id}]: duplicate id`);
    regulationIds.add(regulation.id);
    const seen = new Set<string>();
    for (const article of regulation.articles) {
      if (seen.has(article.article)) regulationProblems.push(`regulations[${regulation.id}].articles: "${article.article}" is listed twice`);
      seen.add(article.article);
    }
  }
  const index = articleIndex(taxonomy.regulations);
  const byId = new Map(taxonomy.categories.map((c) => [c.id, c]));
  for (const category of taxonomy.categories) {
    for (const citation of category.regulations) {
      const ref = index.get(citation);
      if (!ref) categoryProblems.push(`categories[${category.id}].regulations: "${citation}" is not an article of regulations.yaml`);
      else if (!ref.article.categories.includes(category.id)) {
        categoryProblems.push(`categories[${category.id}].regulations: cites "${citation}", whose categories do not list "${category.id}"`);
      }
    }
  }
  for (const [citation, { regulation, article }] of index) {
    for (const categoryId of article.categories) {
      const category = byId.get(categoryId);
      const where = `regulations[${regulation.id}].articles[${article.article}].categories`;
      if (!category) regulationProblems.push(`${where}: no category "${categoryId}" in categories.yaml`);
      else if (!category.regulations.includes(citation)) regulationProblems.push(`${where}: "${categoryId}" does not cite "${citation}" back`);
    }
  }
  return { categories: categoryProblems, regulations: regulationProblems };
}

/** Parses the two files' texts; `dir` only names them in errors. */
export function parseTaxonomy(dir: string, categoriesText: string, regulationsText: string): Taxonomy {
  const categoriesFile = path.join(dir, CATEGORIES_FILE);
  const regulationsFile = path.join(dir, REGULATIONS_FILE);
  const categories = parseFile(categoriesFile, categoriesText, categoriesFileSchema);
  const regulations = parseFile(regulationsFile, regulationsText, regulationsFileSchema);
  const taxonomy = { headingBonus: categories.heading_bonus, categories: categories.categories, regulations: regulations.regulations };
  const problems = checkConsistency(taxonomy);
  if (problems.categories.length > 0) throw new TaxonomyError(categoriesFile, problems.categories);
  if (problems.regulations.length > 0) throw new TaxonomyError(regulationsFile, problems.regulations);
  return taxonomy;
}

export async function loadTaxonomy(dir: string = TAXONOMY_DIR): Promise<Taxonomy> {
  const read = async (name: string) => {
    const file = path.join(dir, name);
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new TaxonomyError(file, [`cannot be read: ${(error as Error).message}`], { cause: error });
    }
  };
  return parseTaxonomy(dir, await read(CATEGORIES_FILE), await read(REGULATIONS_FILE));
}
