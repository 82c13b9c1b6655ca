import Link from "next/link";

/** Our own 404: Next's default one styles itself with an inline <style> the page CSP (proxy.ts) refuses. */
export default function NotFound() {
  return (
    <div className="mx-auto mt-16 max-w-sm space-y-3">
      <h1 className="text-lg font-semibold">No such page</h1>
      <p className="text-slate-600">
        Nothing lives at this address.{" "}
        <Link href="/" className="text-blue-700 underline">
          Back to the caches
        </Link>
      </p>
    </div>
  );
}
