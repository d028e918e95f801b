import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARD_OPTIONS, guardVersion, primaryLanguage, type GuardInput, type GuardVerdict } from '../../src/archive/guard/index.ts';
import { normalizeMarkdown } from '../../src/archive/normalize/index.ts';
import { hasOtaCorpus, unpackOtaCorpus } from '../support/corpus.ts';

const fixtures = path.resolve(import.meta.dirname, '../fixtures/guard');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

/** As the pipeline does: the guard reads normalized Markdown, the previous version too. */
function guard(markdown: string, input: Omit<GuardInput, 'markdown'> = {}): GuardVerdict {
  return guardVersion({
    ...input,
    markdown: normalizeMarkdown(markdown),
    ...(input.previous !== undefined ? { previous: normalizeMarkdown(input.previous) } : {}),
  });
}

const POLICY_EN = fixture('privacy-policy.en.md');
const POLICY_FR = fixture('privacy-policy.fr.md');
const POLICY_DE = fixture('privacy-policy.de.md');
const sample = (language: string) => fixture(`language/${language}.md`);

describe('guardVersion: empty and too short', () => {
  it('refuses an empty text, and one with markup but no words', () => {
    expect(guard('')).toMatchObject({ verdict: 'refuse', reason: 'empty' });
    expect(guard('---\n\n![](https://cdn.example/spinner.gif)\n\n- [](https://example.com/)\n')).toMatchObject({ verdict: 'refuse', reason: 'empty' });
  });

  it('refuses a text under the word threshold and says how short it is', () => {
    const verdict = guard('# Privacy Policy\n\nEffective: 17 November 2021\n');
    expect(verdict).toMatchObject({ verdict: 'refuse', reason: 'too-short' });
    expect(verdict.verdict === 'refuse' && verdict.detail).toMatch(/^only 6 words \(at least 40 expected\): "Privacy Policy Effective: 17 November 2021"$/);
  });

  it('refuses a link hub captured instead of the document', () => {
    const hub = '# WhatsApp Legal\n\n- [Key Updates](https://example.com/a)\n- [Terms of Service](https://example.com/b)\n- [Privacy Policy](https://example.com/c)\n- [Cookies](https://example.com/d)\n';
    expect(guard(hub)).toMatchObject({ verdict: 'refuse', reason: 'too-short' });
  });

  it('counts a block repeated on every page of a multi-page capture once', () => {
    const page = 'Terms of Service\n\nThese terms govern the use of the service and apply to every user of it.\n\n---\n\n';
    expect(guard(page.repeat(12))).toMatchObject({ verdict: 'refuse', reason: 'too-short' });
  });

  it('counts Chinese and Japanese by characters, not by spaces', () => {
    expect(guard(sample('zh'))).toMatchObject({ verdict: 'accept' });
    expect(guard(sample('ja'))).toMatchObject({ verdict: 'accept' });
  });

  it('takes its threshold from the options', () => {
    const text = 'This acceptable use policy lists what you may not do with the service. Do not break the law. Do not harm others. Do not abuse the service.';
    expect(guard(text)).toMatchObject({ verdict: 'refuse', reason: 'too-short' });
    expect(guard(text, { options: { minWords: 20 } })).toMatchObject({ verdict: 'accept' });
  });
});

describe('guardVersion: error pages served with status 200', () => {
  it.each([
    ['English, as recorded 41 times for an AI acceptable-use policy', "## This page isn’t available\n\nAn unexpected error has occurred. Try reloading the page or come back later."],
    ['English, with a navigation', "# 404\n\n## Page not found\n\nSorry, we couldn't find the page you're looking for.\n\n- [Home](https://example.com/)\n- [Help Center](https://example.com/help)\n- [Privacy](https://example.com/privacy)\n- [Terms](https://example.com/terms)\n"],
    ['English, "something went wrong"', '# Something went wrong\n\nWe are having trouble loading this page right now.\nPlease try again in a few minutes.'],
    ['English, a 503 status in the body', '# 503 Service Unavailable\n\nThe server is temporarily unable to service your request due to maintenance downtime or capacity problems.\nPlease try again later.'],
    ['French', "# Page introuvable\n\nLa page que vous recherchez n'existe pas ou a été déplacée.\n\n[Retour à l'accueil](https://example.fr/)"],
    ['German', '# Da ist wohl etwas schiefgegangen.\n\nAktualisiere diese Seite oder versuch’s später nochmal.\nEs könnte einige Zeit dauern, bis alles wieder einwandfrei läuft.'],
    ['German, "Seite nicht gefunden"', '# Seite nicht gefunden\n\nDie angeforderte Seite existiert nicht oder wurde verschoben.\n\n[Zur Startseite](https://example.de/)'],
    ['German, "nicht verfügbar"', 'Diese Seite ist momentan nicht verfügbar\n\nDies liegt möglicherweise an einem technischen Fehler, den wir gerade beheben.\nBitte versuche, die Seite noch einmal zu laden.'],
    ['Spanish', '# Página no encontrada\n\nLo sentimos, la página que buscas no existe.\n\n[Volver al inicio](https://example.es/)'],
    ['Italian', '# Pagina non trovata\n\nLa pagina che stai cercando non esiste o è stata spostata.'],
    ['Portuguese', '# Página não encontrada\n\nA página que você procura não existe.\n\n[Voltar para a página inicial](https://example.com.br/)'],
    ['Dutch', '# Pagina niet gevonden\n\nDe pagina die je zoekt bestaat niet (meer).\n\n[Naar de homepage](https://example.nl/)'],
    ['Japanese', '# ページが見つかりません\n\nお探しのページは移動または削除された可能性があります。'],
    ['Korean', '# 페이지를 찾을 수 없습니다\n\n요청하신 페이지가 삭제되었거나 주소가 변경되었을 수 있습니다.'],
    ['Chinese', '# 找不到页面\n\n您访问的页面不存在或已被删除。'],
  ])('refuses an error page: %s', (_, text) => {
    expect(guard(text)).toMatchObject({ verdict: 'refuse', reason: 'error-page' });
  });

  it('refuses a 404 block repeated on every page of a multi-page document', () => {
    const block = 'Oops!\n\n404\n\nThe page you were looking for could not be found. It might have been removed, renamed, or did not exist in the first place. Search for:\n\n- - -\n\n';
    const verdict = guard(block.repeat(10));
    expect(verdict).toMatchObject({ verdict: 'refuse', reason: 'error-page' });
    expect(verdict.verdict === 'refuse' && verdict.detail).toBe('looks like an error page: "The page you were looking for could not be found." (the whole text is 28 words)');
  });

  it('refuses an error page above a long site map: the rest is links, not running text', () => {
    const links = Array.from({ length: 60 }, (_, i) => `- [Help article number ${i + 1} about accounts](https://example.com/help/${i + 1})`).join('\n');
    expect(guard(`# Page not found\n\nSorry, this page isn't available.\n\n## Popular articles\n\n${links}\n`)).toMatchObject({ verdict: 'refuse', reason: 'error-page' });
  });

  it('refuses a page made mostly of error lines even when they are not at its top', () => {
    const text = [
      '[Home](https://example.com/) [Help](https://example.com/help)',
      '[Sign up](https://example.com/signup) [Log in](https://example.com/login)',
      '[English](https://example.com/en) [Français](https://example.com/fr)',
      'Sorry, this page is not available in your region or has been moved.',
      "Désolé, cette page n'est pas disponible pour le moment.",
      'Leider ist diese Seite derzeit nicht verfügbar.',
      'Lo sentimos, esta página no está disponible.',
      'Siamo spiacenti, questa pagina non è disponibile.',
      'Desculpe, esta página não está disponível.',
      'Helaas, deze pagina is niet beschikbaar.',
      '© 2026 Example',
    ].join('\n\n');
    const verdict = guard(text);
    expect(verdict).toMatchObject({ verdict: 'refuse', reason: 'error-page' });
    expect(verdict.verdict === 'refuse' && verdict.detail).toMatch(/\(such lines make up \d+% of its \d+ words\)$/);
  });

  it('says which line decided and why', () => {
    const verdict = guard('# Page introuvable\n\nLa page que vous recherchez n’existe pas.');
    expect(verdict).toEqual({ verdict: 'refuse', reason: 'error-page', detail: 'looks like an error page: "Page introuvable" (the whole text is 9 words)' });
  });
});

describe('guardVersion: placeholders', () => {
  it.each([
    ['Loading…'],
    ['Loading...\n\nPlease wait while we load this page.'],
    ['Redirecting to legal.mistral.ai'],
    ['You need to enable JavaScript to run this app.'],
    ['# Example Help Center\n\nPlease enable JavaScript in your browser to view this page.'],
    ['Chargement…'],
    ['Wird geladen …'],
    ['Cargando...'],
    ['Caricamento in corso...'],
    ['undefined'],
  ])('refuses %j', (text) => {
    expect(guard(text)).toMatchObject({ verdict: 'refuse', reason: 'placeholder' });
  });

  it('refuses a placeholder with a cookie-policy footer under it', () => {
    const text = 'Loading…\n\n[Privacy](https://vpn.example/privacy) · [Terms](https://vpn.example/terms) · [Cookies](https://vpn.example/cookies)\n\n© 2026 Example VPN Ltd. All rights reserved.\n';
    expect(guard(text)).toMatchObject({ verdict: 'refuse', reason: 'placeholder' });
  });
});

describe('guardVersion: bot walls and CAPTCHAs', () => {
  it.each([
    ['Cloudflare', 'Cloudflare challenge', '# Just a moment...\n\nChecking your browser before accessing example.com.\n\nThis process is automatic. Your browser will redirect to your requested content shortly.\n\nPlease allow up to 5 seconds…\n\nDDoS protection by Cloudflare\n\nRay ID: 7a1b2c3d4e5f6a7b'],
    ['Cloudflare (Turnstile)', 'Cloudflare challenge', '# www.example.com\n\n## Verify you are human by completing the action below.\n\nwww.example.com needs to review the security of your connection before proceeding.\n\nRay ID: 8f3a2b1c0d9e8f7a\n\nPerformance & security by Cloudflare'],
    ['Cloudflare block, which also asks for cookies', 'Cloudflare challenge', '# Attention Required! | Cloudflare\n\nPlease enable cookies.\n\n## Sorry, you have been blocked\n\n## You are unable to access example.com\n\nThis website is using a security service to protect itself from online attacks.\nThe action you just performed triggered the security solution.\n\nCloudflare Ray ID: 7d8e9f0a1b2c3d4e • Performance & security by Cloudflare'],
    ['DataDome', 'DataDome challenge', 'Please enable JS and disable any ad blocker'],
    ['Incapsula', 'Incapsula (Imperva) block', 'Request unsuccessful. Incapsula incident ID: 123000450012345678-1234567890123456'],
    ['Akamai', 'Akamai block', '# Access Denied\n\nYou don\'t have permission to access "http://www.example.com/legal/privacy" on this server.\n\nReference #18.4a7c1002.1700000000.2b3c4d5e'],
    ['PerimeterX', 'PerimeterX (HUMAN) challenge', '# Access to this page has been denied.\n\nPress & Hold to confirm you are a human (and not a bot).\n\nReference ID 12ab34cd-56ef-78ab-90cd-ef1234567890'],
    ['Google unusual traffic', 'CAPTCHA or bot check', "## About this page\n\nOur systems have detected unusual traffic from your computer network.\nThis page checks to see if it's really you sending the requests, and not a robot.\n\n## Why did this happen?\n\nThis page appears when Google automatically detects requests coming from your computer network which appear to be in violation of the Terms of Service.\nThe block will expire shortly after those requests stop.\nIn the meantime, solving the above CAPTCHA will let you continue to use our services.\nThis traffic may have been sent by malicious software, a browser plug-in, or a script that sends automated requests.\nIf you share your network connection, ask your administrator for help; a different computer using the same IP address may be responsible.\nSometimes you may be asked to solve the CAPTCHA if you are using advanced terms that robots are known to use, or sending requests very quickly.\n\nIP address: 203.0.113.7\nTime: 2026-03-01T10:00:00Z\nURL: https://www.example.com/policies/privacy"],
    ['generic, French', 'CAPTCHA or bot check', '# Vérification de sécurité\n\nVeuillez confirmer que vous n’êtes pas un robot.\n\nJe ne suis pas un robot'],
    ['generic, German', 'CAPTCHA or bot check', '# Sicherheitsüberprüfung\n\nBitte bestätigen Sie, dass Sie ein Mensch sind.'],
    ['hCaptcha', 'CAPTCHA or bot check', 'hCaptcha\n\nPlease complete the security check to access this site.'],
  ])('refuses a bot wall: %s', (_, vendor, text) => {
    const verdict = guard(text);
    expect(verdict).toMatchObject({ verdict: 'refuse', reason: 'bot-wall' });
    expect(verdict.verdict === 'refuse' && verdict.detail).toContain(vendor);
  });
});

describe('guardVersion: login and cookie walls', () => {
  it.each([
    ['# Log in to continue\n\nEmail or phone number\n\nPassword\n\n[Forgot password?](https://example.com/recover)\n\n[Create new account](https://example.com/signup)'],
    ['Sign in to view this page.\n\n[Sign in](https://example.com/login)'],
    ['You must be logged in to view this page.\n\n[Log in](https://example.com/login) or [register](https://example.com/register).'],
    ['# Example\n\nConnectez-vous pour continuer.\n\n[Se connecter](https://example.fr/login)'],
    ['Bitte melden Sie sich an, um fortzufahren.'],
    ['Inicia sesión para continuar'],
  ])('refuses a login wall: %j', (text) => {
    expect(guard(text)).toMatchObject({ verdict: 'refuse', reason: 'login-wall' });
  });

  it.each([
    ['This content is blocked until you accept cookies.\n\n[Manage cookie settings](https://example.com/#cookies)'],
    ['# Cookies\n\nPlease accept cookies to continue.\n\nAccept all\n\nReject all'],
    ['Pour continuer, acceptez les cookies.\n\nTout accepter\n\nTout refuser'],
    ['# Before you continue to Example\n\nWe use cookies and data to deliver and maintain our services, track outages and protect against spam, fraud and abuse, and measure audience engagement.\nIf you choose to accept all, we will also use cookies and data to develop and improve new services, deliver and measure the effectiveness of ads, and show personalised content.\nNon-personalised content is influenced by things like the content that you are currently viewing and your location.\n\nReject all\n\nAccept all\n\nMore options'],
  ])('refuses a cookie wall: %j', (text) => {
    expect(guard(text)).toMatchObject({ verdict: 'refuse', reason: 'cookie-wall' });
  });
});

describe('guardVersion: real documents that merely mention the trigger words', () => {
  it.each([
    ['English', POLICY_EN, 'en'],
    ['French', POLICY_FR, 'fr'],
    ['German', POLICY_DE, 'de'],
  ])('accepts a %s privacy policy that talks about CAPTCHAs, 404s, cookies, JavaScript and logging in', (_, text, language) => {
    expect(guard(text, { language })).toEqual({ verdict: 'accept' });
  });

  it('accepts a policy under a stray "Loading…" line: the rest is running text', () => {
    expect(guard(`Loading…\n\n${POLICY_EN}`)).toMatchObject({ verdict: 'accept' });
  });

  it('accepts a policy under an error line from one page of a multi-page capture', () => {
    expect(guard(`# Something went wrong\n\nAn error occurred. Try reloading the page.\n\n---\n\n${POLICY_EN}`)).toMatchObject({ verdict: 'accept' });
  });

  it('accepts a policy that says "Page not found" in a footer-like line', () => {
    expect(guard(`${POLICY_EN}\n\n[Page not found?](https://example.com/help) · [Cookie settings](https://example.com/cookies) · [Log in](https://example.com/login)\n`)).toMatchObject({ verdict: 'accept' });
  });

  it('accepts a short real notice whose login sentence is not at its top', () => {
    const notice = '# Law Enforcement Requests\n\nNorthwind discloses account records solely in accordance with our Terms of Service and applicable law.\nFor more information about how we handle government requests, see our Transparency Report.\n\n## Emergency requests\n\nIf there is an emergency involving the danger of death or serious physical injury, we may disclose information without delay.\nAuthorities can submit emergency requests through our dedicated portal.\nYou must sign in to the portal with an official government email address.\n\n## Preservation\n\nWe preserve account records for 90 days upon receipt of a valid preservation request.';
    expect(guard(notice)).toMatchObject({ verdict: 'accept' });
  });

  it('accepts a short cookie notice whose buttons are named inside sentences', () => {
    const notice = '# Cookie Notice\n\nWe use cookies to keep you signed in and to understand how our website is used.\nWhen you first visit, a banner lets you accept all cookies or reject all cookies that are not strictly necessary.\nYou can change your choice at any time from the Cookie settings link at the bottom of each page.\nEssential cookies cannot be switched off because the website does not work without them.';
    expect(guard(notice)).toMatchObject({ verdict: 'accept' });
  });
});

describe('guardVersion: wrong language', () => {
  const LATIN = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl', 'sv', 'da', 'no', 'fi', 'pl', 'cs', 'tr', 'ro'];
  const SCRIPTS = ['ja', 'ko', 'zh', 'ru', 'uk', 'ar', 'el', 'he'];

  it.each([...LATIN, ...SCRIPTS])('accepts a %s text declared in its own language', (language) => {
    expect(guard(sample(language), { language })).toEqual({ verdict: 'accept' });
  });

  it('never names another language than the one a text is in', () => {
    for (const language of [...LATIN, ...SCRIPTS]) {
      for (const declared of [...LATIN, ...SCRIPTS]) {
        if (declared === language) continue;
        const verdict = guard(sample(language), { language: declared });
        if (verdict.verdict === 'accept') continue;
        expect(verdict).toMatchObject({ reason: 'wrong-language' });
      }
    }
  });

  it.each([
    ['en', 'fr', /declared French \(fr\) but the text reads as English: of its \d+ words, \d+% are common English words/],
    ['fr', 'en', /reads as French/],
    ['de', 'en', /reads as German/],
    ['en', 'de', /reads as English/],
    ['es', 'fr', /reads as Spanish/],
    ['pt', 'es', /reads as Portuguese/],
    ['es', 'pt', /reads as Spanish/],
    ['it', 'es', /reads as Italian/],
    ['nl', 'de', /reads as Dutch/],
    ['sv', 'da', /reads as Swedish/],
    ['fi', 'sv', /reads as Finnish/],
    ['pl', 'cs', /reads as Polish/],
    ['cs', 'pl', /reads as Czech/],
    ['tr', 'en', /reads as Turkish/],
    ['ro', 'it', /reads as Romanian/],
    ['ja', 'en', /reads as Japanese: \d+% of its \d+ letters are Japanese kana and kanji/],
    ['ja', 'zh', /reads as Japanese/],
    ['zh', 'ja', /reads as Chinese/],
    ['ko', 'ja', /reads as Korean/],
    ['ru', 'en', /Cyrillic script/],
    ['uk', 'ru', /reads as Ukrainian/],
    ['ru', 'uk', /reads as Russian/],
    ['ar', 'fr', /Arabic script/],
    ['el', 'en', /reads as Greek/],
    ['he', 'en', /reads as Hebrew/],
    ['en', 'ja', /reads as English: \d+% of its \d+ letters are Latin script/],
    ['en', 'ko', /reads as English/],
  ])('refuses a %s text declared %s', (language, declared, detail) => {
    const verdict = guard(sample(language), { language: declared });
    expect(verdict).toMatchObject({ verdict: 'refuse', reason: 'wrong-language' });
    expect(verdict.verdict === 'refuse' && verdict.detail).toMatch(detail);
  });

  it('compares on the primary subtag', () => {
    expect(primaryLanguage('pt-BR')).toBe('pt');
    expect(primaryLanguage('zh-Hant-TW')).toBe('zh');
    expect(primaryLanguage('nb')).toBe('no');
    expect(guard(sample('pt'), { language: 'pt-BR' })).toMatchObject({ verdict: 'accept' });
    expect(guard(sample('en'), { language: 'en-GB' })).toMatchObject({ verdict: 'accept' });
    expect(guard(sample('no'), { language: 'nb-NO' })).toMatchObject({ verdict: 'accept' });
    expect(guard(sample('fr'), { language: 'en-US' })).toMatchObject({ verdict: 'refuse', reason: 'wrong-language' });
  });

  it('gives no verdict on a short text', () => {
    const short = 'Cette politique explique comment nous utilisons vos données personnelles et quels sont vos droits. Nous ne vendons pas vos données. Vous pouvez nous contacter à tout moment pour exercer vos droits ou poser une question sur le traitement de vos données.';
    expect(guard(short, { language: 'en' })).toMatchObject({ verdict: 'accept' });
  });

  it('gives no verdict on a bilingual text', () => {
    expect(guard(`${sample('en')}\n\n${sample('fr')}`, { language: 'fr' })).toMatchObject({ verdict: 'accept' });
    expect(guard(`${sample('fr')}\n\n${sample('en')}`, { language: 'en' })).toMatchObject({ verdict: 'accept' });
    expect(guard(`${sample('ja')}\n\n${sample('en')}`, { language: 'ja' })).toMatchObject({ verdict: 'accept' });
  });

  it('gives no verdict between languages too close to tell apart with confidence', () => {
    expect(guard(sample('da'), { language: 'no' })).toMatchObject({ verdict: 'accept' });
  });

  it('gives no verdict for a declared language it has no evidence for', () => {
    expect(guard(sample('en'), { language: 'hu' })).toMatchObject({ verdict: 'accept' });
    expect(guard(sample('ru'), { language: 'bg' })).toMatchObject({ verdict: 'accept' });
  });

  it('reads the language of the text, not of its link targets', () => {
    const links = Array.from({ length: 40 }, (_, i) => `[voir la page ${i}](https://example.com/the-privacy-policy-of-the-service-and-the-terms/${i})`).join(' ');
    expect(guard(`${sample('fr')}\n\n${links}\n`, { language: 'fr' })).toMatchObject({ verdict: 'accept' });
  });
});

/** The English policy without some of its numbered sections. */
function withoutSections(text: string, drop: number[]): string {
  return text.split(/\n(?=## )/).filter((_, index) => !drop.includes(index)).join('\n');
}
const words = (text: string) => normalizeMarkdown(text).split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;

describe('guardVersion: drastic shrink against the previous version', () => {
  it('accepts a policy that legitimately shrinks by about 30%', () => {
    const shorter = withoutSections(POLICY_EN, [6, 7, 8, 9]);
    const ratio = words(shorter) / words(POLICY_EN);
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(0.8);
    expect(guard(shorter, { previous: POLICY_EN })).toEqual({ verdict: 'accept' });
  });

  it('quarantines a version with under half the words of the previous one', () => {
    const stub = withoutSections(POLICY_EN, [3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const verdict = guard(stub, { previous: POLICY_EN });
    expect(verdict).toMatchObject({ verdict: 'quarantine', reason: 'drastic-shrink' });
    expect(verdict.verdict === 'quarantine' && verdict.detail).toMatch(/^\d+ words, down from \d+ in the previous version \(\d+%; under 50% is held for confirmation\)$/);
  });

  it('takes the ratio from the options', () => {
    const shorter = withoutSections(POLICY_EN, [6, 7, 8, 9]);
    expect(guard(shorter, { previous: POLICY_EN, options: { shrinkRatio: 0.9 } })).toMatchObject({ verdict: 'quarantine', reason: 'drastic-shrink' });
  });

  it('accepts growth and ordinary edits', () => {
    const grown = `${POLICY_EN}\n\n## 12. California residents\n\nIf you live in California, you have the right to know, to delete, to correct and to opt out of the sharing of your personal information.\nWe honour Global Privacy Control signals.\n`;
    expect(guard(grown, { previous: POLICY_EN })).toMatchObject({ verdict: 'accept' });
    const edited = POLICY_EN.replace('within 90 days', 'within 60 days').replace('We do not sell your personal information.', 'We do not sell or rent your personal information.');
    expect(guard(edited, { previous: POLICY_EN })).toMatchObject({ verdict: 'accept' });
  });

  it('refuses junk rather than quarantining it', () => {
    expect(guard('Loading…', { previous: POLICY_EN })).toMatchObject({ verdict: 'refuse', reason: 'placeholder' });
  });

  it('does not compare against a previous version that was itself junk', () => {
    expect(guard(POLICY_EN, { previous: 'Redirecting…' })).toMatchObject({ verdict: 'accept' });
    expect(guard(sample('en'), { previous: '' })).toMatchObject({ verdict: 'accept' });
  });
});

describe('guardVersion: structural collapse against the previous version', () => {
  it('quarantines a version whose headings are gone while its text is still there', () => {
    const flattened = POLICY_EN.replace(/^#{1,6} /gm, '');
    const verdict = guard(flattened, { previous: POLICY_EN });
    expect(verdict).toMatchObject({ verdict: 'quarantine', reason: 'structural-collapse' });
    expect(verdict.verdict === 'quarantine' && verdict.detail).toMatch(/^0 of the previous version's 12 headings are left while the text kept \d+% of its words/);
  });

  it('quarantines a version whose list items are gone', () => {
    const flattened = POLICY_EN.replace(/^(?:- |\d+\. )/gm, '');
    expect(guard(flattened, { previous: POLICY_EN })).toMatchObject({ verdict: 'quarantine', reason: 'structural-collapse' });
  });

  it('accepts headings turned into bold lines, and list items turned into headings', () => {
    const bold = POLICY_EN.replace(/^## (.*)$/gm, '**$1**');
    expect(guard(bold, { previous: POLICY_EN })).toMatchObject({ verdict: 'accept' });
    const promoted = POLICY_EN.replace(/^(?:- |\d+\. )(.*)$/gm, '### Item\n\n$1');
    expect(guard(promoted, { previous: POLICY_EN })).toMatchObject({ verdict: 'accept' });
  });

  it('leaves a previous version with few headings alone', () => {
    const fewHeadings = `# Terms\n\n${POLICY_EN.replace(/^#{1,6} .*$/gm, '')}`.replace(/^## .*$/gm, '');
    const flattened = fewHeadings.replace(/^# /gm, '');
    expect(guard(flattened, { previous: fewHeadings })).toMatchObject({ verdict: 'accept' });
  });

  it('reports a drastic shrink before a collapse', () => {
    const stub = withoutSections(POLICY_EN, [3, 4, 5, 6, 7, 8, 9, 10, 11]).replace(/^#{1,6} /gm, '');
    expect(guard(stub, { previous: POLICY_EN })).toMatchObject({ verdict: 'quarantine', reason: 'drastic-shrink' });
  });
});

describe('guardVersion: a pure function', () => {
  it('gives the same verdict for the same input and leaves its options alone', () => {
    const input: GuardInput = { markdown: normalizeMarkdown(POLICY_EN), previous: normalizeMarkdown(POLICY_FR), language: 'en', options: { minWords: 10 } };
    const copy = structuredClone(input);
    expect(guardVersion(input)).toEqual(guardVersion(input));
    expect(input).toEqual(copy);
    expect(Object.isFrozen(DEFAULT_GUARD_OPTIONS)).toBe(true);
  });
});

/* ------------------------------------------------------------------------------------------------ */
/* Real version histories: the Open Terms Archive corpus.                                            */

interface CorpusVersion {
  document: string;
  file: string;
  markdown: string;
}

/** Documents whose pages are not in English, by the page their declaration points at. */
const DECLARED_LANGUAGE: Record<string, string> = {
  'amazon/privacy-policy': 'fr',
  'telegram/terms-of-service': 'de',
  'twitch/general-conditions-of-sale': 'fr',
};

/**
 * Latest versions the guard does not accept, each inspected:
 * - apple/terms-of-service: OTA's last version is empty (the ToSBack import truncated every file).
 * - mistral-ai/developer-terms: the terms were replaced by a 948-word "Additional Terms" page, down
 *   from 2,631 words; a real change, and exactly the kind a person should confirm.
 * - twitter/community-guidelines-violence-incitement: the last capture is the Help Center's index of
 *   policy categories (129 words) instead of the policy (587 words).
 */
const LATEST_NOT_ACCEPTED: Record<string, string> = {
  'apple/terms-of-service': 'refuse:empty',
  'mistral-ai/developer-terms': 'quarantine:drastic-shrink',
  'twitter/community-guidelines-violence-incitement': 'quarantine:drastic-shrink',
};

async function corpusDocuments(root: string): Promise<Array<{ document: string; files: string[] }>> {
  const { readdir } = await import('node:fs/promises');
  const documents: Array<{ document: string; files: string[] }> = [];
  for (const service of (await readdir(root, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()) {
    for (const entry of (await readdir(path.join(root, service), { withFileTypes: true })).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const versions = JSON.parse(await readFile(path.join(root, service, entry.name, 'versions.json'), 'utf8')) as Array<{ file: string }>;
      documents.push({ document: `${service}/${entry.name}`, files: versions.map((version) => path.join(root, service, entry.name, version.file)) });
    }
  }
  return documents;
}

async function load(document: string, file: string): Promise<CorpusVersion> {
  return { document, file: path.basename(file), markdown: normalizeMarkdown(await readFile(file, 'utf8')) };
}

const label = (verdict: GuardVerdict) => (verdict.verdict === 'accept' ? 'accept' : `${verdict.verdict}:${verdict.reason}`);
const guardCorpus = (version: CorpusVersion, previous?: CorpusVersion) =>
  guardVersion({ markdown: version.markdown, language: DECLARED_LANGUAGE[version.document] ?? 'en', ...(previous ? { previous: previous.markdown } : {}) });

describe.skipIf(!hasOtaCorpus)('guardVersion over real Open Terms Archive histories', () => {
  it('accepts the latest version of every document, against the version before it', async () => {
    const root = await unpackOtaCorpus();
    const notAccepted: Record<string, string> = {};
    const documents = await corpusDocuments(root);
    expect(documents).toHaveLength(230);
    for (const { document, files } of documents) {
      const latest = await load(document, files.at(-1)!);
      const previous = await load(document, files.at(-2)!);
      const verdict = guardCorpus(latest, previous);
      if (verdict.verdict !== 'accept') notAccepted[document] = label(verdict);
    }
    expect(notAccepted).toEqual(LATEST_NOT_ACCEPTED);
  }, 300_000);

  it('refuses the junk peers recorded: error pages, redirects, a stray "undefined"', async () => {
    const root = await unpackOtaCorpus();
    const documents = new Map((await corpusDocuments(root)).map((entry) => [entry.document, entry.files]));
    const verdicts: Array<{ raw: string; verdict: string }> = [];
    for (const document of ['llama-api/acceptable-use-policy', 'le-chat/commercial-terms', 'spotify/community-guidelines']) {
      for (const file of documents.get(document)!) {
        const raw = await readFile(file, 'utf8');
        if (raw.length > 400) continue;
        verdicts.push({ raw, verdict: label(guardVersion({ markdown: normalizeMarkdown(raw) })) });
      }
    }
    const unavailable = verdicts.filter((v) => v.raw.startsWith('This page isn’t available'));
    expect(unavailable).toHaveLength(41);
    expect(new Set(unavailable.map((v) => v.verdict))).toEqual(new Set(['refuse:error-page']));
    expect(verdicts.filter((v) => v.raw.startsWith('Redirecting to')).map((v) => v.verdict)).toEqual(['refuse:placeholder']);
    expect(verdicts.filter((v) => v.raw.startsWith('Da ist wohl etwas schiefgegangen')).map((v) => v.verdict)).toEqual(['refuse:error-page', 'refuse:error-page']);
    const undefinedVersion = await readFile(documents.get('google/privacy-policy')![0]!, 'utf8');
    expect(label(guardVersion({ markdown: normalizeMarkdown(undefinedVersion) }))).toBe('refuse:placeholder');
  }, 120_000);

  // Every version against the one before it: ~2 minutes (normalizing 150 MB), so only on request:
  // GUARD_CORPUS_REPORT=1 npx vitest run tests/unit/guard.test.ts
  it.runIf(process.env.GUARD_CORPUS_REPORT)('reports verdicts over every version', async () => {
    const root = await unpackOtaCorpus();
    const counts = new Map<string, number>();
    const refused: string[] = [];
    let total = 0;
    for (const { document, files } of await corpusDocuments(root)) {
      let previous: CorpusVersion | undefined;
      for (const file of files) {
        const version = await load(document, file);
        const verdict = guardCorpus(version, previous);
        counts.set(label(verdict), (counts.get(label(verdict)) ?? 0) + 1);
        if (verdict.verdict !== 'accept') refused.push(`${document}/${version.file}\t${label(verdict)}\t${verdict.detail}\t${JSON.stringify(version.markdown.slice(0, 150))}`);
        previous = version;
        total++;
      }
    }
    console.log(`${total} versions\n${[...counts].sort().map(([key, n]) => `${key}\t${n}`).join('\n')}\n\n${refused.join('\n')}`);
    expect(total).toBe(3934);
    expect((counts.get('accept') ?? 0) / total).toBeGreaterThan(0.95);
  }, 600_000);
});
