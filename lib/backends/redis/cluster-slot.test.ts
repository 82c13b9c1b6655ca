import { describe, expect, it } from "vitest";
import { slotOf } from "./cluster-slot";

describe("slotOf", () => {
  it("matches Redis's CLUSTER KEYSLOT, hash tags included", () => {
    // Values from redis-py's redis.crc.key_slot (what RedisCluster routes by).
    expect(slotOf("foo")).toBe(12182);
    expect(slotOf("bar")).toBe(5061);
    expect(slotOf("{user1000}.following")).toBe(3443);
    expect(slotOf("user1000")).toBe(3443);
    // An empty tag is no tag: the whole key is hashed.
    expect(slotOf("foo{}{bar}")).toBe(8363);
    expect(slotOf(":1:views.decorators.cache.cache_page..GET.x")).toBe(13362);
  });
});
