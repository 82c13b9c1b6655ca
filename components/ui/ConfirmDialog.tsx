"use client";

import { useEffect, useRef, type ReactNode } from "react";

/** A modal confirmation: Escape cancels, focus starts on Cancel so Enter never destroys by accident. */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  busy?: boolean;
  error?: string;
  /** When set, the confirm button stays disabled until this text is typed. */
  typeToConfirm?: string;
  typed?: string;
  onTyped?: (v: string) => void;
  onCancel: () => void;
  onConfirm: () => void;
  children: ReactNode;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const { onCancel } = props;
  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onCancel();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  const blocked = props.typeToConfirm !== undefined && props.typed !== props.typeToConfirm;
  return (
    <div
      className="fixed inset-0 z-50 flex items-center justify-center bg-black/30"
      role="dialog"
      aria-modal="true"
      aria-label={props.title}
    >
      <div className="w-full max-w-lg space-y-3 rounded bg-white p-4 shadow-lg">
        <h2 className="font-semibold">{props.title}</h2>
        <div className="text-sm">{props.children}</div>
        {props.typeToConfirm !== undefined ? (
          <label className="block text-sm">
            Type <code className="rounded bg-slate-100 px-1">{props.typeToConfirm}</code> to confirm
            <input
              className="mono mt-1 w-full rounded border border-slate-300 px-2 py-1"
              value={props.typed ?? ""}
              onChange={(e) => props.onTyped?.(e.target.value)}
              aria-label="Confirmation text"
            />
          </label>
        ) : null}
        {props.error ? (
          <p role="alert" className="text-red-700">
            {props.error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <button ref={cancelRef} className="rounded border border-slate-300 px-3 py-1" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            className="rounded bg-red-600 px-3 py-1 text-white disabled:opacity-50"
            disabled={props.busy || blocked}
            onClick={props.onConfirm}
          >
            {props.busy ? "Working…" : props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
