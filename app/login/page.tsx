import { LoginForm } from "@/components/login/LoginForm";
import { LoginError } from "@/components/login/LoginError";
import { getContext } from "@/lib/server/context";

export default function LoginPage() {
  const { tokenLogin, djangoLoginUrl } = getContext();
  return (
    <div className="mx-auto mt-16 max-w-sm space-y-3">
      <h1 className="text-lg font-semibold">Log in to Cachescope</h1>
      <LoginError />
      {djangoLoginUrl ? (
        <p>
          <a
            href={djangoLoginUrl}
            className="inline-block rounded bg-emerald-700 px-3 py-1.5 text-white hover:bg-emerald-800"
            data-testid="django-login"
          >
            Sign in with Django
          </a>
          <span className="block pt-1 text-xs text-slate-600">
            With your staff account on the Django site; its permissions decide what you may do here.
          </span>
        </p>
      ) : null}
      {tokenLogin ? (
        <>
          <p className="text-slate-600">
            {djangoLoginUrl ? "Or paste" : "Paste"} the access token: <code>CACHESCOPE_TOKEN</code>, or the one printed when the server
            started. The viewer token (<code>CACHESCOPE_VIEWER_TOKEN</code>) logs in read-only.
          </p>
          <LoginForm />
        </>
      ) : (
        <p className="text-xs text-slate-600">Token logins are turned off for people (CACHESCOPE_TOKEN_LOGIN=0).</p>
      )}
    </div>
  );
}
