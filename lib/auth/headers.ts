/** The Content-Security-Policy of pages (proxy.ts); next.config.js sets the fixed headers of every answer. */

/**
 * The policy of a page. Scripts need the request's nonce (Next.js puts it on its own scripts when it sees it in the
 * request's CSP) and 'strict-dynamic' for the chunks those load. Style attributes stay allowed: React renders
 * style={...} as attributes on the server (bars' widths), and an attribute can style but never run code.
 */
export function pagePolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
