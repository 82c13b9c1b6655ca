import { Suspense } from "react";
import { AuditList } from "@/components/audit/AuditList";

export default function AuditPage() {
  return (
    <div className="space-y-3">
      <h1 className="text-lg font-semibold">Audit log</h1>
      <Suspense>
        <AuditList />
      </Suspense>
    </div>
  );
}
