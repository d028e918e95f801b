import { describe, expect, it } from 'vitest';
import { extractContent, extractPage as extractRaw, ExtractError, cleanLink } from '../../src/archive/extract/index.ts';
import type { ExtractRules } from '../../src/archive/extract/index.ts';
import { normalizeMarkdown } from '../../src/archive/normalize/index.ts';

/** Extraction followed by normalization, as the pipeline runs them. */
const extractPage = (...args: Parameters<typeof extractRaw>) => normalizeMarkdown(extractRaw(...args));
const rules = (over: Partial<ExtractRules> = {}): ExtractRules => ({ select: [], remove: [], filters: [], ...over });
const page = (body: string, url = 'https://www.example.com/legal/privacy') => ({ url, html: `<!doctype html><html><head><title>t</title><style>p{}</style></head><body>${body}</body></html>` });

describe('extractContent', () => {
  it('selects main by default and drops scripts, styles, hidden and non-textual elements', () => {
    const md = extractPage(
      page(`<nav>Menu</nav><main><h1>Privacy</h1><p>Visible text.<span hidden>secret</span><span aria-hidden="true">icon</span><span style="display: none">x</span></p>
        <script>alert(1)</script><noscript>enable js</noscript><svg><text>svg text</text></svg><iframe src="https://t.example/"></iframe>
        <input type="hidden" value="abc123"><img src="/logo.png" alt="Company logo"><img src="/pixel.gif"><!-- a comment --></main><footer>Footer</footer>`),
      rules(),
    );
    expect(md).toBe('# Privacy\n\nVisible text.\n\nCompany logo\n');
  });

  it('keeps accordion titles and collapsed panels, drops decorative hidden parts', () => {
    const md = extractPage(page('<main><button aria-expanded="false"><h3>What we collect</h3><span aria-hidden="true">+</span></button><div aria-hidden="true"><p>Account data.</p></div></main>'), rules());
    expect(md).toBe('### What we collect\n\nAccount data.\n');
  });

  it('keeps same-page anchors relative and reads fragments without a body', () => {
    const fragment = { url: 'https://a.example/terms', html: '<h1>Terms</h1><p>See <a href="#s2">section 2</a> and <a href="#">top</a>.</p>' };
    expect(extractPage(fragment, rules({ select: ['body'] }))).toBe('# Terms\n\nSee [section 2](#s2) and top.\n');
  });

  it('falls back to body when the page has no main landmark', () => {
    expect(extractPage(page('<div><p>Only body text here.</p></div>'), rules())).toBe('Only body text here.\n');
  });

  it('applies select and remove selectors, keeping document order', () => {
    const html = page('<div class="b"><p>Second</p></div><div class="a"><p>First</p><p class="date">Last updated today</p></div>');
    expect(extractPage(html, rules({ select: ['.b', '.a'], remove: ['.date'] }))).toBe('Second\n\nFirst\n');
  });

  it('removes a range between two elements', () => {
    const html = page('<main><p>Keep one.</p><div id="promo-start"></div><p>Ad one.</p><p>Ad two.</p><div id="promo-end"></div><p>Keep two.</p></main>');
    expect(extractPage(html, rules({ remove: [{ startBefore: '#promo-start', endAfter: '#promo-end' }] }))).toBe('Keep one.\n\nKeep two.\n');
    expect(extractPage(html, rules({ remove: [{ startAfter: '#promo-start', endBefore: '#promo-end' }] }))).toBe('Keep one.\n\nKeep two.\n');
  });

  it('selects a range, and ignores a removal range whose bounds are gone', () => {
    const html = page('<h2 id="s">Start</h2><p>Inside.</p><h2 id="e">End</h2><p>After.</p>');
    expect(extractPage(html, rules({ select: [{ startBefore: '#s', endBefore: '#e' }], remove: [{ startBefore: '#gone', endAfter: '#e' }] }))).toBe('## Start\n\nInside.\n');
  });

  it('makes links absolute, strips tracking parameters and unsafe protocols', () => {
    const md = extractPage(
      page(`<main><p><a href="/cookies?utm_source=x&amp;utm_medium=y&amp;lang=en">Cookies</a> <a href="../terms?fbclid=abc#s2">Terms</a>
        <a href="javascript:alert(1)">Click</a> <a href="mailto:dpo@example.com">DPO</a> <a href="https://other.example/p?gclid=1">Other</a></p></main>`),
      rules(),
    );
    expect(md).toContain('[Cookies](https://www.example.com/cookies?lang=en)');
    expect(md).toContain('[Terms](https://www.example.com/terms#s2)');
    expect(md).toContain('[DPO](mailto:dpo@example.com)');
    expect(md).toContain('[Other](https://other.example/p)');
    expect(md).not.toContain('javascript');
    expect(md).toContain('Click');
  });

  it('resolves links against <base href>', () => {
    const html = { url: 'https://a.example/x/y', html: '<html><head><base href="https://cdn.example/docs/"></head><body><main><a href="p">P</a></main></body></html>' };
    expect(extractPage(html, rules())).toBe('[P](https://cdn.example/docs/p)\n');
  });

  it('applies named filters', () => {
    const html = page('<main><p class="x">Last updated: March 3, 2025</p><p>Text with <a href="/a?session=123">a link</a>.</p><p><a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="5f3b2f301f3a273e322f333a713c3032">[email&#160;protected]</a></p><img src="x.png" alt="Figure"></main>');
    expect(extractPage(html, rules({ filters: ['strip-link-queries', 'remove-date-lines', 'decode-cloudflare-emails', 'remove-images'] }))).toBe(
      'Text with [a link](https://www.example.com/a).\n\n[dpo@example.com](mailto:dpo@example.com)\n',
    );
    expect(extractPage(html, rules({ filters: ['unwrap-links'] }))).toContain('Text with a link.');
  });

  it('converts tables, nested and numbered lists, and headings', () => {
    const md = (extractPage(
      page('<main><h2>1. Data</h2><ol><li>First<ul><li>Nested</li></ul></li><li>Second</li></ol><table><tr><th>Data</th><th>Retention</th></tr><tr><td>Prompts</td><td>30 days</td></tr></table></main>'),
      rules(),
    ));
    expect(md).toContain('## 1. Data');
    expect(md).toMatch(/1\. First\n\s+- Nested\n2\. Second/);
    expect(md).toContain('| Data | Retention |');
    expect(md).toContain('| Prompts | 30 days |');
  });

  it('joins several pages in order', () => {
    expect(normalizeMarkdown(extractContent([page('<main><p>Part one.</p></main>'), page('<main><p>Part two.</p></main>')], rules()))).toMatch(/^Part one\.\n+Part two\.\n$/);
  });

  it('fails clearly when a selector matches nothing or nothing is left', () => {
    expect(() => extractPage(page('<main><p>x</p></main>'), rules({ select: ['#missing'] }))).toThrow(ExtractError);
    expect(() => extractPage(page('<main><p>x</p></main>'), rules({ select: ['#missing'] }))).toThrow(/select "#missing" matched nothing \(https:\/\/www\.example\.com\/legal\/privacy\)/);
    expect(() => extractPage(page('<main><script>x</script></main>'), rules())).toThrow(/holds no text/);
    expect(() => extractPage(page('<main>x</main>'), rules({ select: ['p[[['] }))).toThrow(/invalid CSS selector/);
  });
});

describe('cleanLink', () => {
  it.each([
    ['/a?utm_campaign=x', 'https://s.example/a'],
    ['https://x.example/?ref_src=twsrc&id=1', 'https://x.example/?id=1'],
    ['data:text/html,<script>', undefined],
    ['vbscript:x', undefined],
    ['tel:+33123', 'tel:+33123'],
  ])('%s', (href, expected) => {
    expect(cleanLink(href, 'https://s.example/page')).toBe(expected);
  });
});
