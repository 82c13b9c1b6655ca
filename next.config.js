/** On every answer: pages, API and static files alike. */
const COMMON_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};
/** JSON and metrics are never documents: nothing may load from them, and nobody may frame them. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // ioredis and the native xz decoder must be loaded by Node, not bundled.
  serverExternalPackages: ["ioredis", "@napi-rs/lzma"],
  poweredByHeader: false,
  // The test command type-checks the whole tree (tests included) as its own stage; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Pages get their CSP (with a nonce) from proxy.ts; the rest of the headers go on everything.
  async headers() {
    const common = Object.entries(COMMON_HEADERS).map(([key, value]) => ({ key, value }));
    return [
      { source: "/:path*", headers: common },
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_POLICY }] },
    ];
  },
};
module.exports = nextConfig;
