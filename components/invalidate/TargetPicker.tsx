"use client";

import type { Action, TargetChoice } from "./targets";

/** The target tabs; one the backend cannot do is shown disabled, its reason on hover. */
export function TargetPicker({ choices, action, onPick }: { choices: TargetChoice[]; action: Action; onPick: (a: Action) => void }) {
  return (
    <div className="flex flex-wrap gap-1" role="tablist">
      {choices.map((a) => (
        <button
          key={a.id}
          type="button"
          role="tab"
          aria-selected={action === a.id}
          disabled={a.unavailable !== undefined}
          title={a.unavailable}
          className={`rounded px-2 py-1 text-xs ${action === a.id ? "bg-slate-900 text-white" : "border border-slate-300"} disabled:cursor-not-allowed disabled:opacity-40`}
          onClick={() => onPick(a.id)}
        >
          {a.label}
        </button>
      ))}
    </div>
  );
}
