import { LoginForm } from "@/components/login/LoginForm";

export default function LoginPage() {
  return (
    <div className="mx-auto mt-16 max-w-sm space-y-3">
      <h1 className="text-lg font-semibold">Log in to Cachescope</h1>
      <p className="text-slate-600">
        Paste the access token: <code>CACHESCOPE_TOKEN</code>, or the one printed when the server started. The viewer
        token (<code>CACHESCOPE_VIEWER_TOKEN</code>) logs in read-only.
      </p>
      <LoginForm />
    </div>
  );
}
