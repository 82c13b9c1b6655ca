/** Runs once when the Next.js server starts. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { guardForwardedHeaders } = await import("./lib/auth/forwarded");
    const { getContext } = await import("./lib/server/context");
    try {
      guardForwardedHeaders(getContext().trustProxy);
    } catch (e) {
      if (!(e instanceof Error) || e.name !== "AuthConfigError") throw e;
      // A server that cannot check logins safely must not serve at all: say why and stop.
      console.error(`[cachescope] cannot start: ${e.message}`);
      process.exit(1);
    }
    const { startup } = await import("./lib/server/startup");
    await startup();
  }
}
