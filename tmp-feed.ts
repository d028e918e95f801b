import { parseFeed, parseRssFeed, parseAtomFeed } from 'feedsmith';
import { readFileSync } from 'node:fs';
const r = parseFeed(readFileSync('dist/feeds/chirpy.rss.xml', 'utf8'));
console.log(r.format, JSON.stringify(r.feed, null, 1).slice(0, 1200));
const a = parseFeed(readFileSync('dist/feeds/chirpy/privacy-policy.atom.xml', 'utf8'));
console.log(a.format, JSON.stringify(a.feed, null, 1).slice(0, 1500));
