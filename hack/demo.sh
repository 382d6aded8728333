#!/usr/bin/env bash
# A short tour of kubex on the local cluster (`make demo` starts it first).
#   KUBECONFIG=... hack/demo.sh path/to/kubex
set -euo pipefail
kubex=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")

# Three pods made by a Deployment (the controllers and the scheduler put them on the kwok node) in
# each of two namespaces, and a custom resource type with its own printer columns.
for ns in demo-frontend demo-backend; do
	cat <<YAML
---
apiVersion: v1
kind: Namespace
metadata: {name: $ns}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: $ns, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: $ns}
data: {greeting: hello}
YAML
done >"${TMPDIR:-/tmp}/kubex-demo-apps.yaml"
# kubex applies the CRD and its custom resource in one go: the CRD first, waited for until served.
cat >"${TMPDIR:-/tmp}/kubex-demo-crd.yaml" <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.demo.kubex.io}
spec:
  group: demo.kubex.io
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
---
apiVersion: demo.kubex.io/v1
kind: Widget
metadata: {name: gear, namespace: demo-frontend}
spec: {size: 3}
YAML
trap 'rm -f "${TMPDIR:-/tmp}"/kubex-demo-*.yaml' EXIT

# Bold command lines only on a terminal, and never with NO_COLOR.
bold='' plain=''
if [[ -t 1 && -z ${NO_COLOR:-} ]]; then bold=$'\033[1m' plain=$'\033[0m'; fi
say() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
step() {
	say "kubex $*"
	"$kubex" "$@" || true
}

step apply -f "${TMPDIR:-/tmp}/kubex-demo-apps.yaml" --wait
step apply -f "${TMPDIR:-/tmp}/kubex-demo-crd.yaml" -n demo-frontend
step version
step config get-contexts
step config view --minify
step config set-context --current --namespace=demo-frontend
step config current-context
step get pods
step get pods -A -o wide
step get all
step get deploy,cm -A --show-kind
step get wd
step get configmap settings -o yaml
step get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'
step get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName --sort-by=.metadata.name
step get pods -A -o name --chunk-size=2
step get configmap nope
step get --raw /api/v1/namespaces/demo-frontend/configmaps/settings
# A watch prints the current state, then each change; it ends here after 3 seconds.
(sleep 1 && "$kubex" patch deploy web --subresource scale --type merge -p '{"spec":{"replicas":4}}' >/dev/null) &
step watch pods --request-timeout=3s
wait
step patch deploy web --subresource scale --type merge -p '{"spec":{"replicas":3}}'
step watch deploy web -o json --output-watch-events --request-timeout=1s
sed 's/greeting: hello/greeting: bonjour/' "${TMPDIR:-/tmp}/kubex-demo-apps.yaml" >"${TMPDIR:-/tmp}/kubex-demo-changed.yaml"
step diff -f "${TMPDIR:-/tmp}/kubex-demo-changed.yaml"
step wait --for=condition=Available deploy/web
pod=$("$kubex" get pods -o name | head -n 1)
step exec "${pod#pod/}" -- sh -c 'echo hello from $(hostname); echo to stderr >&2'
step logs "${pod#pod/}"
step delete configmap settings -n demo-backend
step api-versions
step api-resources --api-group=apps -o wide
step api-resources --namespaced=false
step -v 6 version

# Beyond kubectl: every YAML document of a kubeconfig file takes part in the merge.
multidoc=$(mktemp "${TMPDIR:-/tmp}/kubex-demo-XXXXXX.yaml")
{
	"$kubex" config view --raw --flatten --minify
	echo '---'
	cat <<YAML
apiVersion: v1
kind: Config
contexts:
- name: backend
  context: {cluster: kubex-test, user: kubex-test, namespace: demo-backend}
YAML
} >"$multidoc"
say "KUBECONFIG=$multidoc kubex config get-contexts   # a two-document file"
KUBECONFIG=$multidoc "$kubex" config get-contexts
say "KUBECONFIG=$multidoc kubex config use-context backend"
KUBECONFIG=$multidoc "$kubex" config use-context backend
step config set-context --current --namespace=default
printf '\nThe cluster keeps running: `make cluster-down` stops it. Try: export KUBECONFIG=%s\n' "$KUBECONFIG"
