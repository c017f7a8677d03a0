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

{{- define "taskapp.image" -}}
{{- $ctx := .ctx }}
{{- $repo := ternary $ctx.Values.image.apiRepository $ctx.Values.image.uiRepository (eq .component "api") }}
{{- $tag := default $ctx.Chart.AppVersion $ctx.Values.image.tag }}
{{- if $ctx.Values.image.registry }}
{{- printf "%s/%s:%s" (trimSuffix "/" $ctx.Values.image.registry) $repo $tag }}
{{- else }}
{{- printf "%s:%s" $repo $tag }}
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

{{/* Security: the same hardened contexts for every pod --------------------------- */}}

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

{{/* Annotations of Secrets the chart generates: created before the pre-install hooks
(the migration job needs them), and never deleted by Helm so the data stays readable. */}}
{{- define "taskapp.generatedSecretAnnotations" -}}
helm.sh/hook: pre-install,pre-upgrade
helm.sh/hook-weight: "-10"
helm.sh/hook-delete-policy: before-hook-creation
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

{{- define "taskapp.mongodbUri" -}}
{{- $opts := "authSource=admin" }}
{{- if .Values.mongodb.replicaSet.enabled }}
{{- $opts = printf "%s&replicaSet=%s" $opts .Values.mongodb.replicaSet.name }}
{{- end }}
{{- printf "mongodb://%s:%s@%s/%s?%s" .Values.mongodb.auth.rootUsername .password (include "taskapp.mongodbHosts" .ctx) .Values.mongodb.database $opts }}
{{- end }}

{{/* App settings ------------------------------------------------------------------- */}}

{{- define "taskapp.tlsEnabled" -}}
{{- and .Values.ingress.enabled .Values.ingress.tls.enabled }}
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
checkov.io/skip1: "CKV_K8S_43=Images are referenced by tag (image.tag, default appVersion) so the chart works with locally built images; pin digests in your registry policy."
checkov.io/skip2: "CKV_K8S_15=IfNotPresent is deliberate: immutable version tags, and minikube uses images loaded into the node (pullPolicy Never)."
{{- end }}

{{- define "taskapp.terminationGracePeriodSeconds" -}}
{{- add .Values.shutdown.preStopSeconds .Values.shutdown.drainSeconds .Values.shutdown.gracefulTimeoutSeconds 5 }}
{{- end }}
