{{- define "doze.name" -}}doze{{- end -}}

{{- define "doze.fullname" -}}
{{- if contains "doze" .Release.Name -}}{{ .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else -}}{{ printf "%s-doze" .Release.Name | trunc 50 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "doze.labels" -}}
app.kubernetes.io/name: doze
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "doze.selector" -}}
app.kubernetes.io/name: doze
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "doze.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "doze.namespaceArgs" -}}
{{- range .Values.watchNamespaces }}
            - --namespace={{ . }}
{{- end }}
{{- end -}}
