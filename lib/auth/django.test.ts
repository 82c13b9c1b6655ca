import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NonceBook, signAssertionPayload, verifyAssertion } from "./django";

const SECRET = "s".repeat(40);
const ORIGIN = "http://console.test:3000";
const NOW = 1_800_000_000;

/** What the companion issues (integrations/django cachescope_django/assertion.py). */
function issue(over: Record<string, unknown> = {}, secret = SECRET): string {
  const payload = {
    aud: `${ORIGIN}/`,
    uid: "7",
    username: "alice",
    role: "admin",
    iat: NOW,
    exp: NOW + 60,
    nonce: randomBytes(18).toString("base64url"),
    ...over,
  };
  const text = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${text}.${signAssertionPayload(secret, text)}`;
}

const verify = (assertion: string, nonces = new NonceBook(), now = NOW) =>
  verifyAssertion(assertion, { secret: SECRET, origin: ORIGIN, nonces, now });

describe("verifyAssertion", () => {
  it("accepts a fresh assertion once and names the person and role", () => {
    const nonces = new NonceBook();
    const a = issue({ role: "viewer" });
    expect(verify(a, nonces)).toMatchObject({ ok: true, role: "viewer", person: { username: "alice", userId: "7" } });
    expect(verify(a, nonces)).toMatchObject({ ok: false, reason: "replayed" });
  });

  it("refuses a tampered payload or signature", () => {
    const [payload, mac] = issue().split(".");
    const other = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), role: "admin", username: "mallory" }),
    ).toString("base64url");
    expect(verify(`${other}.${mac}`)).toMatchObject({ ok: false, reason: "signature" });
    const flipped = `${mac.slice(0, -2)}${mac.endsWith("AA") ? "BB" : "AA"}`;
    expect(verify(`${payload}.${flipped}`)).toMatchObject({ ok: false, reason: "signature" });
    expect(verify(`${payload}.`)).toMatchObject({ ok: false, reason: "malformed" });
    expect(verify("x".repeat(5000))).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("refuses one signed with another secret, saying the secrets may differ", () => {
    const r = verify(issue({}, "t".repeat(40)));
    expect(r).toMatchObject({ ok: false, reason: "signature" });
    expect(!r.ok && r.message).toMatch(/CACHESCOPE_DJANGO_SECRET/);
  });

  it("bounds the clock skew both ways and the lifetime", () => {
    expect(verify(issue(), new NonceBook(), NOW + 60 + 15)).toMatchObject({ ok: true });
    expect(verify(issue(), new NonceBook(), NOW + 60 + 16)).toMatchObject({ ok: false, reason: "expired" });
    expect(verify(issue({ iat: NOW + 15, exp: NOW + 75 }))).toMatchObject({ ok: true });
    expect(verify(issue({ iat: NOW + 16, exp: NOW + 76 }))).toMatchObject({ ok: false, reason: "future" });
    expect(verify(issue({ exp: NOW + 3600 }))).toMatchObject({ ok: false, reason: "lifetime" });
  });

  it("refuses an assertion addressed to another origin, naming both", () => {
    const r = verify(issue({ aud: "http://127.0.0.1:3000/" }));
    expect(r).toMatchObject({ ok: false, reason: "audience" });
    expect(!r.ok && r.message).toContain(`CONSOLE_URL"] in the Django settings to ${ORIGIN}`);
  });

  it("refuses signed contents it does not understand", () => {
    expect(verify(issue({ role: "root" }))).toMatchObject({ ok: false, reason: "malformed" });
    expect(verify(issue({ nonce: "short" }))).toMatchObject({ ok: false, reason: "malformed" });
    expect(verify(issue({ username: "a\nb" }))).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("does not use up a nonce on a refused assertion", () => {
    const nonces = new NonceBook();
    const nonce = randomBytes(18).toString("base64url");
    expect(verify(issue({ nonce, aud: "http://elsewhere/" }), nonces)).toMatchObject({ ok: false, reason: "audience" });
    expect(verify(issue({ nonce }), nonces)).toMatchObject({ ok: true });
  });
});

describe("NonceBook", () => {
  it("refuses new nonces when full of unexpired ones, and forgets expired ones to make room", () => {
    const book = new NonceBook(2);
    expect(book.take("a".repeat(16), NOW + 60, NOW)).toBe("ok");
    expect(book.take("b".repeat(16), NOW + 60, NOW)).toBe("ok");
    expect(book.take("c".repeat(16), NOW + 60, NOW)).toBe("busy");
    expect(book.take("a".repeat(16), NOW + 60, NOW)).toBe("replayed");
    expect(book.take("c".repeat(16), NOW + 200, NOW + 100)).toBe("ok");
    expect(book.size).toBe(1);
  });

  it("takes 10,000 nonces in well under 2 s", () => {
    const book = new NonceBook();
    const start = performance.now();
    for (let i = 0; i < 10_000; i++) book.take(`nonce-${String(i).padStart(12, "0")}`, NOW + 60, NOW);
    expect(book.take("x".repeat(16), NOW + 60, NOW)).toBe("busy");
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
