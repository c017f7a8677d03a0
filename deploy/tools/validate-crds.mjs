// Validate the chart's custom resources against their CRD schemas.
// kubernetes-validate knows only built-in kinds and skips custom resources, so each
// kind the chart can render is checked here with its @kubernetes-models package
// (installed by install.sh into $DEPLOY_TOOLS/node).
// Input on stdin: a JSON array of objects (the YAML documents of a render).
// Prints one line per custom resource; exit 1 if one is invalid or of a kind missing
// from KINDS (a new kind must be added here, not silently skipped).
import path from "node:path";
import { pathToFileURL } from "node:url";

// apiVersion/kind -> module inside node_modules/@kubernetes-models.
const KINDS = {
  "monitoring.coreos.com/v1/ServiceMonitor": "prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor.js",
  "gateway.networking.k8s.io/v1/Gateway": "gateway-api/gateway.networking.k8s.io/v1/Gateway.js",
  "gateway.networking.k8s.io/v1/HTTPRoute": "gateway-api/gateway.networking.k8s.io/v1/HTTPRoute.js",
  "cert-manager.io/v1/Certificate": "cert-manager/cert-manager.io/v1/Certificate.js",
  "cert-manager.io/v1/Issuer": "cert-manager/cert-manager.io/v1/Issuer.js",
  "cert-manager.io/v1/ClusterIssuer": "cert-manager/cert-manager.io/v1/ClusterIssuer.js",
};

// Built-in API groups, which kubernetes-validate checks.
const BUILT_IN = /^(v1|(apps|batch|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io)\/v\d+)$/;

const models = path.join(process.env.DEPLOY_TOOLS ?? ".", "node/node_modules/@kubernetes-models");

async function modelFor(doc) {
  const module = KINDS[`${doc.apiVersion}/${doc.kind}`];
  if (!module) return null;
  const exports = await import(pathToFileURL(path.join(models, module)).href);
  return exports[doc.kind];
}

let input = "";
for await (const chunk of process.stdin) input += chunk;
const custom = JSON.parse(input).filter((d) => d && !BUILT_IN.test(d.apiVersion));

let failed = 0;
for (const doc of custom) {
  const label = `${doc.kind.toLowerCase()}/${doc.metadata?.name}`;
  const Model = await modelFor(doc);
  if (!Model) {
    failed += 1;
    console.log(`UNKNOWN ${label}: no schema for ${doc.apiVersion} ${doc.kind} in validate-crds.mjs`);
    continue;
  }
  try {
    new Model(doc).validate();
    console.log(`ok ${label}`);
  } catch (err) {
    failed += 1;
    console.log(`INVALID ${label}: ${err.message}`);
  }
}
console.log(`${custom.length} custom resource(s) checked, ${failed} invalid`);
process.exit(failed ? 1 : 0);
