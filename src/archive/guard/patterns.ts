/**
 * What pages that are not documents say about themselves: error pages served with status 200,
 * placeholders left by scripts that never ran, bot walls, login walls and cookie walls. The
 * catalogue only says what a line looks like; whether the page is dominated by such lines (and so
 * is junk) or merely mentions them (a privacy policy that talks about CAPTCHAs, cookies or 404s) is
 * decided in `index.ts`.
 *
 * Two kinds of patterns:
 * - `whole`: the line (or one part of a title such as "404 | Page not found") is nothing but this.
 *   Used for short, common words ("404", "Loading", "Access denied") that would match too much
 *   anywhere inside a sentence.
 * - `phrase`: the words appear anywhere in the line. Used for sentences specific enough that a real
 *   document rarely contains them ("Checking your browser before accessing").
 * Lines are compared in lower case, with typographic apostrophes and ellipses folded to ASCII.
 */
export type JunkReason = 'bot-wall' | 'login-wall' | 'cookie-wall' | 'error-page' | 'placeholder';

export interface JunkPattern {
  reason: JunkReason;
  /** What the page looks like, for the verdict's detail: "looks like <label>". */
  label: string;
  kind: 'whole' | 'phrase';
  pattern: RegExp;
}

/** Outside a word: Latin phrases must not match inside longer words ("404" in "14045"). */
const EDGE_BEFORE = '(?<![\\p{L}\\p{N}])';
const EDGE_AFTER = '(?![\\p{L}\\p{N}])';

function phrase(reason: JunkReason, label: string, ...sources: string[]): JunkPattern {
  return { reason, label, kind: 'phrase', pattern: new RegExp(`${EDGE_BEFORE}(?:${sources.join('|')})${EDGE_AFTER}`, 'u') };
}

/** Chinese, Japanese and Korean phrases sit inside runs of letters without spaces: no word edges. */
function cjkPhrase(reason: JunkReason, label: string, ...sources: string[]): JunkPattern {
  return { reason, label, kind: 'phrase', pattern: new RegExp(`(?:${sources.join('|')})`, 'u') };
}

function whole(reason: JunkReason, label: string, ...sources: string[]): JunkPattern {
  return { reason, label, kind: 'whole', pattern: new RegExp(`^(?:${sources.join('|')})$`, 'u') };
}

/**
 * Ordered by reason in order of precedence (bot wall, login wall, cookie wall, error page,
 * placeholder: a Cloudflare page also says "Please enable cookies", a DataDome page also mentions
 * JavaScript), and within a reason from specific to generic: a line gets the first pattern it
 * matches, and a verdict names the most specific one.
 */
export const JUNK_PATTERNS: readonly JunkPattern[] = [
  // Bot walls and CAPTCHAs, by vendor first so that the detail names the vendor.
  phrase('bot-wall', 'a Cloudflare challenge',
    'checking (?:your browser|if the site connection is secure)',
    'verify you are human by completing the action below',
    'needs to review the security of your connection before proceeding',
    'enable javascript and cookies to continue',
    '(?:performance (?:&|and) security|ddos protection) by cloudflare',
    'attention required! ?\\| ?cloudflare',
    '(?:cloudflare )?ray id: ?[0-9a-f]{8,}',
    'cf-ray',
    'sorry, you have been blocked',
    'you are unable to access [^ ]+\\.[a-z]{2,}'),
  whole('bot-wall', 'a Cloudflare challenge', 'just a moment', 'attention required!?', 'one more step', 'please stand by, while we are checking your browser'),
  phrase('bot-wall', 'a DataDome challenge', 'please enable js and disable any ad ?blocker', 'captcha-delivery\\.com', 'datadome'),
  phrase('bot-wall', 'an Incapsula (Imperva) block', 'incapsula incident id', 'request unsuccessful\\. incapsula', '_incapsula_resource'),
  phrase('bot-wall', 'an Akamai block',
    "you don't have permission to access .* on this server",
    'reference #\\d+\\.[0-9a-f]+\\.\\d+\\.[0-9a-f]+',
    'errors\\.edgesuite\\.net'),
  phrase('bot-wall', 'a PerimeterX (HUMAN) challenge', 'press (?:&|and) hold to confirm you are a human', 'press (?:&|and) hold the button', 'px-captcha', 'access to this page has been denied'),
  phrase('bot-wall', 'a CAPTCHA or bot check',
    "verify (?:that )?you(?:'re| are) (?:a )?human",
    "(?:confirm|prove) (?:that )?you(?:'re| are) (?:a )?human(?: and not a (?:bot|robot))?",
    "are you a (?:ro)?bot\\??",
    "i'?m not a robot",
    'unusual traffic from your (?:computer )?network',
    '(?:our systems have )?detected unusual (?:traffic|activity) from',
    'complete the (?:security check|captcha)',
    'solve (?:the|this) captcha',
    'h-?captcha',
    're-?captcha',
    // French, German, Spanish, Italian, Portuguese, Dutch: "I am not a robot", "verify you are human".
    "(?:je ne suis|vous n'êtes) pas un robot",
    'vérifi(?:ez|er|ons) que vous êtes (?:un )?humain',
    '(?:ich bin|sie sind) kein roboter',
    'bestätigen sie, dass sie ein mensch sind',
    'no soy un robot',
    'verifica(?:r)? que eres (?:un )?humano',
    'non sono un robot',
    'não sou um robô',
    'ik ben geen robot'),
  whole('bot-wall', 'a CAPTCHA or bot check', 'captcha', 'security check', 'bot check', 'robot check', 'human verification'),
  whole('bot-wall', 'an access-denied block', 'access denied', '403', '(?:error )?403 forbidden', 'forbidden', 'request blocked', 'the request is blocked', 'error 1020', 'accès refusé', 'zugriff verweigert', 'acceso denegado', 'accesso negato', 'acesso negado', 'toegang geweigerd'),

  // Login walls: sentences that ask the reader to sign in before seeing anything. A bare "Log in"
  // button is on many real pages, so it is not evidence.
  phrase('login-wall', 'a login wall',
    '(?:log|sign) ?in (?:to|in order to) (?:continue|view|see|access|read)(?: this (?:page|content|document|post))?',
    '(?:log|sign) ?in or sign ?up (?:to|for) (?:continue|view|see|access)',
    'create an account or (?:log|sign) ?in to',
    'you (?:must|need to|have to) (?:be logged in|log ?in|sign ?in|be signed in)',
    'please (?:log|sign) ?in (?:to|first)',
    'this (?:content|page) is only available to (?:logged-in|registered|signed-in) (?:users|members)',
    'connectez-vous pour (?:continuer|accéder|voir|consulter)',
    'vous devez être connecté',
    'melden sie sich an, um',
    'bitte melden sie sich an',
    'anmelden, um (?:fortzufahren|weiterzumachen)',
    'sie müssen (?:angemeldet|eingeloggt) sein',
    'inicia sesión para (?:continuar|ver|acceder)',
    'debes iniciar sesión',
    'accedi per (?:continuare|visualizzare)',
    "devi (?:effettuare l'accesso|accedere)",
    'faça login para (?:continuar|ver|acessar)',
    'você precisa (?:fazer login|entrar)',
    'log in om (?:verder te gaan|door te gaan)',
    'je moet ingelogd zijn'),
  whole('login-wall', 'a login wall', '(?:log ?in|sign ?in|login) required', 'please (?:log|sign) ?in', '(?:log|sign) ?in to (?:your account|continue)'),
  cjkPhrase('login-wall', 'a login wall', 'ログインしてください', '続行するにはログイン', '로그인이 필요합니다', '계속하려면 로그인', '请登录', '登录后查看', '請登入'),

  // Cookie walls: the content is withheld until consent; a bare consent banner captured instead of
  // the document is refused the same way (its buttons only count as a whole line).
  phrase('cookie-wall', 'a cookie wall',
    'accept (?:all )?cookies to (?:continue|view|see|access|proceed|load|watch)',
    '(?:this|the) content is blocked until you accept cookies',
    '(?:content|video|page) (?:is )?(?:blocked|unavailable|not available) (?:because|until|unless) you (?:accept|allow|consent)',
    '(?:you need|you must|please) (?:to )?(?:accept|allow|enable) (?:all )?cookies (?:to|in order to|before)',
    'please enable cookies',
    '(?:your browser (?:has|seems to have) )?cookies (?:are )?(?:disabled|blocked) in your browser',
    'pour continuer, acceptez les cookies',
    'acceptez les cookies pour',
    '(?:veuillez|vous devez) accepter les cookies',
    'akzeptieren sie (?:die |alle )?cookies, um',
    'cookies akzeptieren, um',
    'acepta(?:r)? (?:las |todas las )?cookies para',
    'accetta(?:re)? (?:i |tutti i )?cookie per',
    'aceite os cookies para',
    'accepteer (?:de |alle )?cookies om',
    // Consent interstitials (IAB TCF, Google's "Before you continue") shown instead of the page.
    'we and our \\d+ (?:iab )?(?:tcf )?(?:vendors|partners) (?:store|use|process)',
    'by clicking "?accept all"?,? you (?:agree|consent)'),
  whole('cookie-wall', 'a cookie consent interstitial', 'before you continue(?: to [\\p{L} ]{1,30})?', 'avant d\'accéder à [\\p{L} ]{1,30}', 'bevor sie zu [\\p{L} ]{1,30} weitergehen'),
  whole('cookie-wall', 'a cookie consent banner', 'accept all cookies', 'allow all cookies', 'accept all', 'reject all', 'allow all', 'tout accepter', 'tout refuser', 'alle akzeptieren', 'alle ablehnen', 'aceptar todo', 'rechazar todo', 'accetta tutto', 'rifiuta tutto', 'aceitar tudo', 'rejeitar tudo', 'alles accepteren', 'alles weigeren'),

  // Error pages served with status 200.
  phrase('error-page', 'an error page',
    'page not found',
    "this page (?:isn't|is not) available",
    "this content (?:isn't|is not) available",
    '(?:the )?page (?:you (?:requested|are looking for|were looking for|tried to reach) )?(?:could not|cannot|can\'t|couldn\'t) be found',
    'the page you (?:requested|are looking for|were looking for) (?:does not|doesn\'t) exist',
    "we (?:can't|cannot|couldn't|could not) find (?:that|this|the) page",
    'something went wrong',
    'an (?:unexpected )?error (?:has )?occurred',
    'internal server error',
    // French
    'page (?:introuvable|non trouvée)',
    "cette page (?:n'est pas disponible|est introuvable|n'existe pas)",
    "la page (?:que vous (?:recherchez|cherchez|avez demandée) )?(?:n'existe pas|est introuvable|n'a pas été trouvée)",
    "une (?:erreur|erreur inattendue) (?:s'est produite|est survenue)",
    'un problème est survenu',
    "quelque chose s'est mal passé",
    // German
    'seite nicht gefunden',
    '(?:diese|die) seite (?:ist|wurde) (?:momentan |derzeit |leider |zurzeit )?nicht (?:verfügbar|gefunden)',
    'die (?:angeforderte|gesuchte|von ihnen gesuchte) seite (?:existiert nicht|wurde nicht gefunden|konnte nicht gefunden werden)',
    'ein (?:unerwarteter )?fehler ist aufgetreten',
    'es ist ein (?:unerwarteter )?fehler aufgetreten',
    'da ist (?:wohl )?etwas schief ?gegangen',
    'etwas ist schief ?(?:gelaufen|gegangen)',
    // Spanish
    'página no encontrada',
    'no se (?:ha podido encontrar|encontró|ha encontrado|puede encontrar) la página',
    'esta página no está disponible',
    'la página que (?:buscas|estás buscando|busca|solicitaste) no existe',
    'algo (?:salió|ha salido) mal',
    '(?:se ha producido|ha ocurrido|se produjo|ocurrió) un error',
    // Italian
    'pagina non trovata',
    'questa pagina non è disponibile',
    'la pagina che (?:stai cercando|cerchi) non esiste',
    'impossibile trovare la pagina',
    'si è verificato un errore',
    'qualcosa è andato storto',
    // Portuguese
    'página não encontrada',
    'esta página não está disponível',
    'a página que (?:você )?(?:procura|está procurando) não existe',
    'algo deu errado',
    'ocorreu um erro',
    // Dutch
    'pagina niet gevonden',
    'deze pagina is niet beschikbaar',
    'de pagina die (?:je|u) zoekt bestaat niet',
    'er is iets (?:mis ?gegaan|fout ?gegaan)',
    'er is een fout opgetreden',
    // Swedish, Polish, Turkish, Russian
    'sidan (?:kunde inte hittas|hittades inte)',
    'något gick fel',
    'nie znaleziono strony',
    'strona nie została znaleziona',
    'coś poszło nie tak',
    'wystąpił błąd',
    'sayfa bulunamadı',
    'bir (?:hata oluştu|şeyler ters gitti)',
    'страница не найдена',
    'что-то пошло не так',
    'произошла ошибка'),
  cjkPhrase('error-page', 'an error page',
    'ページが見つかりません',
    'お探しのページは見つかりませんでした',
    'このページは(?:ご利用|表示)(?:いただけません|できません)',
    'エラーが発生しました',
    '問題が発生しました',
    '페이지를 찾을 수 없습니다',
    '이 페이지를 사용할 수 없습니다',
    '오류가 발생했습니다',
    '문제가 발생했습니다',
    '找不到(?:该|此|您要的|您要访问的)?(?:页面|網頁|网页|頁面)',
    '(?:页面|頁面|网页|網頁)(?:不存在|未找到|找不到)',
    '(?:此|该|此頁|該)?(?:页面|頁面)(?:不可用|無法使用)',
    '出错了',
    '(?:发生|發生|出现|出現)(?:错误|錯誤)'),
  whole('error-page', 'an error page',
    '(?:error |erreur |fehler |errore |erro |fout |http )?(?:40[04]|410|50[0234])(?: error| not found| - not found)?',
    '404 page',
    'not found',
    // Status lines; "the service may be temporarily unavailable" inside a sentence is ordinary terms.
    '(?:(?:http )?50[234] )?(?:service (?:temporarily )?unavailable|bad gateway|gateway time-?out)',
    'page (?:unavailable|not available|missing)',
    'oops!?', 'whoops!?', 'uh[- ]oh!?', 'oups', 'hoppla', 'huch', 'ups', 'vaya', 'ops', 'oeps',
    'error', 'erreur', 'fehler', 'errore', 'erro'),

  // Placeholders: what a page says before its script has put the document in.
  phrase('placeholder', 'a script placeholder',
    'please (?:enable|turn on) javascript',
    'you need to enable javascript to run this app',
    'javascript (?:is )?(?:disabled|required|not enabled|must be enabled)',
    '(?:this|the) (?:site|app|page|website) requires javascript',
    'enable javascript (?:in your browser )?(?:to|in order to) (?:view|continue|use|see|load)',
    'your browser does not support javascript',
    'activ(?:ez|er) (?:le )?javascript',
    'javascript (?:aktivieren|ist deaktiviert)',
    'aktivieren sie (?:bitte )?javascript',
    '(?:habilita|activa) (?:el )?javascript',
    '(?:attiva|abilita) javascript',
    '(?:ative|habilite) o javascript',
    'schakel javascript in'),
  cjkPhrase('placeholder', 'a script placeholder', 'javascriptを有効に', '자바스크립트를 활성화', '启用 ?javascript', '請啟用 ?javascript'),
  phrase('placeholder', 'a redirect placeholder', 'redirecting to', 'you are being redirected', 'redirection (?:en cours|vers)', 'weiterleitung (?:zu|nach|läuft)', 'redirigiendo a', 'redirecionando para', 'reindirizzamento (?:a|in corso)', 'doorverwijzen naar'),
  whole('placeholder', 'a redirect placeholder', 'redirecting', 'weiterleitung', 'redirigiendo', 'redirecionando', 'reindirizzamento'),
  whole('placeholder', 'a loading placeholder',
    'loading', 'loading, please wait', 'please wait', 'one moment please', 'just a second',
    'chargement(?: en cours)?', 'veuillez patienter',
    'wird geladen', 'lädt', 'laden', 'bitte warten',
    'cargando', 'espere', 'un momento',
    'carregando', 'aguarde',
    'caricamento(?: in corso)?', 'attendere',
    'bezig met laden', 'even geduld',
    '読み込み中', 'ロード中', '로딩 중', '로드 중', '加载中', '載入中', '正在加载'),
  whole('placeholder', 'an empty template', 'undefined', 'null', 'nan', '\\[object object\\]', '\\{\\{[^}]*\\}\\}'),
];

/** One combined expression per kind, so that the many lines of a real document are dismissed in one test each. */
const ANY_PHRASE = new RegExp(JUNK_PATTERNS.filter((p) => p.kind === 'phrase').map((p) => p.pattern.source).join('|'), 'u');
const ANY_WHOLE = new RegExp(JUNK_PATTERNS.filter((p) => p.kind === 'whole').map((p) => p.pattern.source).join('|'), 'u');

/** Lower case, ASCII apostrophes and quotes, spaces folded. */
function fold(line: string): string {
  return line
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb]/g, '"')
    .replace(/\u2026/g, '...')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Decoration around a title: punctuation, dots of an ellipsis, emoji, spaces. */
const DECORATION = /^[^\p{L}\p{N}[{]+|[^\p{L}\p{N}\]}]+$/gu;

/** A title may carry the site's name or a code: "404 | Page not found", "Oops! - Example". */
function titleParts(folded: string): string[] {
  const parts = [folded, ...folded.split(/\s+[|\-–—·•:]\s+|:\s+|!\s+/)];
  return [...new Set(parts.map((part) => part.replace(DECORATION, '').trim()).filter((part) => part !== ''))];
}

/** The first pattern, in order of precedence, that the line matches; undefined for ordinary text. */
export function matchJunk(line: string): JunkPattern | undefined {
  const folded = fold(line);
  const hasPhrase = ANY_PHRASE.test(folded);
  const parts = folded.length <= 120 ? titleParts(folded) : [];
  const hasWhole = parts.some((part) => ANY_WHOLE.test(part));
  if (!hasPhrase && !hasWhole) return undefined;
  return JUNK_PATTERNS.find((candidate) =>
    candidate.kind === 'phrase' ? candidate.pattern.test(folded) : parts.some((part) => candidate.pattern.test(part)),
  );
}
