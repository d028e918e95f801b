import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TaxonomyError } from '../../src/analysis/categories/errors.ts';
import { articleIndex, checkConsistency, loadTaxonomy, parseTaxonomy, TAXONOMY_DIR } from '../../src/analysis/categories/taxonomy.ts';

const taxonomy = await loadTaxonomy();
const categoriesText = await readFile(path.join(TAXONOMY_DIR, 'categories.yaml'), 'utf8');
const regulationsText = await readFile(path.join(TAXONOMY_DIR, 'regulations.yaml'), 'utf8');

function parseError(categories: string, regulations: string): TaxonomyError {
  try {
    parseTaxonomy('content/taxonomy', categories, regulations);
  } catch (error) {
    if (error instanceof TaxonomyError) return error;
    throw error;
  }
  throw new Error('expected a TaxonomyError');
}

describe('the reviewed taxonomy', () => {
  it('has at least 30 categories, each explained in plain language', () => {
    expect(taxonomy.categories.length).toBeGreaterThanOrEqual(30);
    for (const category of taxonomy.categories) {
      const sentences = category.what_it_means.split(/(?<=[.!?])\s+/).filter(Boolean);
      expect(sentences.length, category.id).toBeGreaterThanOrEqual(1);
      expect(sentences.length, category.id).toBeLessThanOrEqual(3);
      expect(category.rules.some((r) => r.weight > 0), category.id).toBe(true);
    }
  });

  it('includes the categories the project promises', () => {
    const ids = new Set(taxonomy.categories.map((c) => c.id));
    for (const id of [
      'ai-training', 'human-review', 'automated-decisions', 'data-sale', 'targeted-advertising', 'retention', 'deletion',
      'access-portability', 'children', 'biometrics', 'location', 'law-enforcement-requests', 'breach-notification',
      'international-transfers', 'arbitration', 'class-action-waiver', 'governing-law', 'unilateral-changes',
      'account-termination', 'content-licence', 'liability-limits', 'acceptable-use',
    ]) expect(ids, id).toContain(id);
  });

  it('covers GDPR, CCPA/CPRA, LGPD, PIPA, the AI Act, the DSA and COPPA', () => {
    const ids = taxonomy.regulations.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['gdpr', 'ccpa', 'lgpd', 'pipa', 'ai-act', 'dsa', 'coppa']));
    for (const regulation of taxonomy.regulations) expect(regulation.authorities.length, regulation.id).toBeGreaterThan(0);
  });

  it('cites only articles that exist in regulations.yaml, and every article names existing categories', () => {
    const index = articleIndex(taxonomy.regulations);
    const ids = new Set(taxonomy.categories.map((c) => c.id));
    for (const category of taxonomy.categories) {
      expect(category.regulations.length, `${category.id} cites no regulation`).toBeGreaterThan(0);
      for (const citation of category.regulations) expect(index.has(citation), `${category.id}: ${citation}`).toBe(true);
    }
    for (const [citation, { article }] of index) for (const id of article.categories) expect(ids.has(id), `${citation}: ${id}`).toBe(true);
    expect(checkConsistency(taxonomy)).toEqual({ categories: [], regulations: [] });
  });

  it('cites the articles the issue names, with their official titles', () => {
    const index = articleIndex(taxonomy.regulations);
    expect(index.get('gdpr Art. 17')?.article.title).toBe("Right to erasure ('right to be forgotten')");
    expect(index.get('gdpr Art. 22')?.article.title).toBe('Automated individual decision-making, including profiling');
    expect(index.get('ccpa § 1798.120')?.article.title).toBe("Consumers' Right to Opt Out of Sale or Sharing of Personal Information");
    expect(index.get('dsa Art. 27')?.article.title).toBe('Recommender system transparency');
    expect(index.get('ai-act Art. 50')?.article.title).toBe('Transparency obligations for providers and deployers of certain AI systems');
  });
});

describe('loading errors name the file and the field', () => {
  it('reports a bad regular expression by category id and rule index', () => {
    const broken = categoriesText.replace('{ phrase: "training data", weight: 2 }', '{ pattern: "(unclosed", weight: 2 }');
    const error = parseError(broken, regulationsText);
    expect(error.message).toContain(path.join('content/taxonomy', 'categories.yaml'));
    expect(error.message).toMatch(/categories\[ai-training\]\.rules\.\d+\.pattern: not a valid regular expression/);
  });

  it('reports a citation of an article that is not in regulations.yaml', () => {
    const broken = categoriesText.replace('      - gdpr Art. 22\n', '      - gdpr Art. 22\n      - gdpr Art. 999\n');
    const error = parseError(broken, regulationsText);
    expect(error.message).toContain('categories[automated-decisions].regulations: "gdpr Art. 999" is not an article of regulations.yaml');
  });

  it('reports an article naming an unknown category', () => {
    const broken = regulationsText.replace('categories: [breach-notification]', 'categories: [breach-notification, no-such-category]');
    const error = parseError(categoriesText, broken);
    expect(error.message).toContain(path.join('content/taxonomy', 'regulations.yaml'));
    expect(error.message).toContain('no category "no-such-category"');
  });

  it('reports a missing field and invalid YAML', () => {
    expect(parseError(categoriesText.replace(/^    what_it_means: .*\n/m, ''), regulationsText).message).toMatch(/categories\[ai-training\]\.what_it_means/);
    expect(parseError('categories: [', regulationsText).message).toContain('not valid YAML');
  });
});
