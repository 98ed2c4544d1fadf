{{/* The release's name for its objects: the release name when it holds the chart's name
(`helm install ecs-operator` gives the same names as deploy/), else <release>-ecs-operator. */}}
{{- define "ecs-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels every object carries: deploy/'s two (kustomization.yaml) and Helm's own. */}}
{{- define "ecs-operator.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/part-of: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The operator's pods, as the Deployment, Service, PodDisruptionBudget and monitors select them. */}}
{{- define "ecs-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{- define "ecs-operator.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The plural of every namespaced kind in crds/ (one list for the RBAC rules, so a new kind's CRD
brings its permissions with it): ecsclusters, ecsservices, ... in file order. */}}
{{- define "ecs-operator.plurals" -}}
{{- $plurals := list -}}
{{- range $path, $_ := .Files.Glob "crds/*.yaml" -}}
{{- $crd := $.Files.Get $path | fromYaml -}}
{{- if eq $crd.spec.scope "Namespaced" -}}
{{- $plurals = append $plurals $crd.spec.names.plural -}}
{{- end -}}
{{- end -}}
{{- toJson $plurals -}}
{{- end -}}

{{/* The plural of every cluster-scoped kind in crds/ (EcsAccount): the operator reads them and writes
their status only, and the aggregated view/edit roles never include them (only cluster admins
write the account mapping). */}}
{{- define "ecs-operator.clusterPlurals" -}}
{{- $plurals := list -}}
{{- range $path, $_ := .Files.Glob "crds/*.yaml" -}}
{{- $crd := $.Files.Get $path | fromYaml -}}
{{- if eq $crd.spec.scope "Cluster" -}}
{{- $plurals = append $plurals $crd.spec.names.plural -}}
{{- end -}}
{{- end -}}
{{- toJson $plurals -}}
{{- end -}}
