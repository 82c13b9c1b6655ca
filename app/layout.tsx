import type { Metadata } from "next";
import { cookies } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "@/components/Providers";
import { SessionMenu } from "@/components/login/SessionMenu";
import { sessionOf } from "@/lib/auth/access";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { getContext } from "@/lib/server/context";
import "./globals.css";

// Every page carries its request's CSP nonce (proxy.ts), so none can be prerendered without one.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Cachescope",
  description: "A console for the caches of Django applications",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Read on the server from the signed cookie: the header shows who is signed in without another API call.
  const session = sessionOf((await cookies()).get(SESSION_COOKIE)?.value, getContext());
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 text-sm">
        <header className="border-b border-slate-200 bg-slate-900 text-slate-100">
          <nav className="mx-auto flex max-w-screen-2xl items-center gap-6 px-4 py-2">
            <Link href="/" className="font-semibold tracking-tight">
              Cachescope
            </Link>
            <Link href="/" className="text-slate-300 hover:text-white">
              Caches
            </Link>
            <Link href="/compare" className="text-slate-300 hover:text-white">
              Compare
            </Link>
            <Link href="/audit" className="text-slate-300 hover:text-white">
              Audit log
            </Link>
            {session && <SessionMenu role={session.role} person={session.person} />}
          </nav>
        </header>
        <Providers>
          <main className="mx-auto max-w-screen-2xl px-4 py-4">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
