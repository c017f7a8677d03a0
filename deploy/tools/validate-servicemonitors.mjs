// Validate ServiceMonitors against the prometheus-operator CRD schema.
// kubernetes-validate skips custom resources, so the chart's ServiceMonitors are
// checked here with @kubernetes-models/prometheus-operator (installed by install.sh).
// Input on stdin: a JSON array of objects (the YAML documents of a render).
// Exit 1 and print every problem if one is invalid.
import path from "node:path";
import { pathToFileURL } from "node:url";

// The package lives in $DEPLOY_TOOLS/node, outside this repository's module path.
const entry = path.join(
  process.env.DEPLOY_TOOLS ?? ".",
  "node/node_modules/@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor.js",
);
const { ServiceMonitor } = await import(pathToFileURL(entry).href);

let input = "";
for await (const chunk of process.stdin) input += chunk;
const docs = JSON.parse(input).filter(
  (d) => d && d.kind === "ServiceMonitor" && d.apiVersion === "monitoring.coreos.com/v1",
);

let failed = 0;
for (const doc of docs) {
  try {
    new ServiceMonitor(doc).validate();
    console.log(`ok servicemonitor/${doc.metadata?.name}`);
  } catch (err) {
    failed += 1;
    console.log(`INVALID servicemonitor/${doc.metadata?.name}: ${err.message}`);
  }
}
console.log(`${docs.length} ServiceMonitor(s) checked, ${failed} invalid`);
process.exit(failed ? 1 : 0);
