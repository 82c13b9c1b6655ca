import { describe, expect, it } from "vitest";
import { atimeBasis, idleOf, mountAtimeOf } from "./atime";

const MOUNTINFO = [
  "26 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
  "40 26 0:30 / /var/cache rw,noatime - ext4 /dev/vdb rw",
  "41 26 0:31 / /srv/my\\040cache rw,strictatime - xfs /dev/vdc rw",
  "42 26 0:32 / /data rw,nosuid - xfs /dev/vdd rw",
].join("\n");

describe("access times of a FileBasedCache directory", () => {
  it("finds the mount holding the directory (longest mount point) and its atime mode", () => {
    expect(mountAtimeOf(MOUNTINFO, "/home/app/cache")).toEqual({ mountPoint: "/", mode: "relatime" });
    expect(mountAtimeOf(MOUNTINFO, "/var/cache/django")).toEqual({ mountPoint: "/var/cache", mode: "noatime" });
    expect(mountAtimeOf(MOUNTINFO, "/srv/my cache/x")).toEqual({ mountPoint: "/srv/my cache", mode: "strictatime" });
    // Neither relatime nor noatime: every read is recorded.
    expect(mountAtimeOf(MOUNTINFO, "/data")).toEqual({ mountPoint: "/data", mode: "strictatime" });
    expect(mountAtimeOf(MOUNTINFO, "/var/cachex")).toEqual({ mountPoint: "/", mode: "relatime" });
  });

  it("reads idle seconds from atime: exact under strictatime or when unread since written, a day less under relatime", () => {
    const now = 10 * 86400 * 1000;
    const day = 86400 * 1000;
    expect(idleOf("strictatime", now, now - 30 * 3600 * 1000, now - 3 * day)).toBe(30 * 3600);
    expect(idleOf("relatime", now, now - 30 * 3600 * 1000, now - 3 * day)).toBe(6 * 3600);
    expect(idleOf("relatime", now, now - 3 * day, now - 3 * day)).toBe(3 * 86400);
  });

  it("says unavailable under noatime, and which idle figures relatime can tell", () => {
    expect(atimeBasis({ mountPoint: "/var/cache", mode: "noatime" })).toMatchObject({
      basis: null,
      note: expect.stringMatching(/noatime/),
    });
    expect(atimeBasis({ mountPoint: "/", mode: "relatime" })).toMatchObject({ basis: "atime", idle1h: false, idle24h: true });
    expect(atimeBasis({ mountPoint: "/", mode: "strictatime" })).toMatchObject({ basis: "atime", idle1h: true, idle24h: true });
  });
});
