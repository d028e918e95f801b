import TurndownService from 'turndown';
import { gfm } from 'turndown-plugin-gfm';
import type { Converter } from '../index.ts';

/**
 * The converter Open Terms Archive uses (turndown with GFM tables and strikethrough), kept to
 * compare against the default unified converter: see docs/decisions/0003. The nodes are
 * serialised back to HTML because turndown parses its own DOM (domino); cheerio's tree is not
 * one it can walk.
 */
export const turndownConverter: Converter = (nodes, $) => service().turndown($.html(nodes));

let instance: TurndownService | undefined;

function service(): TurndownService {
  if (instance) return instance;
  instance = new TurndownService({
    headingStyle: 'atx',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    fence: '```',
    emDelimiter: '_',
    strongDelimiter: '**',
    hr: '---',
    linkStyle: 'inlined',
  });
  instance.use(gfm);
  return instance;
}
