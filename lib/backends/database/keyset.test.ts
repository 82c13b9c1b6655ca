import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, likePrefix } from "./keyset";

describe("keyset cursor and LIKE prefix", () => {
  it("a cursor is the last key, round trip, any characters", () => {
    for (const key of [":1:a", "x%_\\y", "ünïcode:🙂", " "]) expect(decodeCursor(encodeCursor(key))).toBe(key);
  });

  it("refuses a cursor it did not make", () => {
    for (const c of ["", "db1.", "db1.!!", "garbage", "9:0", "WzEsIngiLDAsMF0", `${encodeCursor("a")}=`, encodeCursor("a\0b")]) {
      expect(() => decodeCursor(c), c).toThrow(expect.objectContaining({ code: "invalid_cursor" }));
    }
  });

  it('escapes "%", "_" and "\\" so they match only themselves', () => {
    expect(likePrefix("a%b_c\\d")).toBe("a\\%b\\_c\\\\d%");
    expect(likePrefix("")).toBe("%");
  });
});
