"use client";

import { useState } from "react";
import { formatBytes, formatCount } from "@/lib/format";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import type { DryRunResult } from "./types";

/** Asks to type the alias before the deletion the dry run counted starts; the job's progress then shows in the job list. */
export function ConfirmInvalidate(props: {
  alias: string;
  answer: DryRunResult;
  busy: boolean;
  error?: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { alias, answer } = props;
  // Mounted only while asking: every time it opens, the typed text starts empty.
  const [typed, setTyped] = useState("");
  return (
    <ConfirmDialog
      title={`Delete from “${alias}”`}
      confirmLabel="Delete"
      busy={props.busy}
      error={props.error}
      typeToConfirm={alias}
      typed={typed}
      onTyped={setTyped}
      onCancel={props.onCancel}
      onConfirm={props.onConfirm}
    >
      <p>
        The dry run matched {formatCount(answer.matched)} keys ({formatBytes(answer.bytes)}). The deletion runs in the background and
        deletes only keys it sees matching now; it keeps running if you close this tab, and can be cancelled.
      </p>
      {answer.notes.map((n) => (
        <p key={n} className="mt-1 text-amber-800">
          {n}
        </p>
      ))}
    </ConfirmDialog>
  );
}
