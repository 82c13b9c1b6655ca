/** @type {import('next').NextConfig} */
const nextConfig = {
  // ioredis and the native xz decoder must be loaded by Node, not bundled.
  serverExternalPackages: ["ioredis", "@napi-rs/lzma"],
  poweredByHeader: false,
};
module.exports = nextConfig;
