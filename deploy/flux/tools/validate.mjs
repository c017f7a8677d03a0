// Validate Flux objects against Flux's CRD schemas (npm @kubernetes-models/flux-cd,
// installed by install.sh into $INFRA_TOOLS/node).
// Input on stdin: a JSON array of objects (a `kubectl kustomize` build, or files).
// Prints one line per object; exit 1 if one is invalid or of a kind missing from
// KINDS (a new kind must be added here, not silently skipped). Namespaces pass:
// kubernetes-validate checks built-in kinds elsewhere.
import path from "node:path";
import { pathToFileURL } from "node:url";

const KINDS = {
  "source.toolkit.fluxcd.io/v1/OCIRepository": "source.toolkit.fluxcd.io/v1/OCIRepository.js",
  "helm.toolkit.fluxcd.io/v2/HelmRelease": "helm.toolkit.fluxcd.io/v2/HelmRelease.js",
  "kustomize.toolkit.fluxcd.io/v1/Kustomization": "kustomize.toolkit.fluxcd.io/v1/Kustomization.js",
};
const BUILT_IN = new Set(["v1/Namespace"]);

const models = path.join(process.env.INFRA_TOOLS ?? ".", "node/node_modules/@kubernetes-models/flux-cd");

let input = "";
for await (const chunk of process.stdin) input += chunk;
const docs = JSON.parse(input).filter(Boolean);

let failed = 0;
for (const doc of docs) {
  const key = `${doc.apiVersion}/${doc.kind}`;
  const label = `${doc.kind}/${doc.metadata?.name}`;
  if (BUILT_IN.has(key)) continue;
  const module = KINDS[key];
  if (!module) {
    failed += 1;
    console.log(`UNKNOWN ${label}: no schema for ${key} in validate.mjs`);
    continue;
  }
  const Model = (await import(pathToFileURL(path.join(models, module)).href))[doc.kind];
  try {
    new Model(doc).validate();
    console.log(`ok ${label}`);
  } catch (err) {
    failed += 1;
    console.log(`INVALID ${label}: ${err.message}`);
  }
}
console.log(`${docs.length} object(s) checked, ${failed} invalid`);
process.exit(failed ? 1 : 0);
