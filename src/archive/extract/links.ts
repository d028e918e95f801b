/** Query parameters that only track who clicked where; they rotate and carry no meaning. */
const TRACKING_PARAMETERS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid',
  'li_fat_id', 'igshid', 'igsh', 'mc_cid', 'mc_eid', '_ga', '_gl', '_hsenc', '_hsmi', 'hsctatracking',
  'mkt_tok', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'vero_conv', 'rb_clickid', 's_cid', 'trk',
  'trkcampaign', 'ref_src', 'ref_url', 'si', 'spm', 'scid', 'epik', 'srsltid', '__s', 'ncid', 'sr_share',
]);

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:']);

export function isTrackingParameter(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMETERS.has(lower);
}

/**
 * Makes a link absolute against the page, drops tracking parameters, and returns undefined for
 * links that must not survive into the archive (javascript:, data:, unparseable).
 */
export function cleanLink(href: string, base: string, { stripQuery = false } = {}): string | undefined {
  const trimmed = href.trim();
  // Same-page anchors stay relative: the page's URL may change without the anchor changing.
  if (trimmed === '#' || trimmed === '') return undefined;
  if (trimmed.startsWith('#')) return trimmed;
  let url: URL;
  try {
    url = new URL(href.trim(), base);
  } catch {
    return undefined;
  }
  if (!SAFE_PROTOCOLS.has(url.protocol)) return undefined;
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (stripQuery) url.search = '';
    else {
      for (const name of [...url.searchParams.keys()]) if (isTrackingParameter(name)) url.searchParams.delete(name);
      // URLSearchParams re-encodes; keep a bare "?" from appearing when everything was removed.
      if ([...url.searchParams.keys()].length === 0) url.search = '';
    }
  }
  return url.toString();
}
