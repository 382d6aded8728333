#!/usr/bin/env bash
# A short tour of kubex on the local cluster (`make demo` starts it first).
#   KUBECONFIG=... hack/demo.sh path/to/kubex
set -euo pipefail
kubex=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The reference kubectl creates the demo's objects: kubex can't create objects yet.
kubectl=$(bash "$root/hack/tools.sh" kubectl | sed -n 's/^kubectl=//p')

node=$("$kubectl" get nodes -o jsonpath='{.items[0].metadata.name}')
for ns in demo-frontend demo-backend; do
	"$kubectl" create namespace "$ns" --dry-run=client -o yaml | "$kubectl" apply -f - >/dev/null
	for i in 1 2 3; do
		cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: web-$i, namespace: $ns, labels: {app: web}}
spec:
  nodeName: $node
  containers: [{name: web, image: nginx}]
---
YAML
	done | "$kubectl" apply --server-side -f - >/dev/null
done

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
step get --raw /api/v1/namespaces/demo-frontend/pods/web-1
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
