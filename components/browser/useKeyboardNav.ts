"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { KeyView } from "../types";
import { entryHref } from "./entry-href";

/** Keyboard: "/" focuses the filter, j/k (or the arrows) move the selected row, Enter opens it. Typing in a field is left alone. */
export function useKeyboardNav(alias: string, rows: KeyView[]) {
  const router = useRouter();
  const [selected, setSelected] = useState(0);
  const filterRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
      if (e.key === "/" && !typing) {
        e.preventDefault();
        filterRef.current?.focus();
      } else if (!typing && (e.key === "j" || e.key === "ArrowDown")) {
        setSelected((s) => Math.min(s + 1, rows.length - 1));
      } else if (!typing && (e.key === "k" || e.key === "ArrowUp")) {
        setSelected((s) => Math.max(s - 1, 0));
      } else if (!typing && e.key === "Enter" && rows[selected]) {
        router.push(entryHref(alias, rows[selected]));
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows, selected, alias, router]);
  return { selected, setSelected, filterRef };
}
