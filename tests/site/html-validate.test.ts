import { describe, expect, it } from 'vitest';
import { demoSite, hostileSite, SITE_BUILD_TIMEOUT } from '../support/site.ts';
import { htmlProblems } from '../support/site-checks.ts';

describe('the built HTML', () => {
  it('validates on every page of the demo site', async () => {
    expect(await htmlProblems((await demoSite()).distDir)).toEqual([]);
  }, SITE_BUILD_TIMEOUT);

  it('validates on every page of the hostile site, whatever its texts hold', async () => {
    expect(await htmlProblems((await hostileSite()).distDir)).toEqual([]);
  }, SITE_BUILD_TIMEOUT);
});
