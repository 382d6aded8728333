#!/usr/bin/env bash
# Builds (once) and caches the test-cluster binaries: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl, kwok; and, only when named, goreleaser (release builds; big, so it is not
# in the default list that the tests build) and staticcheck (`make lint`).
#
#   hack/tools.sh [name...]     # default: the six cluster tools
#   hack/tools.sh goreleaser    # `make release-snapshot`, `make release-check`
#   hack/tools.sh staticcheck   # `make lint`
#
# Versions come from the tools modules under hack/tools (one source of truth). Each binary is
# cached as .cache/tools/<name>-<version>; on success one `name=/abs/path` line per binary is
# printed on stdout (build chatter goes to stderr). KUBEX_TOOLS_DIR overrides the cache dir.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${KUBEX_TOOLS_DIR:-$root/.cache/tools}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# The tools modules must not be pulled into a workspace or the product module.
export GOWORK=off
# GOFLAGS from the environment is kept; go.sum is committed, so the default -mod=readonly
# needs only the module proxy, not the checksum database.

# Serialises concurrent callers (e.g. several test packages starting clusters at once) so
# that a binary is built only once; builds also write to a temp name and rename, so an
# interrupted build never leaves a broken binary behind.
exec 9>"$cache/.lock"
if command -v flock >/dev/null; then # util-linux; absent on macOS
	if ! flock -n 9; then
		echo "tools.sh: waiting for another tools.sh to finish..." >&2
		flock 9
	fi
	# Under the lock nobody else is building: leftovers are from interrupted builds.
	rm -f "$cache"/*.tmp.*
fi

modver() { # dir module
	(cd "$root/hack/tools/$1" && go list -m -f '{{.Version}}' "$2")
}

build() { # name dir version pkg [go build flags...]
	local name=$1 dir=$2 version=$3 pkg=$4
	shift 4
	local out="$cache/$name-$version"
	if [[ ! -x $out ]]; then
		echo "tools.sh: building $name $version (first run only)..." >&2
		local start=$SECONDS tmp="$out.tmp.$$"
		trap "rm -f '$tmp'" EXIT
		(cd "$root/hack/tools/$dir" && go build "$@" -o "$tmp" "$pkg")
		mv -f "$tmp" "$out"
		trap - EXIT
		echo "tools.sh: built $name in $((SECONDS - start))s" >&2
	fi
	echo "$name=$out"
}

kube_ldflags() { # version, e.g. v1.34.4: stamped so /version reports it instead of v0.0.0-master
	local v=$1 minor
	minor=${v#v*.}
	minor=${minor%%.*}
	echo "-X k8s.io/component-base/version.gitVersion=$v -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
}

want=("$@")
[[ ${#want[@]} -gt 0 ]] || want=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)

for name in "${want[@]}"; do
	case $name in
	etcd)
		build etcd etcd "$(modver etcd go.etcd.io/etcd/server/v3)" go.etcd.io/etcd/server/v3
		;;
	kube-apiserver | kube-controller-manager | kube-scheduler)
		v=$(modver kubernetes k8s.io/kubernetes)
		build "$name" kubernetes "$v" "k8s.io/kubernetes/cmd/$name" -ldflags "$(kube_ldflags "$v")"
		;;
	kubectl)
		# Built without -trimpath, like the apiserver, so it reuses the apiserver's build cache.
		v=$(modver kubernetes k8s.io/kubernetes)
		build kubectl kubernetes "$v" k8s.io/kubernetes/cmd/kubectl -ldflags "-s -w $(kube_ldflags "$v")"
		;;
	kwok)
		v=$(modver kwok sigs.k8s.io/kwok)
		build kwok kwok "$v" sigs.k8s.io/kwok/cmd/kwok -ldflags "-X sigs.k8s.io/kwok/pkg/consts.Version=$v"
		;;
	goreleaser)
		v=$(modver goreleaser github.com/goreleaser/goreleaser/v2)
		build goreleaser goreleaser "$v" github.com/goreleaser/goreleaser/v2 -trimpath \
			-ldflags "-s -w -X main.version=${v#v} -X main.builtBy=kubex-hack-tools"
		;;
	staticcheck)
		build staticcheck staticcheck "$(modver staticcheck honnef.co/go/tools)" honnef.co/go/tools/cmd/staticcheck -trimpath
		;;
	*)
		echo "tools.sh: unknown tool $name (want etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kwok, goreleaser or staticcheck)" >&2
		exit 2
		;;
	esac
done
