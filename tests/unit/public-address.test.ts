import { describe, expect, it } from 'vitest';
import { isAllowedAddress, isPublicAddress, urlShapeProblem } from '../../src/archive/fetch/public-address.ts';

describe('isPublicAddress', () => {
  it.each(['93.184.215.14', '8.8.8.8', '2606:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:93.184.215.14'])(
    '%s is public',
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.1', 'loopback range'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private, first of 172.16/12'],
    ['172.31.255.254', 'private, last of 172.16/12'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local, cloud metadata'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this host'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.1', 'documentation'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fe80::1', 'IPv6 link-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback, dotted'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata endpoint, hex'],
    ['64:ff9b::a00:1', 'NAT64 of 10.0.0.1'],
    ['64:ff9b::10.0.0.1', 'NAT64 of 10.0.0.1, dotted'],
    ['not-an-address', 'not an IP at all'],
  ])('%s is not public (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it('draws the 172.16/12 boundary exactly', () => {
    expect(isPublicAddress('172.15.255.255')).toBe(true);
    expect(isPublicAddress('172.32.0.0')).toBe(true);
  });
});

describe('isAllowedAddress', () => {
  it('allows loopback only when asked, and never other non-public addresses', () => {
    expect(isAllowedAddress('127.0.0.1', false)).toBe(false);
    expect(isAllowedAddress('127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('::1', true)).toBe(true);
    expect(isAllowedAddress('::ffff:127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('10.0.0.1', true)).toBe(false);
    expect(isAllowedAddress('169.254.169.254', true)).toBe(false);
    expect(isAllowedAddress('0.0.0.0', true)).toBe(false);
    expect(isAllowedAddress('93.184.215.14', false)).toBe(true);
  });
});

describe('urlShapeProblem', () => {
  it.each([
    'https://www.anthropic.com/legal/privacy',
    'http://example.com/terms?lang=en#section-2',
    'https://93.184.215.14/terms',
    'https://[2606:4700::1111]/terms',
  ])('accepts %s', (url) => {
    expect(urlShapeProblem(url)).toBeUndefined();
  });

  it.each([
    ['ftp://ftp.example.com/terms.txt', /ftp:/],
    ['file:///etc/passwd', /file:/],
    ['javascript:alert(1)', /javascript:/],
    ['https://user:secret@example.com/terms', /credentials/],
    ['https://user@example.com/terms', /credentials/],
    ['http://localhost/', /internal host name localhost/],
    ['http://localhost:3000/terms', /internal host name/],
    ['http://app.localhost/', /internal host name/],
    ['http://printer.local/', /internal host name/],
    ['http://intranet/', /internal host name intranet/],
    ['http://metadata.google.internal/', /internal host name/],
    ['http://10.1.2.3/', /non-public address 10\.1\.2\.3/],
    ['http://169.254.169.254/latest/meta-data', /non-public address/],
    ['http://[::1]/', /non-public address ::1/],
    ['http://[::ffff:127.0.0.1]/', /non-public address/],
    // Spellings the URL parser turns into 127.0.0.1.
    ['http://2130706433/', /non-public address 127\.0\.0\.1/],
    ['http://0x7f.1/', /non-public address 127\.0\.0\.1/],
    ['not a url', /not a URL/],
  ])('rejects %s', (url, problem) => {
    expect(urlShapeProblem(url)).toMatch(problem);
  });

  it('accepts loopback only with allowLoopback, and nothing else non-public', () => {
    expect(urlShapeProblem('http://127.0.0.1:8080/')).toMatch(/non-public/);
    expect(urlShapeProblem('http://127.0.0.1:8080/', true)).toBeUndefined();
    expect(urlShapeProblem('http://[::1]:8080/', true)).toBeUndefined();
    expect(urlShapeProblem('http://localhost:8080/', true)).toBeUndefined();
    expect(urlShapeProblem('http://10.1.2.3/', true)).toMatch(/non-public/);
    expect(urlShapeProblem('http://intranet/', true)).toMatch(/internal host name/);
    expect(urlShapeProblem('http://metadata.google.internal/', true)).toMatch(/internal host name/);
  });
});
