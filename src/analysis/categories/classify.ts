import type { Category, Rule } from './schema.ts';
import { mayMatch, needlesOfPattern, needlesOfPhrase, wordPrefixes, type Needles } from './needles.ts';
import type { Taxonomy } from './taxonomy.ts';

/** Why a category matched: the rule and the words it matched, with a little context. */
export interface RuleMatch {
  /** The rule as written in categories.yaml: `phrase: …` or `pattern: …`. */
  rule: string;
  weight: number;
  /** Where it matched; a heading match adds the taxonomy's heading bonus. */
  where: 'heading' | 'text';
  excerpt: string;
}

export interface CategoryMatch {
  category: string;
  score: number;
  matched: RuleMatch[];
}

interface CompiledRule {
  label: string;
  weight: number;
  scope: Rule['in'];
  regex: RegExp;
  /** Word starts one of which every match begins with (see needles.ts); null: always run the regex. */
  needles: Needles | null;
}

interface CompiledCategory {
  id: string;
  threshold: number;
  rules: CompiledRule[];
}

/** A taxonomy with every rule compiled once; build it once and classify many provisions with it. */
export interface Classifier {
  headingBonus: number;
  /** Skip a rule's regex when none of its needles occurs (see needles.ts); off only to test that it changes nothing. */
  prefilter: boolean;
  categories: CompiledCategory[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phrase matches whole words, in any case, with any whitespace (including line breaks) between words. */
function phraseRegex(phrase: string): RegExp {
  const words = phrase.trim().split(/\s+/).map(escape).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}])${words}(?![\\p{L}\\p{N}])`, 'iu');
}

function compileRule(rule: Rule): CompiledRule {
  if ('phrase' in rule) {
    return { label: `phrase: ${rule.phrase}`, weight: rule.weight, scope: rule.in, regex: phraseRegex(rule.phrase), needles: needlesOfPhrase(rule.phrase) };
  }
  return { label: `pattern: ${rule.pattern}`, weight: rule.weight, scope: rule.in, regex: new RegExp(rule.pattern, 'iu'), needles: needlesOfPattern(rule.pattern) };
}

export function compileTaxonomy(taxonomy: Pick<Taxonomy, 'categories' | 'headingBonus'>, options: { prefilter?: boolean } = {}): Classifier {
  return {
    headingBonus: taxonomy.headingBonus,
    prefilter: options.prefilter ?? true,
    categories: taxonomy.categories.map((category: Category) => ({
      id: category.id,
      threshold: category.threshold,
      rules: category.rules.map(compileRule),
    })),
  };
}

const EXCERPT_CONTEXT = 40;

function excerptAround(text: string, index: number, length: number): string {
  const start = Math.max(0, index - EXCERPT_CONTEXT);
  const end = Math.min(text.length, index + length + EXCERPT_CONTEXT);
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}

/** Every category's score and matches, assigned or not (for tuning and explanations). */
export function scoreProvision(text: string, heading: string, classifier: Classifier): CategoryMatch[] {
  const results: CategoryMatch[] = [];
  const headingWords = wordPrefixes(heading);
  const textWords = wordPrefixes(text);
  const worthTrying = (rule: CompiledRule, words: Set<string>) => !classifier.prefilter || rule.needles === null || mayMatch(rule.needles, words);
  for (const category of classifier.categories) {
    let score = 0;
    const matched: RuleMatch[] = [];
    for (const rule of category.rules) {
      // A rule counts once: in the heading (with the bonus) when it names the topic there, else in the body.
      const inHeading = rule.scope !== 'text' && worthTrying(rule, headingWords) ? rule.regex.exec(heading) : null;
      const found = inHeading ?? (rule.scope !== 'heading' && worthTrying(rule, textWords) ? rule.regex.exec(text) : null);
      if (!found) continue;
      const where = inHeading ? 'heading' : 'text';
      const bonus = where === 'heading' && rule.weight > 0 ? classifier.headingBonus : 0;
      score += rule.weight + bonus;
      matched.push({ rule: rule.label, weight: rule.weight + bonus, where, excerpt: excerptAround(where === 'heading' ? heading : text, found.index, found[0].length) });
    }
    results.push({ category: category.id, score, matched });
  }
  return results;
}

/**
 * The categories a provision belongs to: those whose summed rule weights reach their threshold, highest
 * score first, each with the matches that explain it. Pure and deterministic.
 */
export function classifyProvision(text: string, heading: string, taxonomy: Classifier | Taxonomy): CategoryMatch[] {
  const classifier = 'regulations' in taxonomy ? compileTaxonomy(taxonomy) : taxonomy;
  const thresholds = new Map(classifier.categories.map((c) => [c.id, c.threshold]));
  return scoreProvision(text, heading, classifier)
    .filter((result) => result.score >= (thresholds.get(result.category) ?? Infinity))
    .sort((a, b) => b.score - a.score || a.category.localeCompare(b.category));
}
