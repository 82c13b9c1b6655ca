import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "@/components/Providers";
import "./globals.css";

// Every page carries its request's CSP nonce (proxy.ts), so none can be prerendered without one.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Cachescope",
  description: "A console for the caches of Django applications",
};

export default function RootLayout({ children }: { children: ReactNode }) {
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
            <Link href="/audit" className="text-slate-300 hover:text-white">
              Audit log
            </Link>
          </nav>
        </header>
        <Providers>
          <main className="mx-auto max-w-screen-2xl px-4 py-4">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
