import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { builtPages, demoSite, hostileSite, readBuilt, SITE_BUILD_TIMEOUT } from '../support/site.ts';

// HTML allows ids that start with a digit ("3-how-we-use-data", a heading's slug); the strict
// form of valid-id only asks for CSS-selector-friendly ids. Titles name the platform, the
// document and the date, which for long names goes past long-title's 70 characters (a search
// engine's display limit, not a rule of HTML). Telephone links carry the class `tel`, which the
// stylesheet keeps on one line (white-space: nowrap), so their text stays the page's own.
const validator = new HtmlValidate({
  extends: ['html-validate:recommended'],
  rules: { 'valid-id': ['error', { relaxed: true }], 'long-title': 'off', 'tel-non-breaking': ['error', { ignoreClasses: ['tel'] }] },
});

async function problems(distDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const page of await builtPages(distDir)) {
    const report = await validator.validateString(await readBuilt(distDir, page), page);
    for (const result of report.results) for (const message of result.messages) found.push(`${page}:${message.line}:${message.column} ${message.ruleId}: ${message.message}`);
  }
  return found;
}

describe('the built HTML', () => {
  it('validates on every page of the demo site', async () => {
    expect(await problems((await demoSite()).distDir)).toEqual([]);
  }, SITE_BUILD_TIMEOUT);

  it('validates on every page of the hostile site, whatever its texts hold', async () => {
    expect(await problems((await hostileSite()).distDir)).toEqual([]);
  }, SITE_BUILD_TIMEOUT);
});
