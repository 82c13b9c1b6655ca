"use client";

import { useSearchParams } from "next/navigation";
import { Suspense, useSyncExternalStore } from "react";

/** Why a Django sign-in was refused, by the reason code /api/login/django put in the query string. */
const MESSAGES: Record<string, string> = {
  "django-off": "Sign in with Django is not configured on this console (CACHESCOPE_DJANGO_SECRET is unset).",
  "django-malformed": "The sign-in link from Django is incomplete or damaged. Sign in with Django again.",
  "django-signature":
    "The sign-in from Django could not be verified: it was altered, or the console's CACHESCOPE_DJANGO_SECRET differs from the companion's CACHESCOPE[\"DJANGO_SECRET\"].",
  "django-expired": "The sign-in from Django has expired (they last a minute). Sign in with Django again.",
  "django-future":
    "The sign-in from Django is dated in the future: the clocks of the Django server and the console differ. Sync them (NTP).",
  "django-lifetime": "The sign-in from Django lives longer than the 60 seconds the console accepts.",
  "django-replayed": "This sign-in link was already used. Sign in with Django again.",
  "django-busy": "Too many sign-ins at once. Try again in a minute.",
  "token-off": "Token logins are turned off (CACHESCOPE_TOKEN_LOGIN=0): sign in with Django.",
};

const noSubscription = () => () => undefined;

function Message() {
  const error = useSearchParams().get("error");
  // The address the browser uses; on the server (no window) a description stands in.
  const origin = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "this console's address",
  );
  if (!error || error === "invalid") return null;
  const text =
    error === "django-audience"
      ? `Configuration error: Django sent this sign-in to another address than the one this console is reached at (${origin}). Set CACHESCOPE["CONSOLE_URL"] in the Django settings to ${origin}.`
      : (MESSAGES[error] ?? "The sign-in was refused.");
  return (
    <p role="alert" data-testid="login-error" className="rounded border border-red-200 bg-red-50 px-2 py-1.5 text-red-800">
      {text}
    </p>
  );
}

export function LoginError() {
  return (
    <Suspense>
      <Message />
    </Suspense>
  );
}
