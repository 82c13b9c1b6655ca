import { describe, expect, it } from "vitest";
import { redisDecodeHint } from "./hint";

describe("redisDecodeHint", () => {
  it("Django's builtin RedisCache pickles", () => {
    expect(redisDecodeHint("django.core.cache.backends.redis.RedisCache", {})).toEqual({ hint: { source: "redis-builtin" } });
  });

  it("django-redis defaults to pickle without compression", () => {
    expect(redisDecodeHint("django_redis.cache.RedisCache", {}).hint).toEqual({
      source: "django-redis", serializer: "pickle", compressor: null,
    });
  });

  it("reads SERIALIZER and COMPRESSOR dotted paths", () => {
    const choice = redisDecodeHint("django_redis.cache.RedisCache", {
      SERIALIZER: "django_redis.serializers.json.JSONSerializer",
      COMPRESSOR: "django_redis.compressors.zstd.ZStdCompressor",
    });
    expect(choice).toEqual({ hint: { source: "django-redis", serializer: "json", compressor: "zstd" } });
  });

  it("warns about classes it does not know", () => {
    const choice = redisDecodeHint("django_redis.cache.RedisCache", { SERIALIZER: "myapp.Ser" });
    expect(choice.hint).toEqual({ source: "django-redis", serializer: "pickle", compressor: null });
    expect(choice.warning).toMatch(/unknown serializer myapp.Ser/);
  });
});
