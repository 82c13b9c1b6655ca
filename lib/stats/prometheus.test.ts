import { describe, expect, it } from "vitest";
import type { ServerStats } from "@/lib/backends/types";
import { escapeLabelValue, metricsText } from "./prometheus";

const up: ServerStats = {
  server: "127.0.0.1:6379",
  ok: true,
  hits: 12,
  misses: 3,
  items: 5,
  bytes: 1024,
  maxBytes: null,
  evictions: 0,
  expirations: 2,
  uptimeSeconds: 9,
  version: "7.0.15",
};
const down: ServerStats = {
  ...up,
  server: "mc:11211",
  ok: false,
  hits: null,
  misses: null,
  items: null,
  bytes: null,
  evictions: null,
  expirations: null,
};

describe("escapeLabelValue", () => {
  it("escapes backslash, double quote and line feed", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });
});

describe("metricsText", () => {
  const text = metricsText([
    { alias: 'we"ird\\al\nias', kind: "redis", servers: [up] },
    { alias: "sessions", kind: "memcached", servers: [down] },
  ]);
  const lines = text.split("\n");

  it("declares each family once with HELP and TYPE", () => {
    expect(lines.filter((l) => l === "# TYPE cachescope_hits_total counter")).toHaveLength(1);
    expect(lines).toContain("# TYPE cachescope_items gauge");
    expect(text.endsWith("\n")).toBe(true);
  });
  it("writes samples with escaped alias, backend kind and server labels", () => {
    expect(lines).toContain('cachescope_hits_total{alias="we\\"ird\\\\al\\nias",backend="redis",server="127.0.0.1:6379"} 12');
    expect(lines).toContain('cachescope_expirations_total{alias="we\\"ird\\\\al\\nias",backend="redis",server="127.0.0.1:6379"} 2');
  });
  it("reports a down server as up 0 and leaves out what it could not tell", () => {
    expect(lines).toContain('cachescope_up{alias="sessions",backend="memcached",server="mc:11211"} 0');
    expect(lines.some((l) => l.startsWith('cachescope_hits_total{alias="sessions"'))).toBe(false);
  });
  it("leaves out a limit the server does not have", () => {
    expect(lines.some((l) => l.startsWith("cachescope_max_bytes{"))).toBe(false);
  });
});
