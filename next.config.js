/** @type {import('next').NextConfig} */
const nextConfig = {
  // ioredis and the native xz decoder must be loaded by Node, not bundled.
  serverExternalPackages: ["ioredis", "@napi-rs/lzma"],
  poweredByHeader: false,
  // The test command type-checks the whole tree (tests included) as its own stage; the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};
module.exports = nextConfig;
