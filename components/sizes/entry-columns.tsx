import Link from "next/link";
import { formatBytes } from "@/lib/format";
import { entryHref } from "../browser/entry-href";
import type { Column } from "./SortableTable";

/** An entry the analysis names: by Django key where it has one, else its raw key or its file. */
interface NamedEntry {
  key: string | null;
  raw: string | null;
  file?: string;
  size: number;
}

/** The Key (linked to the entry page) and Size columns every table of entries on the Sizes page starts with. */
export function entryColumns<T extends NamedEntry>(alias: string): Column<T>[] {
  return [
    {
      id: "key",
      label: "Key",
      sort: (t) => t.key ?? t.raw ?? t.file ?? "",
      cell: (t) => (
        <Link className="mono break-all text-sky-800 hover:underline" href={entryHref(alias, { raw: t.raw, file: t.file })}>
          {t.key ?? t.raw ?? `${t.file}.djcache`}
        </Link>
      ),
    },
    { id: "size", label: "Size", numeric: true, sort: (t) => t.size, cell: (t) => formatBytes(t.size) },
  ];
}
