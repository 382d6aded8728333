#!/usr/bin/env bash
# A short tour of kubex on the local cluster (`make demo` starts it first).
#   KUBECONFIG=... hack/demo.sh path/to/kubex
set -euo pipefail
kubex=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The reference kubectl creates the demo's objects: kubex can't create objects yet.
kubectl=$(bash "$root/hack/tools.sh" kubectl | sed -n 's/^kubectl=//p')

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
done | "$kubectl" apply --server-side -f - >/dev/null
"$kubectl" apply --server-side -f - >/dev/null <<'YAML'
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
YAML
"$kubectl" wait --for=condition=Established crd/widgets.demo.kubex.io --timeout=60s >/dev/null
"$kubectl" apply --server-side -f - >/dev/null <<'YAML'
apiVersion: demo.kubex.io/v1
kind: Widget
metadata: {name: gear, namespace: demo-frontend}
spec: {size: 3}
YAML
"$kubectl" rollout status -n demo-frontend deploy/web --timeout=60s >/dev/null

# Bold command lines only on a terminal, and never with NO_COLOR.
bold='' plain=''
if [[ -t 1 && -z ${NO_COLOR:-} ]]; then bold=$'\033[1m' plain=$'\033[0m'; fi
say() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; }
step() {
	say "kubex $*"
	"$kubex" "$@" || true
}

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
(sleep 1 && "$kubectl" scale -n demo-frontend deploy/web --replicas=4 >/dev/null) &
step watch pods --request-timeout=3s
wait
"$kubectl" scale -n demo-frontend deploy/web --replicas=3 >/dev/null
step watch deploy web -o json --output-watch-events --request-timeout=1s
step api-versions
step api-resources --api-group=apps -o wide
step api-resources --namespaced=false
step -v 6 version

# Beyond kubectl: every YAML document of a kubeconfig file takes part in the merge.
multidoc=$(mktemp "${TMPDIR:-/tmp}/kubex-demo-XXXXXX.yaml")
trap 'rm -f "$multidoc"' EXIT
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
