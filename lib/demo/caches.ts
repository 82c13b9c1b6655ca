import path from "node:path";

/** Where the demo's FileBasedCache lives, under the app's data directory. */
export function demoCacheDir(dataDir: string): string {
  return path.join(dataDir, "demo-cache");
}

/**
 * The CACHES setting served when nothing is configured: a FileBasedCache filled by ensureDemoData() with entries a
 * real Django wrote, and a DummyCache (what many projects use in development) to show a backend that stores nothing.
 */
export function demoCaches(dataDir: string): Record<string, Record<string, unknown>> {
  return {
    default: {
      BACKEND: "django.core.cache.backends.filebased.FileBasedCache",
      LOCATION: demoCacheDir(dataDir),
    },
    dummy: {
      BACKEND: "django.core.cache.backends.dummy.DummyCache",
    },
  };
}
