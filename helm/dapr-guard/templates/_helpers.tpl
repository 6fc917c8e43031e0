{{/*
Chart name, truncated to 63 characters (a label value and a DNS label cannot be longer).
*/}}
{{- define "dapr-guard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: the release name, plus the chart name unless the release name already contains it. Truncated to 63
characters because it names the Service, which must be a DNS label.
*/}}
{{- define "dapr-guard.fullname" -}}
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

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "dapr-guard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "dapr-guard.labels" -}}
helm.sh/chart: {{ include "dapr-guard.chart" . }}
{{ include "dapr-guard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: admission-webhook
app.kubernetes.io/part-of: dapr-guard
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: immutable once a Deployment exists, so only name and instance.
*/}}
{{- define "dapr-guard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "dapr-guard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
ServiceAccount name.
*/}}
{{- define "dapr-guard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "dapr-guard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Secret holding ca.crt, tls.crt and tls.key: made by the chart, or by cert-manager.
*/}}
{{- define "dapr-guard.tlsSecretName" -}}
{{- printf "%s-tls" (include "dapr-guard.fullname" .) }}
{{- end }}

{{/*
cert-manager Certificate that signs the serving certificate into the TLS Secret; the webhook configurations take
their caBundle from it (cert-manager.io/inject-ca-from).
*/}}
{{- define "dapr-guard.servingCertificateName" -}}
{{- printf "%s-serving" (include "dapr-guard.fullname" .) }}
{{- end }}

{{/*
Image reference: the digest when set (immutable), otherwise the tag (the chart's appVersion by default).
*/}}
{{- define "dapr-guard.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The DNS names the kube-apiserver may use for the Service; the serving certificate covers all of them.
*/}}
{{- define "dapr-guard.dnsNames" -}}
{{- $svc := include "dapr-guard.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) | toJson }}
{{- end }}

{{/*
The server's application.yaml. Only what the user set is rendered (plus mode and the drain period, which the chart
needs to agree with terminationGracePeriodSeconds), so everything else keeps the server's documented defaults.
*/}}
{{- define "dapr-guard.applicationYaml" -}}
{{- $guard := dict "mode" .Values.mode }}
{{- with .Values.policy }}
{{- if .rules }}
{{- $rules := dict }}
{{- range $id, $action := .rules }}
{{- /* An unquoted `off` arrives as the boolean false (YAML 1.1); the server wants the word. */}}
{{- $_ := set $rules $id (ternary "off" (toString $action) (eq (toString $action) "false")) }}
{{- end }}
{{- $_ := set $guard "rules" $rules }}
{{- end }}
{{- if hasKey . "skippable" }}
{{- $_ := set $guard "skippable" .skippable }}
{{- end }}
{{- if .skip }}
{{- $skip := dict }}
{{- range $key, $value := .skip }}
{{- $_ := set $skip (kebabcase $key) $value }}
{{- end }}
{{- $_ := set $guard "skip" $skip }}
{{- end }}
{{- if hasKey . "mutateTemplates" }}
{{- $_ := set $guard "mutate-templates" .mutateTemplates }}
{{- end }}
{{- if hasKey . "validateFailOpen" }}
{{- $_ := set $guard "validate-fail-open" .validateFailOpen }}
{{- end }}
{{- if .sidecar }}
{{- $sidecar := dict }}
{{- range $key, $value := .sidecar }}
{{- $_ := set $sidecar (kebabcase $key) $value }}
{{- end }}
{{- $_ := set $guard "sidecar" $sidecar }}
{{- end }}
{{- with .injector }}
{{- if hasKey . "serviceAccounts" }}
{{- $_ := set $guard "injector" (dict "service-accounts" .serviceAccounts) }}
{{- end }}
{{- end }}
{{- end }}
{{- with .Values.admission }}
{{- if hasKey . "maxRequestSize" }}
{{- $_ := set $guard "max-request-size" .maxRequestSize }}
{{- end }}
{{- $limits := dict }}
{{- if hasKey . "maxConcurrentReviews" }}
{{- $_ := set $limits "max-concurrent-reviews" .maxConcurrentReviews }}
{{- end }}
{{- if hasKey . "maxWait" }}
{{- $_ := set $limits "max-wait" .maxWait }}
{{- end }}
{{- if hasKey . "workerThreads" }}
{{- $_ := set $limits "worker-threads" .workerThreads }}
{{- end }}
{{- if $limits }}
{{- $_ := set $guard "limits" $limits }}
{{- end }}
{{- end }}
{{- if hasKey .Values.metrics "namespaceLabel" }}
{{- $_ := set $guard "metrics" (dict "namespace-label" .Values.metrics.namespaceLabel) }}
{{- end }}
{{- $_ := set $guard "shutdown" (dict "drain-period" (printf "%ds" (int .Values.shutdown.drainPeriodSeconds))) }}
{{- if eq .Values.engine "both" }}
{{- /* the rules the native policies judge: the webhook reports none of their findings */}}
{{- $plan := include "dapr-guard.nativePlan" . | fromJson }}
{{- if $plan.nativeRules }}
{{- $_ := set $guard "native-rules" $plan.nativeRules }}
{{- end }}
{{- end }}
{{- $tls := dict }}
{{- if hasKey .Values.tls "reloadInterval" }}
{{- $_ := set $tls "reload-interval" .Values.tls.reloadInterval }}
{{- end }}
{{- if .Values.tls.clientCA.configMapName }}
{{- $_ := set $tls "client-ca-file" (printf "/etc/dapr-guard/client-ca/%s" .Values.tls.clientCA.key) }}
{{- end }}
{{- if $tls }}
{{- $_ := set $guard "tls" $tls }}
{{- end }}
{{- with .Values.rightsizing }}
{{- if and .metricsServer (not .prometheus.url) }}
{{- $_ := set $guard "rightsizing" (dict "metrics-server" true "half-life" .halfLife "apply" .apply "window" .window
  "oom-factor" .oomFactor "min-samples" .minSamples "min-history" .minHistory) }}
{{- end }}
{{- if .prometheus.url }}
{{- $prometheus := dict "url" .prometheus.url "timeout" .prometheus.timeout }}
{{- if .prometheus.bearerTokenSecret.name }}
{{- $_ := set $prometheus "bearer-token-file" (printf "/etc/dapr-guard/prometheus-token/%s" .prometheus.bearerTokenSecret.key) }}
{{- end }}
{{- if .prometheus.caConfigMap.name }}
{{- $_ := set $prometheus "ca-file" (printf "/etc/dapr-guard/prometheus-ca/%s" .prometheus.caConfigMap.key) }}
{{- end }}
{{- $_ := set $guard "rightsizing" (dict "prometheus" $prometheus "apply" .apply "window" .window
  "oom-factor" .oomFactor "min-samples" .minSamples "min-history" .minHistory) }}
{{- end }}
{{- end }}
{{- with .Values.audit }}
{{- $_ := include "dapr-guard.auditIntervalSeconds" $ }}
{{- $excluded := concat (list "kube-system" $.Release.Namespace) $.Values.webhook.excludeNamespaces | uniq }}
{{- $_ := set $guard "audit" (dict "enabled" .enabled "interval" .interval "page-size" .pageSize "qps" .qps
  "max-results-per-report" .maxResultsPerReport "lease-namespace" $.Release.Namespace
  "exclude-namespaces" $excluded) }}
{{- end }}
{{- $config := dict "dapr-guard" $guard }}
{{- $logging := dict }}
{{- if ne .Values.logging.format "plain" }}
{{- $_ := set $logging "structured" (dict "format" (dict "console" .Values.logging.format)) }}
{{- end }}
{{- if not .Values.logging.auditLog }}
{{- $_ := set $logging "level" (dict "daprguard.audit" "off") }}
{{- end }}
{{- if $logging }}
{{- $_ := set $config "logging" $logging }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/*
Fails the render unless the mutating configuration runs before Dapr's injector. Included by templates/webhooks.yaml.
*/}}
{{- define "dapr-guard.validateWebhookOrder" -}}
{{- /* The kube-apiserver calls mutating webhook configurations in byte order of their names (Go's sort of the
names), and dapr-guard must run before Dapr's injector so that daprd is built from complete annotations.
Go template `lt` compares strings byte by byte, exactly that order; equality fails too. */}}
{{- $injector := "dapr-sidecar-injector" }}
{{- if not (lt .Values.webhook.mutatingName $injector) }}
{{- fail (printf "webhook.mutatingName %q must sort before %q (byte order): the kube-apiserver calls mutating webhook configurations in name order, and dapr-guard must run before Dapr's sidecar injector so that the injector builds daprd from complete annotations. Choose a name such as \"dapr-guard\" (names starting with \"dapr-sidecar-injector\", \"dapr.\", or a letter after \"d\" run after it)." .Values.webhook.mutatingName $injector) }}
{{- end }}
{{- end }}

{{/*
Fails the render unless the grace period covers the drain period. Included by templates/deployment.yaml.
*/}}
{{- define "dapr-guard.validateShutdown" -}}
{{- $drain := int .Values.shutdown.drainPeriodSeconds }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (add $drain 10 | int) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be at least shutdown.drainPeriodSeconds + 10 (%d): after SIGTERM the server serves for the drain period, then finishes the reviews in flight, and the kubelet kills it when the grace period ends." (int .Values.terminationGracePeriodSeconds) (add $drain 10 | int)) }}
{{- end }}
{{- end }}

{{/*
The chart-made TLS material, as JSON {caCrt, tlsCrt, tlsKey} (base64, ready for Secret data and caBundle).
Input: dict "root" (the top context) "existing" (the Secret found in the cluster, or an empty dict).
- existing Secret with non-empty ca.crt, tls.crt and tls.key: reuse all three as they are, so that an upgrade
  rotates nothing and the caBundle keeps matching the certificate the pods serve;
- otherwise: a new CA and a serving certificate it signs, for every name the Service answers to (CN <svc>.<ns>.svc).
  The CA key lives only in this render and is never stored.
Called exactly once per render (templates/webhooks.yaml), and its result feeds the Secret and both caBundles.
*/}}
{{- define "dapr-guard.tlsMaterial" -}}
{{- $root := .root }}
{{- $data := dig "data" (dict) .existing }}
{{- if and (get $data "ca.crt") (get $data "tls.crt") (get $data "tls.key") }}
{{- dict "caCrt" (get $data "ca.crt") "tlsCrt" (get $data "tls.crt") "tlsKey" (get $data "tls.key") | toJson }}
{{- else }}
{{- $fullname := include "dapr-guard.fullname" $root }}
{{- $dnsNames := include "dapr-guard.dnsNames" $root | fromJsonArray }}
{{- $ca := genCA (printf "%s-ca" $fullname) (int $root.Values.generatedCerts.caValidityDays) }}
{{- $cert := genSignedCert (index $dnsNames 2) nil $dnsNames (int $root.Values.generatedCerts.validityDays) $ca }}
{{- dict "caCrt" ($ca.Cert | b64enc) "tlsCrt" ($cert.Cert | b64enc) "tlsKey" ($cert.Key | b64enc) | toJson }}
{{- end }}
{{- end }}

{{- /* audit.interval in seconds (the schema allows <n>s, <n>m, <n>h); the server accepts 1m to 24h. */}}
{{- define "dapr-guard.auditIntervalSeconds" -}}
{{- $interval := toString .Values.audit.interval }}
{{- $unit := substr (int (sub (len $interval) 1)) (len $interval) $interval }}
{{- $seconds := mul (trimSuffix $unit $interval | int) (get (dict "s" 1 "m" 60 "h" 3600) $unit) }}
{{- if or (lt (int $seconds) 60) (gt (int $seconds) 86400) }}
{{- fail (printf "audit.interval must be between 1m and 24h, was %s" $interval) }}
{{- end }}
{{- $seconds }}
{{- end }}

{{/*
Whether the chart runs dapr-guard's server: always, except with engine: native and the cluster audit off (the
kube-apiserver then enforces everything itself and no pod of dapr-guard runs).
*/}}
{{- define "dapr-guard.runsServer" -}}
{{- if or (ne .Values.engine "native") .Values.audit.enabled }}true{{ end }}
{{- end }}

{{/*
Fails the render when the native engine cannot work on the target Kubernetes version, or would undo right-sizing.
*/}}
{{- define "dapr-guard.validateNative" -}}
{{- if ne .Values.engine "webhook" }}
{{- $version := .Capabilities.KubeVersion.Version }}
{{- if semverCompare "<1.30-0" $version }}
{{- fail (printf "engine: %s needs ValidatingAdmissionPolicy in admissionregistration.k8s.io/v1, served from Kubernetes 1.30; this cluster is %s. Use engine: webhook." .Values.engine $version) }}
{{- end }}
{{- if and .Values.native.mutation (semverCompare "<1.36-0" $version) }}
{{- fail (printf "engine: %s with native.mutation: true needs MutatingAdmissionPolicy in admissionregistration.k8s.io/v1, served from Kubernetes 1.36; this cluster is %s. Set native.mutation: false for validation only (from 1.30): the sidecar defaults (sidecar-resources, sidecar-gomemlimit, sidecar-seccomp) are then left to the webhook (engine: both) or not enforced (engine: native)." .Values.engine $version) }}
{{- end }}
{{- if and .Values.native.mutation (eq (toString .Values.rightsizing.apply) "defaults") }}
{{- fail (printf "rightsizing.apply: defaults needs the webhook to add each workload's recommended sidecar values, but with engine: %s and native.mutation: true a MutatingAdmissionPolicy adds policy.sidecar's values first. Use engine: both with native.mutation: false, or rightsizing.apply: off." .Values.engine) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
What the native policies are made of, for these values (JSON): the effective action of every rule with a native
form as the server reads the policy ("actions", "off" for a rule left to the webhook: partial ones with engine: both,
the sidecar ones without native.mutation), the rules daprguard.io/skip may skip ("skippable"), the catalog's tokens
and their values ("tokens"), and, for engine: both, the rules the server leaves to the kube-apiserver ("nativeRules").
*/}}
{{- define "dapr-guard.nativePlan" -}}
{{- $catalog := .Files.Get "files/native-catalog.json" | fromJson }}
{{- $policy := .Values.policy | default dict }}
{{- $overrides := $policy.rules | default dict }}
{{- $server := dict }}
{{- range $rule, $default := $catalog.rules }}
{{- $action := $default }}
{{- if hasKey $overrides $rule }}
{{- $value := toString (get $overrides $rule) }}
{{- $action = ternary "off" $value (eq $value "false") }}
{{- end }}
{{- $_ := set $server $rule $action }}
{{- end }}
{{- $skippable := list }}
{{- if hasKey $policy "skippable" }}
{{- $skippable = $policy.skippable | default list }}
{{- else }}
{{- /* the server's default: the rules whose action is warn */}}
{{- range $rule, $action := $server }}
{{- if eq $action "warn" }}
{{- $skippable = append $skippable $rule }}
{{- end }}
{{- end }}
{{- end }}
{{- $actions := dict }}
{{- $nativeRules := list }}
{{- range $rule, $action := $server }}
{{- $native := $action }}
{{- if and (eq $.Values.engine "both") (has $rule $catalog.partial) }}
{{- $native = "off" }}
{{- end }}
{{- if and (not $.Values.native.mutation) (has $rule $catalog.mutating) }}
{{- $native = "off" }}
{{- end }}
{{- $_ := set $actions $rule $native }}
{{- if ne $native "off" }}
{{- $nativeRules = append $nativeRules $rule }}
{{- end }}
{{- end }}
{{- $sidecar := $policy.sidecar | default dict }}
{{- $tokens := dict }}
{{- range $key, $name := dict "cpu-request" "cpuRequest" "cpu-limit" "cpuLimit" "memory-request" "memoryRequest" "memory-limit" "memoryLimit" }}
{{- $_ := set $tokens (printf "@default:%s@" $key) (toString (get $sidecar $name | default (index $catalog.defaults $key))) }}
{{- end }}
{{- $_ := set $tokens "@gomemlimit-percent@" (printf "%d" (int (get $sidecar "gomemlimitPercent" | default (index $catalog.defaults "gomemlimit-percent")))) }}
{{- range $rule := $catalog.mutating }}
{{- $active := "true" }}
{{- if eq (get $actions $rule) "off" }}
{{- $active = "false" }}
{{- else if has $rule $skippable }}
{{- $active = index $catalog.activeChecks $rule }}
{{- end }}
{{- $_ := set $tokens (printf "@active:%s@" $rule) $active }}
{{- end }}
{{- dict "actions" $actions "skippable" $skippable "tokens" $tokens "nativeRules" $nativeRules | toJson }}
{{- end }}

{{/* The catalog text with its tokens replaced. Input: dict "text" "tokens". */}}
{{- define "dapr-guard.nativeTokens" -}}
{{- $text := .text }}
{{- range $token, $value := .tokens }}
{{- $text = replace $token $value $text }}
{{- end }}
{{- $text }}
{{- end }}

{{/*
A native binding's namespaceSelector, as the webhooks select namespaces: never the excluded ones, and the
daprguard.io/mode values given. Input: dict "excluded" "modes" "operator" (In or NotIn).
*/}}
{{- define "dapr-guard.nativeNamespaces" -}}
matchExpressions:
- key: kubernetes.io/metadata.name
  operator: NotIn
  values: {{ toJson .excluded }}
- key: daprguard.io/mode
  operator: {{ .operator }}
  values: {{ toJson .modes }}
{{- end }}
