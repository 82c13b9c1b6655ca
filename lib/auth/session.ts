import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "cachescope_session";

function sign(token: string, sid: string): string {
  return createHmac("sha256", token).update(`session:${sid}`).digest("base64url");
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A new session cookie value: a random id signed with the token, so a token change logs everyone out. */
export function newSessionValue(token: string): { sid: string; value: string } {
  const sid = randomBytes(12).toString("base64url");
  return { sid, value: `${sid}.${sign(token, sid)}` };
}

/** The session id of a valid cookie value, else null. */
export function verifySessionValue(token: string, value: string | undefined): string | null {
  if (!value) return null;
  const dot = value.indexOf(".");
  if (dot <= 0) return null;
  const sid = value.slice(0, dot);
  return sameText(value.slice(dot + 1), sign(token, sid)) ? sid : null;
}

export function tokenMatches(token: string, given: string | null | undefined): boolean {
  return typeof given === "string" && sameText(given, token);
}
