import type { ReactNode } from "react";
import type { DjangoKind } from "../types";

const KIND_STYLE: Record<DjangoKind, string> = {
  page: "bg-sky-100 text-sky-800",
  page_header: "bg-indigo-100 text-indigo-800",
  fragment: "bg-amber-100 text-amber-800",
  session: "bg-emerald-100 text-emerald-800",
  key: "bg-slate-100 text-slate-700",
};
const KIND_LABEL: Record<DjangoKind, string> = {
  page: "page",
  page_header: "page header",
  fragment: "fragment",
  session: "session",
  key: "key",
};

export function KindBadge({ kind }: { kind: DjangoKind }) {
  return <span className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium ${KIND_STYLE[kind]}`}>{KIND_LABEL[kind]}</span>;
}

export function StatusDot({ ok }: { ok: boolean }) {
  return <span aria-hidden className={`inline-block h-2 w-2 rounded-full ${ok ? "bg-emerald-500" : "bg-red-500"}`} />;
}

export function Notice({ tone, title, children }: { tone: "info" | "warn" | "error"; title: string; children?: ReactNode }) {
  const style = {
    info: "border-sky-200 bg-sky-50 text-sky-900",
    warn: "border-amber-200 bg-amber-50 text-amber-900",
    error: "border-red-200 bg-red-50 text-red-900",
  }[tone];
  return (
    <div role={tone === "error" ? "alert" : "status"} className={`rounded border px-3 py-2 ${style}`}>
      <div className="font-medium">{title}</div>
      {children ? <div className="mt-1">{children}</div> : null}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div className="flex items-center gap-2 text-slate-500" role="status">
      <span className="h-3 w-3 animate-spin rounded-full border-2 border-slate-300 border-t-slate-600" />
      {label}
    </div>
  );
}

/** One headline figure: a small label over a large number. */
export function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
