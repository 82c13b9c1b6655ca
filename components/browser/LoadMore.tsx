"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { formatCount } from "@/lib/format";
import { Spinner } from "../ui";

interface Props {
  shown: number;
  scanned: number;
  fetching: boolean;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  /** The listing ended (no next page) after a successful answer. */
  done: boolean;
  /** A shareable link that starts listing where this one stops. */
  fromHereHref: string;
}

/** The foot of the listing: how much is shown, Load more, and infinite scroll when it comes into view. */
export function LoadMore({ shown, scanned, fetching, hasNextPage, isFetchingNextPage, fetchNextPage, done, fromHereHref }: Props) {
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && hasNextPage && !isFetchingNextPage) void fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div ref={sentinel} className="flex items-center gap-3 py-2 text-xs text-slate-600">
      <span data-testid="key-count">
        {formatCount(shown)} keys shown · about {formatCount(scanned)} walked by the server
      </span>
      {fetching ? <Spinner label="Loading…" /> : null}
      {hasNextPage ? (
        <>
          <button
            className="rounded border border-slate-300 px-2 py-0.5"
            onClick={() => void fetchNextPage()}
            disabled={isFetchingNextPage}
          >
            Load more
          </button>
          <Link
            className="text-sky-700 hover:underline"
            href={fromHereHref}
            title="A shareable link that starts listing where this one stops"
          >
            link from here on
          </Link>
        </>
      ) : done ? (
        <span>End of the keyspace.</span>
      ) : null}
    </div>
  );
}
