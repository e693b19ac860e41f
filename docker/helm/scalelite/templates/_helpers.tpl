{{- define "scalelite.name" -}}scalelite{{- end -}}

{{- define "scalelite.fullname" -}}
{{- if contains "scalelite" .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}{{- else -}}{{ printf "%s-scalelite" .Release.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "scalelite.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ include "scalelite.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of every pod of the release; add app.kubernetes.io/component for a role. */}}
{{- define "scalelite.selectorLabels" -}}
app.kubernetes.io/name: {{ include "scalelite.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "scalelite.secretName" -}}
{{- .Values.existingSecret | default (include "scalelite.fullname" .) -}}
{{- end -}}

{{- define "scalelite.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "scalelite.recordingsClaim" -}}
{{- .Values.recordings.existingClaim | default (printf "%s-recordings" (include "scalelite.fullname" .)) -}}
{{- end -}}

{{/* DATABASE_URL from database.url or its parts; empty when neither is given, or when the
password comes from passwordSecret (the pods then build the URL, see scalelite.pod). */}}
{{- define "scalelite.databaseURL" -}}
{{- $d := .Values.database -}}
{{- if $d.url -}}{{ $d.url }}
{{- else if and $d.host (or $d.password (not $d.passwordSecret.name)) -}}postgres://{{ $d.user | urlquery }}{{ if $d.password }}:{{ $d.password | urlquery }}{{ end }}@{{ $d.host }}:{{ $d.port }}/{{ $d.name }}?sslmode={{ $d.sslmode }}
{{- end -}}
{{- end -}}

{{/*
The pod template of one role: scalelite.pod with (dict "root" $ "role" "api" "values" .Values.api).
*/}}
{{- define "scalelite.pod" -}}
{{- $root := .root -}}
{{- $v := .values -}}
{{- /* The api's probes ask its HTTP server; the other roles' their metrics listener. */ -}}
{{- $probePort := ternary "http" "metrics" (eq .role "api") -}}
metadata:
  labels:
    {{- include "scalelite.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .role }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  # The api drains HTTP for up to 25 s; an import in progress gets 60 s.
  terminationGracePeriodSeconds: {{ if eq .role "importer" }}90{{ else }}40{{ end }}
  containers:
    - name: scalelite
      image: {{ include "scalelite.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: ["serve", "--roles", {{ .role | quote }}]
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      envFrom:
        - configMapRef:
            name: {{ include "scalelite.fullname" $root }}
        - secretRef:
            name: {{ include "scalelite.secretName" $root }}
      {{- if and (not $root.Values.database.url) $root.Values.database.host (not $root.Values.database.password) $root.Values.database.passwordSecret.name }}
      env:
        - name: DATABASE_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ $root.Values.database.passwordSecret.name }}
              key: {{ $root.Values.database.passwordSecret.key }}
        - name: DATABASE_URL
          value: {{ printf "postgres://%s:$(DATABASE_PASSWORD)@%s:%v/%s?sslmode=%s" ($root.Values.database.user | urlquery) $root.Values.database.host $root.Values.database.port $root.Values.database.name $root.Values.database.sslmode | quote }}
      {{- end }}
      ports:
        {{- if eq .role "api" }}
        - name: http
          containerPort: 3000
        {{- end }}
        - name: metrics
          containerPort: {{ $root.Values.metrics.port }}
      startupProbe:
        httpGet: {path: /healthz, port: {{ $probePort }}}
        periodSeconds: 2
        failureThreshold: 60
      livenessProbe:
        httpGet: {path: /healthz, port: {{ $probePort }}}
        periodSeconds: 10
        timeoutSeconds: 3
        failureThreshold: 3
      readinessProbe:
        httpGet: {path: /readyz, port: {{ $probePort }}}
        periodSeconds: 5
        timeoutSeconds: 5
        failureThreshold: 2
      resources:
        {{- toYaml $v.resources | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        - name: data
          mountPath: /var/lib/scalelite
        {{- if and $root.Values.recordings.enabled (ne .role "poller") }}
        - name: recordings
          mountPath: /var/bigbluebutton
        {{- end }}
  volumes:
    - name: tmp
      emptyDir: {}
    - name: data
      emptyDir: {}
    {{- if and $root.Values.recordings.enabled (ne .role "poller") }}
    - name: recordings
      persistentVolumeClaim:
        claimName: {{ include "scalelite.recordingsClaim" $root }}
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if $v.affinity }}
  affinity:
    {{- toYaml $v.affinity | nindent 4 }}
  {{- else }}
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels:
                {{- include "scalelite.selectorLabels" $root | nindent 16 }}
                app.kubernetes.io/component: {{ .role }}
  {{- end }}
{{- end -}}
