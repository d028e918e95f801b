import { describe, expect, it } from 'vitest';
import { classifyProvision, compileTaxonomy, scoreProvision } from '../../src/analysis/categories/classify.ts';
import { needlesOfPattern, needlesOfPhrase, wordPrefixes } from '../../src/analysis/categories/needles.ts';
import { splitAtHeadings } from '../../src/analysis/categories/sections.ts';
import { loadTaxonomy } from '../../src/analysis/categories/taxonomy.ts';

const taxonomy = await loadTaxonomy();
const classifier = compileTaxonomy(taxonomy);
const categoriesOf = (text: string, heading = '') => classifyProvision(text, heading, classifier).map((m) => m.category);

// Written for these tests (not taken from the corpus): [heading, text, a category it must get, one it must not].
const examples: Array<[string, string, string, string]> = [
  ['Improving our services', 'We may use your conversations and the files you upload to train our models, unless you opt out in your settings.', 'ai-training', 'data-sale'],
  ['Human review', 'A sample of chats is read by trained reviewers, including contractors, to rate the quality of answers.', 'human-review', 'ai-training'],
  ['Automated decisions', 'We may restrict your account based solely on automated processing, which may produce legal effects; you may request human intervention.', 'automated-decisions', 'human-review'],
  ['Sale of personal information', 'We do not sell your personal information. California residents may opt out of sharing for cross-context behavioral advertising.', 'data-sale', 'retention'],
  ['Ads', 'We use your activity to show you personalized ads. You can change this in your ad preferences.', 'targeted-advertising', 'data-sale'],
  ['How long we keep information', 'We retain your personal data for as long as your account is active and for up to 90 days after it is closed.', 'retention', 'deletion'],
  ['Deleting your account', 'You can delete your account at any time from your settings. You also have the right to erasure of your personal data.', 'deletion', 'retention'],
  ['Your rights', 'You have the right to access your personal data, to rectification, and to data portability: you can download a copy of your data.', 'access-portability', 'deletion'],
  ['Children', 'Our service is not directed to children under 13 and we do not knowingly collect personal information from children under 13. If a parent believes we have, we will obtain parental consent or delete it.', 'children', 'acceptable-use'],
  ['Face features', 'If you turn on face recognition, we create a facial template from your photos. This biometric data stays on your device.', 'biometrics', 'location'],
  ['Location', 'We collect your precise location from your device GPS when you allow location services.', 'location', 'biometrics'],
  ['Requests from authorities', 'We disclose user data to law enforcement only in response to valid legal process such as a subpoena or a court order.', 'law-enforcement-requests', 'governing-law'],
  ['Security incidents', 'If a personal data breach occurs, we will notify you and the supervisory authority without undue delay.', 'breach-notification', 'retention'],
  ['International transfers', 'Your data may be transferred to and processed in countries outside the EEA; we rely on the Standard Contractual Clauses.', 'international-transfers', 'governing-law'],
  ['Dispute resolution', 'Any dispute will be resolved by binding arbitration administered by the American Arbitration Association.', 'arbitration', 'class-action-waiver'],
  ['No class actions', 'You may bring claims only on an individual basis and not as a plaintiff in any purported class action.', 'class-action-waiver', 'arbitration'],
  ['Governing law', 'These terms are governed by the laws of the State of California, and disputes will be heard exclusively in the courts located in San Francisco.', 'governing-law', 'arbitration'],
  ['Changes to these terms', 'We may update these terms from time to time. We will notify you of material changes, and continuing to use the service means you accept them.', 'unilateral-changes', 'account-termination'],
  ['Termination', 'We may suspend or terminate your account at any time if you violate these terms.', 'account-termination', 'deletion'],
  ['Your content', 'You grant us a worldwide, non-exclusive, royalty-free licence to use, reproduce and display your content.', 'content-licence', 'model-outputs-ownership'],
  ['Limitation of liability', 'We will not be liable for any indirect, incidental or consequential damages, and our aggregate liability will not exceed 100 dollars.', 'liability-limits', 'indemnification'],
  ['Indemnity', 'You will indemnify and hold us harmless from any claims arising from your use of the service.', 'indemnification', 'liability-limits'],
  ['Cookies', 'We use cookies and similar technologies such as pixels to remember your preferences.', 'cookies-tracking', 'location'],
  ['Hateful conduct', 'We do not allow content that promotes violence or harassment. Do not post spam.', 'acceptable-use', 'children'],
  ['Copyright', 'If you believe your copyright has been infringed, send a DMCA notice to our copyright agent. We terminate accounts of repeat infringers.', 'copyright-complaints', 'content-licence'],
  ['Contact us', 'You can contact our Data Protection Officer at dpo@example.com.', 'contact-dpo', 'complaint-authority'],
  ['Accuracy', 'Output may be inaccurate or incomplete. Review outputs before relying on them.', 'output-accuracy', 'liability-limits'],
];

describe('classifyProvision', () => {
  it.each(examples.map(([heading, text, wanted, unwanted]) => ({ heading, text, wanted, unwanted })))('$heading: $wanted, not $unwanted', ({ heading, text, wanted, unwanted }) => {
    const got = categoriesOf(text, heading);
    expect(got).toContain(wanted);
    expect(got).not.toContain(unwanted);
  });

  it('assigns nothing to boilerplate', () => {
    expect(categoriesOf('If any part of these terms is unenforceable, the rest remains in effect.', 'Severability')).toEqual([]);
    expect(categoriesOf('Acme is a company that builds tools for writers.', 'Who we are')).toEqual([]);
  });

  it('says why: every assignment lists the rules that matched and the words they matched', () => {
    const [match] = classifyProvision('We will never sell your personal information.', 'Privacy', classifier);
    expect(match?.category).toBe('data-sale');
    expect(match?.matched.length).toBeGreaterThan(0);
    for (const m of match!.matched) {
      expect(m.rule).toMatch(/^(phrase|pattern): /);
      expect(m.excerpt.length).toBeGreaterThan(0);
    }
    expect(match!.score).toBe(match!.matched.reduce((sum, m) => sum + m.weight, 0));
  });

  it('counts a heading match extra, and negative rules subtract', () => {
    const inText = scoreProvision('Arbitration applies.', '', classifier).find((s) => s.category === 'arbitration')!;
    const inHeading = scoreProvision('', 'Arbitration', classifier).find((s) => s.category === 'arbitration')!;
    expect(inHeading.score).toBe(inText.score + taxonomy.headingBonus);
    expect(categoriesOf('In the event of a merger, acquisition or sale of all or some of our assets, your information may be transferred.')).not.toContain('data-sale');
    expect(categoriesOf('We retain all rights in the service that are not expressly granted to you.')).not.toContain('retention');
  });

  it('is deterministic and accepts the taxonomy itself', () => {
    const text = examples.map((e) => e[1]).join('\n\n');
    expect(classifyProvision(text, 'All', taxonomy)).toEqual(classifyProvision(text, 'All', classifier));
    expect(classifyProvision(text, 'All', classifier)).toEqual(classifyProvision(text, 'All', classifier));
  });
});

describe('the word prefilter', () => {
  it('derives the words a match must start with, or none when it cannot tell', () => {
    expect(needlesOfPattern('\\b(sell|sale of)\\b.{0,40}personal')).toEqual([['sell'], ['sale']]);
    expect(needlesOfPattern('\\bcookies?\\b')).toEqual([['cookie']]);
    expect(needlesOfPattern('\\b(data processors?|trustees?)\\b')).toEqual([['data', 'proces'], ['truste']]);
    expect(needlesOfPattern('\\b(personal )?data breach')).toBeNull();
    expect(needlesOfPattern('privacy@')).toBeNull(); // no \b: could start inside a word
    expect(needlesOfPattern('\\b(a|an) licence')).toBeNull();
    expect(needlesOfPhrase('human review')).toEqual([['human', 'review']]);
    expect(wordPrefixes('Personal DATA, éd')).toEqual(new Set(['per', 'pers', 'perso', 'person', 'dat', 'data']));
  });

  it('never changes a result', () => {
    const unfiltered = compileTaxonomy(taxonomy, { prefilter: false });
    for (const [heading, text] of examples) expect(scoreProvision(text, heading, classifier)).toEqual(scoreProvision(text, heading, unfiltered));
  });
});

describe('splitAtHeadings', () => {
  it('splits at ATX and setext headings, keeps fenced code whole and cleans heading markup', () => {
    const markdown = [
      'Intro line', '', 'Privacy Policy', '==============', '', 'Body one.', '', '## 2. **Retention** [link](https://x.example)', 'Body two.',
      '', '```', '# not a heading', '```', '', 'Cookies', '-------', '* We use cookies.',
    ].join('\n');
    expect(splitAtHeadings(markdown)).toEqual([
      { heading: '', text: 'Intro line' },
      { heading: 'Privacy Policy', text: 'Body one.' },
      { heading: '2. Retention link', text: 'Body two.\n\n```\n# not a heading\n```' },
      { heading: 'Cookies', text: '* We use cookies.' },
    ]);
  });
});
