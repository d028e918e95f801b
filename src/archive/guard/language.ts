/**
 * A small, transparent language check: is this text written in the language its document is
 * declared in? Two kinds of evidence, both countable by hand:
 * - the writing system (share of letters in each script) tells Japanese, Korean, Chinese,
 *   Cyrillic, Arabic, Greek, Hebrew and Thai text apart from Latin text;
 * - among Latin-script languages, the share of words that are the language's most frequent
 *   function words ("the", "and", "of" … "le", "et", "de" …) — function words make up a third or
 *   more of running text in the language, and few percent in any other.
 * It answers only with clear evidence; a short or mixed text, or a declared language it has no
 * list for, gets no answer, and the guard then says nothing about language.
 */

/** The most frequent function words of each language, lower case. Shared words are fine: they only make a verdict rarer. */
const STOPWORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'in', 'or', 'is', 'are', 'that', 'this', 'for', 'with', 'you', 'your', 'we', 'our', 'us', 'be', 'by', 'on', 'as', 'it', 'not', 'from', 'at', 'an', 'may', 'will', 'any', 'which', 'have', 'has', 'if', 'can', 'such', 'these', 'those', 'other', 'when', 'about', 'how', 'what', 'who', 'their', 'they', 'would', 'should', 'been', 'was', 'were', 'also', 'more', 'all', 'its', 'than', 'into', 'through'],
  fr: ['le', 'la', 'les', 'des', 'du', 'de', 'et', 'est', 'sont', 'un', 'une', 'en', 'dans', 'pour', 'par', 'sur', 'avec', 'vous', 'votre', 'vos', 'nous', 'notre', 'nos', 'que', 'qui', 'ne', 'pas', 'ce', 'cette', 'ces', 'aux', 'au', 'ou', 'il', 'ils', 'elle', 'leur', 'leurs', 'être', 'peut', 'peuvent', 'plus', 'si', 'lorsque', 'afin', 'comme', 'tout', 'tous', 'l', 'd', 'qu', 'à', 'y', 'sont', 'été', 'ainsi', 'dont'],
  de: ['der', 'die', 'das', 'den', 'dem', 'des', 'und', 'ist', 'sind', 'nicht', 'ein', 'eine', 'einer', 'eines', 'einem', 'einen', 'zu', 'zur', 'zum', 'von', 'mit', 'für', 'auf', 'im', 'auch', 'sie', 'wir', 'uns', 'unsere', 'unser', 'ihre', 'ihr', 'ihren', 'ihrer', 'dass', 'werden', 'wird', 'kann', 'können', 'oder', 'bei', 'als', 'wenn', 'aus', 'nach', 'über', 'durch', 'diese', 'dieser', 'dieses', 'sowie', 'wie', 'es', 'haben', 'hat', 'um', 'nur', 'noch', 'gegebenenfalls'],
  es: ['el', 'la', 'los', 'las', 'de', 'del', 'y', 'en', 'que', 'es', 'son', 'un', 'una', 'unos', 'por', 'para', 'con', 'su', 'sus', 'se', 'no', 'lo', 'al', 'o', 'como', 'más', 'pero', 'si', 'nuestro', 'nuestra', 'nuestros', 'nuestras', 'usted', 'le', 'les', 'este', 'esta', 'estos', 'estas', 'cuando', 'puede', 'pueden', 'también', 'sobre', 'ser', 'hay', 'cualquier', 'otros', 'tu', 'tus'],
  it: ['il', 'lo', 'la', 'i', 'gli', 'le', 'di', 'del', 'della', 'dei', 'delle', 'degli', 'e', 'è', 'che', 'per', 'con', 'un', 'una', 'uno', 'non', 'in', 'da', 'dal', 'dalla', 'al', 'alla', 'ai', 'sono', 'si', 'ci', 'come', 'più', 'se', 'o', 'nostro', 'nostri', 'nostra', 'tuo', 'tuoi', 'tua', 'questo', 'questa', 'questi', 'può', 'possono', 'anche', 'essere', 'dell', 'all', 'nell', 'dall', 'sull', 'ed', 'quando', 'nel', 'nella'],
  pt: ['o', 'os', 'a', 'as', 'de', 'do', 'da', 'dos', 'das', 'e', 'é', 'que', 'em', 'no', 'na', 'nos', 'nas', 'um', 'uma', 'para', 'por', 'pelo', 'pela', 'com', 'não', 'se', 'ao', 'aos', 'à', 'ou', 'seu', 'sua', 'seus', 'suas', 'você', 'nós', 'nosso', 'nossa', 'nossos', 'mais', 'como', 'são', 'pode', 'podem', 'também', 'este', 'esta', 'isso', 'quando', 'ser', 'sobre', 'suas', 'às'],
  nl: ['de', 'het', 'een', 'en', 'van', 'in', 'is', 'zijn', 'dat', 'die', 'te', 'op', 'voor', 'met', 'niet', 'je', 'jouw', 'uw', 'u', 'we', 'wij', 'ons', 'onze', 'of', 'aan', 'als', 'door', 'bij', 'om', 'ook', 'kan', 'kunnen', 'deze', 'dit', 'worden', 'wordt', 'naar', 'uit', 'over', 'zoals', 'hebben', 'heeft', 'geen', 'tot', 'wanneer', 'welke', 'er'],
  sv: ['och', 'att', 'det', 'som', 'en', 'ett', 'i', 'på', 'är', 'av', 'för', 'med', 'till', 'den', 'de', 'inte', 'vi', 'oss', 'vår', 'våra', 'vårt', 'har', 'om', 'kan', 'eller', 'du', 'dig', 'din', 'dina', 'ditt', 'vid', 'från', 'sig', 'när', 'så', 'också', 'andra', 'detta', 'dessa', 'hur', 'vilka', 'ska', 'kommer', 'enligt', 'samt'],
  da: ['og', 'i', 'at', 'det', 'en', 'et', 'den', 'til', 'er', 'som', 'på', 'de', 'med', 'af', 'for', 'ikke', 'der', 'vi', 'os', 'vores', 'kan', 'eller', 'fra', 'om', 'dig', 'din', 'dine', 'dit', 'du', 'har', 'vil', 'skal', 'når', 'hvis', 'også', 'disse', 'denne', 'dette', 'efter', 'sådan', 'hvordan', 'hvor', 'blive', 'bliver', 'ved', 'jeres'],
  no: ['og', 'i', 'det', 'en', 'et', 'den', 'til', 'er', 'som', 'på', 'de', 'med', 'av', 'for', 'ikke', 'der', 'vi', 'oss', 'vår', 'våre', 'kan', 'eller', 'fra', 'om', 'deg', 'din', 'dine', 'ditt', 'du', 'har', 'vil', 'skal', 'når', 'hvis', 'også', 'disse', 'denne', 'dette', 'etter', 'slik', 'hvordan', 'hvor', 'bli', 'blir', 'ved', 'å'],
  fi: ['ja', 'on', 'ei', 'tai', 'että', 'se', 'ne', 'kun', 'jos', 'voi', 'voivat', 'myös', 'sekä', 'mukaan', 'joka', 'jotka', 'jonka', 'joita', 'tämä', 'nämä', 'sinun', 'meidän', 'me', 'sinä', 'olla', 'ovat', 'oli', 'kanssa', 'ole', 'eivät', 'mitä', 'miten', 'niin', 'vain', 'kuin', 'tässä', 'näitä', 'siitä', 'sen', 'niiden', 'meille', 'sinulle', 'mutta', 'jotta', 'kuten', 'tietoja', 'tiedot'],
  pl: ['i', 'w', 'z', 'na', 'do', 'nie', 'się', 'że', 'o', 'jest', 'są', 'to', 'lub', 'przez', 'od', 'dla', 'oraz', 'jak', 'po', 'za', 'ich', 'może', 'mogą', 'jeśli', 'jeżeli', 'tym', 'te', 'ten', 'ta', 'co', 'który', 'która', 'które', 'których', 'nas', 'nasze', 'naszych', 'twoje', 'twoich', 'być', 'przy', 'jako', 'także', 'również', 'tych', 'tego', 'ze', 'we'],
  cs: ['a', 'v', 'se', 'na', 'je', 'že', 's', 'z', 'do', 'o', 'k', 'pro', 'jako', 'nebo', 've', 'by', 'jsou', 'to', 'ten', 'ta', 'tyto', 'této', 'tento', 'které', 'který', 'která', 'při', 'od', 'po', 'za', 'jak', 'také', 'nás', 'naše', 'naši', 'vaše', 'vám', 'vás', 'můžeme', 'může', 'mohou', 'být', 'podle', 'pokud', 'si', 'jejich', 'tím', 'než', 'či'],
  tr: ['ve', 'bir', 'bu', 'için', 'ile', 'da', 'de', 'olarak', 'veya', 'gibi', 'daha', 'her', 'ki', 'ya', 'olan', 'kadar', 'sizin', 'size', 'siz', 'biz', 'bizim', 'bize', 'tarafından', 'ancak', 'değil', 'göre', 'sonra', 'üzere', 'eğer', 'hem', 'ise', 'şu', 'bunlar', 'bunu', 'buna', 'olması', 'ilgili', 'dair', 'olup', 'mı', 'mi', 'çok', 'tüm', 'diğer'],
  ro: ['și', 'în', 'de', 'la', 'a', 'al', 'ale', 'cu', 'pe', 'pentru', 'că', 'care', 'este', 'sunt', 'sau', 'nu', 'din', 'o', 'un', 'unei', 'unui', 'ce', 'se', 'să', 'dacă', 'ca', 'prin', 'noastre', 'noastră', 'nostru', 'dumneavoastră', 'vă', 'vom', 'fi', 'acest', 'această', 'aceste', 'către', 'lor', 'mai', 'sa', 'le', 'ne', 'privind', 'fie'],
};

export const LANGUAGE_NAMES: Record<string, string> = {
  en: 'English', fr: 'French', de: 'German', es: 'Spanish', it: 'Italian', pt: 'Portuguese', nl: 'Dutch',
  sv: 'Swedish', da: 'Danish', no: 'Norwegian', fi: 'Finnish', pl: 'Polish', cs: 'Czech', tr: 'Turkish',
  ro: 'Romanian', ja: 'Japanese', ko: 'Korean', zh: 'Chinese', ru: 'Russian', uk: 'Ukrainian',
  ar: 'Arabic', el: 'Greek', he: 'Hebrew', th: 'Thai',
};

const LOOKUP = new Map<string, string[]>();
for (const [language, words] of Object.entries(STOPWORDS)) {
  for (const word of words) LOOKUP.set(word, [...new Set([...(LOOKUP.get(word) ?? []), language])]);
}

type Script = 'latin' | 'cyrillic' | 'greek' | 'arabic' | 'hebrew' | 'han' | 'kana' | 'hangul' | 'thai';
/** Letters only (`(?=\p{L})`): Thai or Devanagari vowel signs are marks, and would make a share above 100%. */
const SCRIPTS: Array<[Script, RegExp]> = [
  ['latin', /(?=\p{L})\p{Script=Latin}/gu],
  ['cyrillic', /(?=\p{L})\p{Script=Cyrillic}/gu],
  ['greek', /(?=\p{L})\p{Script=Greek}/gu],
  ['arabic', /(?=\p{L})\p{Script=Arabic}/gu],
  ['hebrew', /(?=\p{L})\p{Script=Hebrew}/gu],
  ['han', /(?=\p{L})\p{Script=Han}/gu],
  ['kana', /(?=\p{L})[\p{Script=Hiragana}\p{Script=Katakana}]/gu],
  ['hangul', /(?=\p{L})\p{Script=Hangul}/gu],
  ['thai', /(?=\p{L})\p{Script=Thai}/gu],
];

/** The writing system each supported language is written in; Japanese mixes Han and kana. */
const SCRIPT_OF: Record<string, 'latin' | 'cyrillic' | 'greek' | 'arabic' | 'hebrew' | 'chinese' | 'japanese' | 'hangul' | 'thai'> = {
  ...Object.fromEntries(Object.keys(STOPWORDS).map((language) => [language, 'latin' as const])),
  ru: 'cyrillic', uk: 'cyrillic', ar: 'arabic', el: 'greek', he: 'hebrew', zh: 'chinese', ja: 'japanese', ko: 'hangul', th: 'thai',
};

/** The language a non-Latin script stands for when only one of ours is written in it. */
const SCRIPT_LANGUAGE: Partial<Record<string, string>> = { arabic: 'ar', greek: 'el', hebrew: 'he', chinese: 'zh', japanese: 'ja', hangul: 'ko', thai: 'th' };

const WRITING: Record<string, string> = {
  latin: 'Latin script', cyrillic: 'Cyrillic script', greek: 'Greek script', arabic: 'Arabic script', hebrew: 'Hebrew script',
  thai: 'Thai script', hangul: 'Korean Hangul', japanese: 'Japanese kana and kanji', chinese: 'Chinese characters without kana',
};

/** Old and macro-language codes folded into the ones the lists use. */
const ALIASES: Record<string, string> = { nb: 'no', nn: 'no', iw: 'he', cmn: 'zh', yue: 'zh' };

/** The primary subtag of a BCP 47 tag, lower case: `pt-BR` → `pt`, `zh-Hant-TW` → `zh`, `nb` → `no`. */
export function primaryLanguage(tag: string): string {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return ALIASES[primary] ?? primary;
}

export interface LanguageOptions {
  /** Fewer words than this: no verdict, a short text says too little. */
  minWords: number;
  /** A script counts as the text's own when this share of its letters is in it. */
  scriptShare: number;
  /** The best language must have at least this share of its function words … */
  minStopwordShare: number;
  /** … and the declared language less than this fraction of the best one's share. */
  maxDeclaredRatio: number;
}

export interface LanguageEvidence {
  /** The language the text reads as. */
  detected: string;
  /** The numbers behind it, in words a person can check. */
  detail: string;
}

export interface LanguageProfile {
  /** Letters in each script. */
  scripts: Partial<Record<Script, number>>;
  letters: number;
  /** Share of words that are function words of each Latin-script language. */
  stopwordShares: Record<string, number>;
  /** How often each function word occurs (words of no list are left out). */
  stopwordCounts: Map<string, number>;
  words: number;
}

const WORD = /[\p{L}\p{M}]+/gu;
/** Romanian comma-below letters are often typed with a cedilla. */
const CEDILLA: Record<string, string> = { ş: 'ș', ţ: 'ț' };

export function profileLanguage(text: string): LanguageProfile {
  // Link targets and URLs are not language.
  const prose = text.replace(/\]\([^)]*\)/g, ']').replace(/\b(?:https?:\/\/|www\.)\S+/gi, ' ');
  const scripts: Partial<Record<Script, number>> = {};
  for (const [script, pattern] of SCRIPTS) {
    const count = prose.match(pattern)?.length ?? 0;
    if (count > 0) scripts[script] = count;
  }
  const letters = prose.match(/\p{L}/gu)?.length ?? 0;
  const hits: Record<string, number> = Object.fromEntries(Object.keys(STOPWORDS).map((language) => [language, 0]));
  const stopwordCounts = new Map<string, number>();
  let words = 0;
  for (const match of prose.toLowerCase().matchAll(WORD)) {
    const word = match[0].replace(/[şţ]/g, (c) => CEDILLA[c]!);
    words++;
    const languages = LOOKUP.get(word);
    if (!languages) continue;
    stopwordCounts.set(word, (stopwordCounts.get(word) ?? 0) + 1);
    for (const language of languages) hits[language]!++;
  }
  const stopwordShares = Object.fromEntries(Object.entries(hits).map(([language, count]) => [language, words === 0 ? 0 : count / words]));
  return { scripts, letters, stopwordShares, stopwordCounts, words };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
const nameOf = (language: string) => LANGUAGE_NAMES[language] ?? language;

/**
 * Evidence that `text` is not in the `declared` language, or undefined when the text is in it,
 * or when there is not enough evidence to tell.
 */
export function wrongLanguage(text: string, declared: string, options: LanguageOptions): LanguageEvidence | undefined {
  const language = primaryLanguage(declared);
  const expected = SCRIPT_OF[language];
  if (!expected) return undefined;
  const profile = profileLanguage(text);
  if (profile.letters === 0) return undefined;
  const share = (script: Script) => (profile.scripts[script] ?? 0) / profile.letters;
  const cjk = (profile.scripts.han ?? 0) + (profile.scripts.kana ?? 0);
  // What the text is written in: Japanese is Han with kana, Chinese is Han without.
  const written =
    share('hangul') >= options.scriptShare ? 'hangul'
    : cjk / profile.letters >= options.scriptShare ? ((profile.scripts.kana ?? 0) >= cjk * 0.1 ? 'japanese' : (profile.scripts.kana ?? 0) <= cjk * 0.01 ? 'chinese' : undefined)
    : (['latin', 'cyrillic', 'greek', 'arabic', 'hebrew', 'thai'] as const).find((script) => share(script) >= options.scriptShare);
  if (!written) return undefined;
  // Scripts without spaces say little in "words"; count their letters instead (about two a word).
  const size = written === 'chinese' || written === 'japanese' || written === 'thai' ? profile.letters / 2 : profile.words;
  if (size < options.minWords) return undefined;

  if (written !== expected) {
    const latin = written === 'latin' ? bestLatin(profile) : undefined;
    const detected =
      written === 'latin' ? (latin && latin.share >= options.minStopwordShare ? latin.language : 'und')
      : written === 'cyrillic' ? cyrillicMarkers(text).language
      : (SCRIPT_LANGUAGE[written] ?? 'und');
    const scriptLetters = written === 'japanese' || written === 'chinese' ? cjk : (profile.scripts[written as Script] ?? 0);
    const reads = detected === 'und' ? '' : ` reads as ${nameOf(detected)}:`;
    return {
      detected,
      detail: `declared ${nameOf(language)} (${declared}) but the text${reads} ${percent(scriptLetters / profile.letters)} of its ${profile.letters} letters are ${WRITING[written]}`,
    };
  }
  if (written === 'cyrillic') return cyrillic(text, language, declared);
  if (written !== 'latin') return undefined;

  const best = bestLatin(profile);
  const own = profile.stopwordShares[language] ?? 0;
  if (!best || best.language === language || best.share < options.minStopwordShare) return undefined;
  if (own >= best.share * options.maxDeclaredRatio) return undefined;
  // Related languages share many function words ("de", "la", "en"); the words only one of the two
  // has decide: a Spanish text has "el", "los", "y" and no "le", "les", "et".
  const onlyBest = distinctShare(profile, best.language, language);
  const onlyOwn = distinctShare(profile, language, best.language);
  if (onlyBest < MIN_DISTINCT_SHARE || onlyOwn >= onlyBest * MAX_DISTINCT_RATIO) return undefined;
  return {
    detected: best.language,
    detail: `declared ${nameOf(language)} (${declared}) but the text reads as ${nameOf(best.language)}: of its ${profile.words} words, ${percent(best.share)} are common ${nameOf(best.language)} words (${percent(onlyBest)} not ${nameOf(language)}), ${percent(own)} common ${nameOf(language)} words (${percent(onlyOwn)} not ${nameOf(best.language)})`,
  };
}

/** Words of `language`'s list that are not in `other`'s must be at least this share of the text … */
const MIN_DISTINCT_SHARE = 0.03;
/** … and the declared language's own words under this fraction of them: a mostly other-language text. */
const MAX_DISTINCT_RATIO = 0.2;

/** Share of the text's words that are function words of `language` and not of `other`. */
function distinctShare(profile: LanguageProfile, language: string, other: string): number {
  if (profile.words === 0) return 0;
  let count = 0;
  for (const [word, n] of profile.stopwordCounts) {
    const languages = LOOKUP.get(word)!;
    if (languages.includes(language) && !languages.includes(other)) count += n;
  }
  return count / profile.words;
}

function bestLatin(profile: LanguageProfile): { language: string; share: number } | undefined {
  let best: { language: string; share: number } | undefined;
  for (const [language, share] of Object.entries(profile.stopwordShares)) {
    if (!best || share > best.share) best = { language, share };
  }
  return best;
}

/**
 * Russian and Ukrainian share most letters; each has a few of its own (ы э ъ ё against і ї є ґ).
 * Other Cyrillic languages get no verdict.
 */
function cyrillic(text: string, language: string, declared: string): LanguageEvidence | undefined {
  if (language !== 'ru' && language !== 'uk') return undefined;
  const { letters, russian, ukrainian } = cyrillicMarkers(text);
  const [own, other, otherLanguage] = language === 'ru' ? [russian, ukrainian, 'uk'] : [ukrainian, russian, 'ru'];
  // Each marker set is a few percent of the letters of its own language and absent from the other.
  if (other < letters * 0.01 || own >= other * MAX_DISTINCT_RATIO) return undefined;
  return {
    detected: otherLanguage,
    detail: `declared ${nameOf(language)} (${declared}) but the text reads as ${nameOf(otherLanguage)}: ${other} of its ${letters} letters are ones only ${nameOf(otherLanguage)} uses (${own} only ${nameOf(language)} uses)`,
  };
}

function cyrillicMarkers(text: string): { letters: number; russian: number; ukrainian: number; language: string } {
  const letters = text.toLowerCase().match(/\p{Script=Cyrillic}/gu) ?? [];
  const russian = letters.filter((c) => 'ыэъё'.includes(c)).length;
  const ukrainian = letters.filter((c) => 'іїєґ'.includes(c)).length;
  const language = russian > ukrainian * 5 ? 'ru' : ukrainian > russian * 5 ? 'uk' : 'und';
  return { letters: letters.length, russian, ukrainian, language };
}
