import { testBackend } from "../contract";
import { dummy } from ".";

testBackend({
  name: "DummyCache",
  create: () =>
    dummy.create({ alias: "d", backendPath: dummy.paths[0], locations: [], keyPrefix: "", version: 1, options: {}, timeout: 300 }),
  capabilities: { listKeys: false, stats: false },
});
