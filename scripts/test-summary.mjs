// Reads one JSON report of vitest, Playwright or the companion's Python runner and prints "passed failed skipped" for scripts/test.sh to add up.
// A test file that failed to load (vitest) or an error outside any test (Playwright: webServer, globalSetup)
// counts as a failure: otherwise a suite that never ran would look green.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
let passed, failed, skipped;
if (report.tool === "unittest") {
  ({ passed, failed, skipped } = report);
} else if (report.stats) {
  const { expected, unexpected, flaky, skipped: notRun } = report.stats;
  passed = expected + flaky;
  failed = unexpected + (report.errors?.length ?? 0);
  skipped = notRun;
} else {
  const brokenFiles = report.testResults.filter(
    (file) => file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed"),
  ).length;
  passed = report.numPassedTests;
  failed = report.numFailedTests + brokenFiles;
  skipped = report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} ${failed} ${skipped}`);
