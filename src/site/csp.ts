/**
 * The Content-Security-Policy every page carries (as a <meta>, so that any static host serves it).
 * Pages hold no script, no inline style and no remote resource. The search page loads Pagefind
 * from /pagefind/ and runs its WebAssembly ('wasm-unsafe-eval'). `frame-ancestors` and reporting
 * cannot be set from a <meta>; a host that can send headers should add them.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
