{{/* Names ------------------------------------------------------------------------ */}}

{{- define "taskapp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskapp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "taskapp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels: call with (dict "ctx" $ "component" "api") ------------------------------ */}}

{{- define "taskapp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskapp.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "taskapp.labels" -}}
helm.sh/chart: {{ include "taskapp.chart" .ctx }}
{{ include "taskapp.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: taskapp
{{- with .ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pods allowed through the MongoDB NetworkPolicy carry this label. */}}
{{- define "taskapp.mongodbClientLabel" -}}
taskapp.acme.com/mongodb-client: "true"
{{- end }}

{{/* The bundled Prometheus's headless Services carry this label (and the same
selector and "metrics" port as the app's Services): the ServiceMonitors exclude it. */}}
{{- define "taskapp.headlessMetricsLabel" -}}
taskapp.acme.com/headless-metrics: "true"
{{- end }}

{{/* Metadata common to every namespaced resource: (dict "ctx" $ "component" "x" "name" "y") */}}
{{- define "taskapp.metadata" -}}
name: {{ .name }}
namespace: {{ .ctx.Release.Namespace }}
labels:
  {{- include "taskapp.labels" . | nindent 2 }}
{{- end }}

{{/* Images ----------------------------------------------------------------------- */}}

{{- /* The image of one app component ("api" or "ui"): <registry>/<repository> then
       @<digest> when image.<component>.digest is set (pulled by digest, as the
       published chart does), else :<tag>, the first non-empty of image.tag,
       image.<component>.tag and the chart's appVersion. */}}
{{- define "taskapp.image" -}}
{{- $ctx := .ctx }}
{{- $image := get $ctx.Values.image .component }}
{{- $name := $image.repository }}
{{- with $ctx.Values.image.registry }}
{{- $name = printf "%s/%s" (trimSuffix "/" .) $name }}
{{- end }}
{{- if $image.digest }}
{{- printf "%s@%s" $name $image.digest }}
{{- else }}
{{- printf "%s:%s" $name (coalesce $ctx.Values.image.tag $image.tag $ctx.Chart.AppVersion) }}
{{- end }}
{{- end }}

{{- define "taskapp.mongodbImage" -}}
{{- printf "%s:%s" .Values.mongodb.image.repository .Values.mongodb.image.tag }}
{{- end }}

{{- define "taskapp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "taskapp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Security: the hardened contexts of every pod but api/ui, whose defaults are the
same but live in values.yaml (api/ui.podSecurityContext, .containerSecurityContext). */}}

{{- define "taskapp.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "taskapp.containerSecurityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Secrets ---------------------------------------------------------------------- */}}

{{- define "taskapp.secretKeySecretName" -}}
{{- default (printf "%s-secret-key" (include "taskapp.fullname" .)) .Values.secretKey.existingSecret }}
{{- end }}

{{- define "taskapp.mongodbSecretName" -}}
{{- if .Values.mongodb.enabled }}
{{- default (printf "%s-mongodb" (include "taskapp.fullname" .)) .Values.mongodb.auth.existingSecret }}
{{- else }}
{{- required "externalMongodb.existingSecret is required when mongodb.enabled is false (a Secret holding the connection string)" .Values.externalMongodb.existingSecret }}
{{- end }}
{{- end }}

{{- define "taskapp.mongodbUriKey" -}}
{{- ternary "mongodb-uri" .Values.externalMongodb.uriKey .Values.mongodb.enabled }}
{{- end }}

{{- define "taskapp.grafanaSecretName" -}}
{{- default (printf "%s-grafana" (include "taskapp.fullname" .)) .Values.grafana.admin.existingSecret }}
{{- end }}

{{/*
taskapp.secretValue: the value of one key of a generated Secret, kept across upgrades.
Arguments: (dict "existing" <the Secret found by lookup, or an empty dict> "key" "k"
"generate" <fresh value>). The existing value wins, so a secret generated on first
install survives every upgrade; rendering with no cluster (helm template) generates.
Returns the base64-encoded value, ready for a Secret's data. Kept pure (no lookup
inside) so tests/deploy can render it with a fake existing Secret.
*/}}
{{- define "taskapp.secretValue" -}}
{{- $data := (.existing | default dict).data | default dict }}
{{- if hasKey $data .key }}
{{- index $data .key }}
{{- else }}
{{- .generate | b64enc }}
{{- end }}
{{- end }}

{{/* Annotations of Secrets the chart generates. Ordinary release resources, never
hooks: Helm deletes and re-creates a hook on every upgrade, and "keep" does not
protect hooks. "keep" leaves them behind on uninstall, so a reinstall under the
same release name adopts them and the kept volumes open with their old passwords. */}}
{{- define "taskapp.generatedSecretAnnotations" -}}
helm.sh/resource-policy: keep
{{- end }}

{{/* MongoDB ---------------------------------------------------------------------- */}}

{{- define "taskapp.mongodbName" -}}
{{- printf "%s-mongodb" (include "taskapp.fullname" .) }}
{{- end }}

{{/* host list: the one service, or every replica set member through the headless service */}}
{{- define "taskapp.mongodbHosts" -}}
{{- $name := include "taskapp.mongodbName" . }}
{{- if .Values.mongodb.replicaSet.enabled }}
{{- $hosts := list }}
{{- range $i := until (int .Values.mongodb.replicaSet.members) }}
{{- $hosts = append $hosts (printf "%s-%d.%s-headless.%s.svc:27017" $name $i $name $.Release.Namespace) }}
{{- end }}
{{- join "," $hosts }}
{{- else }}
{{- printf "%s.%s.svc:27017" $name .Release.Namespace }}
{{- end }}
{{- end }}

{{/* The app's connection string: its own user (mongodb.auth.appUsername, defined in
the app's database, so authSource is that database), never root. */}}
{{- define "taskapp.mongodbUri" -}}
{{- $db := .Values.mongodb.database }}
{{- $opts := printf "authSource=%s" $db }}
{{- if .Values.mongodb.replicaSet.enabled }}
{{- $opts = printf "%s&replicaSet=%s" $opts .Values.mongodb.replicaSet.name }}
{{- end }}
{{- printf "mongodb://%s:%s@%s/%s?%s" .Values.mongodb.auth.appUsername .password (include "taskapp.mongodbHosts" .ctx) $db $opts }}
{{- end }}

{{/* mongosh/mongodump --host: "host:port", or "<set>/<member>,<member>,..." for a replica set. */}}
{{- define "taskapp.mongodbSeed" -}}
{{- if .Values.mongodb.replicaSet.enabled }}
{{- printf "%s/%s" .Values.mongodb.replicaSet.name (include "taskapp.mongodbHosts" .) }}
{{- else }}
{{- include "taskapp.mongodbHosts" . }}
{{- end }}
{{- end }}

{{/* Name of a Job that runs once per release revision: <prefix>-<revision>. A Job's
pod template is immutable and a finished Job would be adopted as it is, so every
install and upgrade (and a reinstall, which starts again at revision 1 after the
old Jobs deleted themselves: ttlSecondsAfterFinished) creates a new one. */}}
{{- define "taskapp.revisionJobName" -}}
{{- printf "%s-%d" .prefix (int .ctx.Release.Revision) }}
{{- end }}

{{/* App settings ------------------------------------------------------------------- */}}

{{/* HTTPS at the edge: the Ingress or the Gateway terminates TLS for both hosts. */}}
{{- define "taskapp.tlsEnabled" -}}
{{- and .Values.ingress.tls.enabled (or .Values.ingress.enabled .Values.gateway.enabled) }}
{{- end }}

{{- define "taskapp.scheme" -}}
{{- ternary "https" "http" (eq (include "taskapp.tlsEnabled" .) "true") }}
{{- end }}

{{- define "taskapp.secureCookies" -}}
{{- if kindIs "bool" .Values.app.secureCookies }}
{{- .Values.app.secureCookies }}
{{- else }}
{{- include "taskapp.tlsEnabled" . }}
{{- end }}
{{- end }}

{{/* HSTS max-age: app.hstsSeconds, else one year with TLS and none without. */}}
{{- define "taskapp.hstsSeconds" -}}
{{- if kindIs "invalid" .Values.app.hstsSeconds }}
{{- ternary 31536000 0 (eq (include "taskapp.tlsEnabled" .) "true") }}
{{- else }}
{{- int .Values.app.hstsSeconds }}
{{- end }}
{{- end }}

{{/* The in-cluster names of a component's Service; probes send the first as Host. */}}
{{- define "taskapp.serviceHosts" -}}
{{- $svc := printf "%s-%s" (include "taskapp.fullname" .ctx) .component }}
{{- list $svc (printf "%s.%s" $svc .ctx.Release.Namespace) (printf "%s.%s.svc" $svc .ctx.Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .ctx.Release.Namespace) | join "," }}
{{- end }}

{{- define "taskapp.allowedHosts" -}}
{{- $v := .ctx.Values }}
{{- $hosts := list (ternary $v.ingress.apiHost $v.ingress.uiHost (eq .component "api")) }}
{{- $hosts = concat $hosts (splitList "," (include "taskapp.serviceHosts" .)) $v.app.extraAllowedHosts }}
{{- join "," $hosts }}
{{- end }}

{{/* Environment of the app containers (api, ui, the migration job and test pods). */}}
{{- define "taskapp.env" -}}
{{- $v := .ctx.Values -}}
- name: TASKAPP_ROLE
  value: {{ .component }}
- name: PORT
  value: "8000"
- name: TASKAPP_METRICS_PORT
  value: {{ $v.metrics.port | quote }}
- name: TASKAPP_ALLOWED_HOSTS
  value: {{ include "taskapp.allowedHosts" . | quote }}
- name: TASKAPP_CSRF_TRUSTED_ORIGINS
  value: {{ printf "%s://%s" (include "taskapp.scheme" .ctx) $v.ingress.uiHost | quote }}
- name: TASKAPP_SECURE_COOKIES
  value: {{ include "taskapp.secureCookies" .ctx | quote }}
- name: TASKAPP_HSTS_SECONDS
  value: {{ include "taskapp.hstsSeconds" .ctx | quote }}
- name: TASKAPP_TRUSTED_PROXIES
  value: {{ join "," $v.app.trustedProxies | quote }}
- name: TASKAPP_ALLOW_SIGNUP
  value: {{ $v.app.allowSignup | quote }}
- name: TASKAPP_LOG_LEVEL
  value: {{ $v.app.logLevel | quote }}
- name: TASKAPP_TIME_ZONE
  value: {{ $v.app.timeZone | quote }}
{{- if $v.app.workers }}
- name: TASKAPP_WORKERS
  value: {{ $v.app.workers | quote }}
{{- end }}
{{- if $v.app.threads }}
- name: TASKAPP_THREADS
  value: {{ $v.app.threads | quote }}
{{- end }}
- name: TASKAPP_DRAIN_SECONDS
  value: {{ $v.shutdown.drainSeconds | quote }}
- name: TASKAPP_GRACEFUL_TIMEOUT
  value: {{ $v.shutdown.gracefulTimeoutSeconds | quote }}
- name: TASKAPP_SECRET_KEY_FILE
  value: /run/secrets/taskapp/secret-key
{{- with $v.email }}
- name: TASKAPP_EMAIL_HOST
  value: {{ .host | quote }}
- name: TASKAPP_EMAIL_PORT
  value: {{ .port | quote }}
- name: TASKAPP_EMAIL_USER
  value: {{ .user | quote }}
- name: TASKAPP_EMAIL_FROM
  value: {{ index . "from" | quote }}
- name: TASKAPP_EMAIL_USE_TLS
  value: {{ .useTls | quote }}
- name: TASKAPP_EMAIL_USE_SSL
  value: {{ .useSsl | quote }}
{{- if .existingSecret }}
- name: TASKAPP_EMAIL_PASSWORD_FILE
  value: /run/secrets/taskapp/email-password
{{- end }}
{{- end }}
- name: MONGODB_URI_FILE
  value: /run/secrets/taskapp/mongodb-uri
{{- with $v.app.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Secrets are files (TASKAPP_SECRET_KEY_FILE, MONGODB_URI_FILE), never env values. */}}
{{- define "taskapp.secretVolume" -}}
- name: secrets
  projected:
    defaultMode: 0440
    sources:
      - secret:
          name: {{ include "taskapp.secretKeySecretName" . }}
          items:
            - key: {{ .Values.secretKey.key }}
              path: secret-key
      - secret:
          name: {{ include "taskapp.mongodbSecretName" . }}
          items:
            - key: {{ include "taskapp.mongodbUriKey" . }}
              path: mongodb-uri
      {{- if .Values.email.existingSecret }}
      - secret:
          name: {{ .Values.email.existingSecret }}
          items:
            - key: {{ .Values.email.passwordKey }}
              path: email-password
      {{- end }}
{{- /* /tmp also holds gunicorn's per-worker metric files (PROMETHEUS_MULTIPROC_DIR). */}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end }}

{{- define "taskapp.secretMounts" -}}
- name: secrets
  mountPath: /run/secrets/taskapp
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- end }}

{{/* Checkov skips shared by the app's workloads, each with its reason. */}}
{{- define "taskapp.checkovSkips" -}}
checkov.io/skip1: "CKV_K8S_43=Images are referenced by tag (default appVersion) so the chart works with locally built images; the published chart pins digests (image.api.digest, image.ui.digest)."
checkov.io/skip2: "CKV_K8S_15=IfNotPresent is deliberate: immutable version tags, and minikube uses images loaded into the node (pullPolicy Never)."
{{- end }}

{{- define "taskapp.terminationGracePeriodSeconds" -}}
{{- add .Values.shutdown.preStopSeconds .Values.shutdown.drainSeconds .Values.shutdown.gracefulTimeoutSeconds 5 }}
{{- end }}

{{/* Exposure: Gateway API and cert-manager ------------------------------------------ */}}

{{- define "taskapp.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "taskapp.fullname" .)) .Values.ingress.tls.secretName }}
{{- end }}

{{/* The cert-manager issuer that signs the certificate: the one named, or the ACME
issuer the chart creates (default "<fullname>-letsencrypt"); empty: no cert-manager. */}}
{{- define "taskapp.issuerName" -}}
{{- $cm := .Values.ingress.tls.certManager }}
{{- if $cm.issuer }}
{{- $cm.issuer }}
{{- else if $cm.acme.create }}
{{- printf "%s-letsencrypt" (include "taskapp.fullname" .) }}
{{- end }}
{{- end }}

{{/* How cert-manager learns of the hosts: "annotation" on the Ingress (its
ingress-shim), "certificate" (a Certificate resource: asked for, or needed because
HTTPRoutes have no shim), or "" (no cert-manager). */}}
{{- define "taskapp.certManagerMode" -}}
{{- $tls := .Values.ingress.tls }}
{{- if and (eq (include "taskapp.tlsEnabled" .) "true") (include "taskapp.issuerName" .) }}
{{- ternary "certificate" "annotation" (or $tls.certManager.certificate .Values.gateway.enabled) }}
{{- end }}
{{- end }}

{{/* parentRefs (a YAML list) to one listener of the chart's own Gateway: (dict "ctx" $ "listener" "http") */}}
{{- define "taskapp.ownGatewayRefs" -}}
{{- toYaml (list (dict "name" (include "taskapp.fullname" .ctx) "namespace" .ctx.Release.Namespace "sectionName" .listener)) }}
{{- end }}

{{/* parentRefs of the app's HTTPRoutes, as a YAML list: the Gateways named in
gateway.parentRefs, else the chart's own Gateway (its HTTPS listener with TLS). */}}
{{- define "taskapp.routeParentRefs" -}}
{{- $gw := .Values.gateway }}
{{- if $gw.parentRefs }}
{{- toYaml $gw.parentRefs }}
{{- else if $gw.create.enabled }}
{{- include "taskapp.ownGatewayRefs" (dict "ctx" . "listener" (ternary "https" "http" (eq (include "taskapp.tlsEnabled" .) "true"))) }}
{{- else }}
{{- fail "gateway.enabled needs gateway.parentRefs (an existing Gateway to attach the routes to) or gateway.create.enabled (a Gateway of this release)" }}
{{- end }}
{{- end }}

{{/* parentRefs for cert-manager's HTTP-01 solver route, which must be reachable over
plain HTTP: the chart's own Gateway's "http" listener, or the Gateways named without
their sectionName/port (which usually pick the HTTPS listener), so the route attaches
to every listener that accepts it, the HTTP one included. */}}
{{- define "taskapp.acmeParentRefs" -}}
{{- if .Values.gateway.parentRefs }}
{{- $refs := list }}
{{- range .Values.gateway.parentRefs }}
{{- $refs = append $refs (omit . "sectionName" "port") }}
{{- end }}
{{- toYaml $refs }}
{{- else }}
{{- include "taskapp.ownGatewayRefs" (dict "ctx" . "listener" "http") }}
{{- end }}
{{- end }}

{{/* Pods ---------------------------------------------------------------------------- */}}

{{/* A probe of an app container: the chart's (dict "default" <dict>) with the
component's override merged over it (dict "override" <dict>). A handler in the
override (httpGet, exec, tcpSocket, grpc) replaces the chart's handler. */}}
{{- define "taskapp.probe" -}}
{{- $probe := deepCopy .default }}
{{- $override := .override | default dict }}
{{- $handlers := list "httpGet" "exec" "tcpSocket" "grpc" }}
{{- range $handlers }}
{{- if hasKey $override . }}
{{- range $handlers }}{{ $_ := unset $probe . }}{{ end }}
{{- end }}
{{- end }}
{{- toYaml (mergeOverwrite $probe (deepCopy $override)) }}
{{- end }}

{{/* What the app pods read once at start from the Secrets the chart generates,
without the random values: the MongoDB connection string with its password left
out. Stable across renders and upgrades (generated passwords are kept), and it
changes when the address does (e.g. standalone -> replica set), restarting the pods. */}}
{{- define "taskapp.generatedSecretChecksum" -}}
{{- if and .Values.mongodb.enabled (not .Values.mongodb.auth.existingSecret) }}
{{- include "taskapp.mongodbUri" (dict "ctx" . "Values" .Values "password" "") | sha256sum }}
{{- end }}
{{- end }}

{{/* The Prometheus operator's API is served: the ServiceMonitors can be created.
`helm template` knows only built-in APIs unless told: --api-versions monitoring.coreos.com/v1. */}}
{{- define "taskapp.prometheusOperatorAvailable" -}}
{{- or (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor") }}
{{- end }}
