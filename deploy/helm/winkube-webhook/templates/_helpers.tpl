{{- define "winkube-webhook.name" -}}winkube-webhook{{- end -}}
{{- define "winkube-webhook.fullname" -}}
{{- if contains "winkube-webhook" .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-winkube-webhook" .Release.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}
{{- define "winkube-webhook.labels" -}}
app.kubernetes.io/name: winkube-webhook
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: winkube
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
{{- define "winkube-webhook.selector" -}}
app.kubernetes.io/name: winkube-webhook
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- define "winkube-webhook.secret" -}}{{ include "winkube-webhook.fullname" . }}-tls{{- end -}}
{{- define "winkube-webhook.excluded" -}}
{{- $ns := concat (list .Release.Namespace) .Values.webhook.excludedNamespaces | uniq | sortAlpha -}}
{{- toJson $ns -}}
{{- end -}}
