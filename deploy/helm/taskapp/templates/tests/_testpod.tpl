{{/* A hardened one-shot pod running a Python snippet in an app image:
(dict "ctx" $ "name" "ui" "component" "ui" "script" "..." "secrets" false) */}}
{{- define "taskapp.testPod" -}}
{{- $ := .ctx }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "taskapp.fullname" $ }}-test-{{ .name }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "taskapp.labels" (dict "ctx" $ "component" "test") | nindent 4 }}
    {{- if .secrets }}
    {{- include "taskapp.mongodbClientLabel" $ | nindent 4 }}
    {{- end }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
    {{- include "taskapp.checkovSkips" $ | nindent 4 }}
    checkov.io/skip3: "CKV_K8S_8=A one-shot test pod; a liveness probe has nothing to watch."
    checkov.io/skip4: "CKV_K8S_9=A one-shot test pod; nothing routes traffic to it."
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- with $.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- range . }}
    - name: {{ . }}
    {{- end }}
  {{- end }}
  securityContext:
    {{- include "taskapp.podSecurityContext" (dict "uid" 10001) | nindent 4 }}
  containers:
    - name: test
      image: {{ include "taskapp.image" (dict "ctx" $ "component" .component) | quote }}
      imagePullPolicy: {{ $.Values.image.pullPolicy }}
      command: {{ .command | toJson }}
      {{- if .secrets }}
      env:
        {{- include "taskapp.env" (dict "ctx" $ "component" .component) | nindent 8 }}
      {{- end }}
      resources:
        requests: {cpu: 50m, memory: 128Mi}
        limits: {cpu: 500m, memory: 256Mi}
      securityContext:
        {{- include "taskapp.containerSecurityContext" $ | nindent 8 }}
      volumeMounts:
        {{- if .secrets }}
        {{- include "taskapp.secretMounts" $ | nindent 8 }}
        {{- else }}
        - name: tmp
          mountPath: /tmp
        {{- end }}
  volumes:
    {{- if .secrets }}
    {{- include "taskapp.secretVolume" $ | nindent 4 }}
    {{- else }}
    - name: tmp
      emptyDir:
        sizeLimit: 16Mi
    {{- end }}
{{- end }}
