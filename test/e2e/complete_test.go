package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// completionPods creates pods web-a and web-b (containers init, app and log) in a new namespace.
func completionPods(t *testing.T) string {
	t.Helper()
	ns := newNamespace(t)
	var m strings.Builder
	for _, name := range []string{"web-a", "web-b"} {
		fmt.Fprintf(&m, `---
apiVersion: v1
kind: Pod
metadata: {name: %s, namespace: %s}
spec:
  nodeName: %s
  initContainers: [{name: init, image: busybox}]
  containers: [{name: app, image: busybox}, {name: log, image: busybox}]
`, name, ns, cluster().NodeName)
	}
	if err := cluster().Apply(t.Context(), m.String()); err != nil {
		t.Fatal(err)
	}
	return ns
}

// complete runs `kubex __complete args...` and returns its completions, one a line, and the directive.
func complete(t *testing.T, env []string, args ...string) (string, time.Duration) {
	t.Helper()
	start := time.Now()
	r := runKubex(t, env, append([]string{"__complete"}, args...)...)
	took := time.Since(start)
	if r.Code != 0 || strings.Contains(r.Stderr, "rror") {
		t.Fatalf("__complete %v: %s", args, r)
	}
	return r.Stdout, took
}

func TestCompleteTypes(t *testing.T) {
	t.Parallel()
	complete(t, nil, "get", "") // warms the discovery cache
	out, took := complete(t, nil, "get", "")
	for _, want := range []string{"\npods\n", "\ndeployments\n", "\nnamespaces\n", "\ncustomresourcedefinitions\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("types: no %q in %q", strings.TrimSpace(want), out)
		}
	}
	if strings.Contains(out, "pods/log") || !strings.HasSuffix(out, ":4\n") {
		t.Errorf("types: %q", out)
	}
	if out, _ := complete(t, nil, "delete", "deploy"); out != "deployments\n:4\n" {
		t.Errorf("delete deploy<TAB>: %q", out)
	}
	t.Logf("warm type completion: %v", took)
}

func TestCompleteNames(t *testing.T) {
	t.Parallel()
	ns := completionPods(t)
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"pods of -n", nil, []string{"-n", ns, "get", "pods", ""}, "web-a\nweb-b\n:4\n"},
		{"short name, prefix, --namespace after", nil, []string{"get", "po", "--namespace", ns, "web-b"}, "web-b\n:4\n"},
		{"typed names left out", nil, []string{"delete", "-n", ns, "pods", "web-a", ""}, "web-b\n:4\n"},
		{"pod/ prefix", nil, []string{"-n", ns, "get", "pod/"}, "pod/web-a\npod/web-b\n:4\n"},
		{"pods of the context's namespace", []string{writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().AdminToken, Namespace: ns})}, []string{"wait", "pods", ""}, "web-a\nweb-b\n:4\n"},
		{"--kubeconfig and --context", nil, []string{"--kubeconfig", strings.TrimPrefix(writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().AdminToken, Namespace: ns}), "KUBECONFIG="), "--context", "kubex-test", "patch", "pod/web-"}, "pod/web-a\npod/web-b\n:4\n"},
		{"pods of exec", nil, []string{"exec", "-n", ns, ""}, "web-a\nweb-b\n:4\n"},
		{"pods of logs", nil, []string{"logs", "-n", ns, "web-a"}, "web-a\n:4\n"},
		{"containers of exec -c", nil, []string{"exec", "-n", ns, "web-a", "-c", ""}, "init\napp\nlog\n:4\n"},
		{"containers of logs -c", nil, []string{"logs", "-n", ns, "pod/web-b", "-c", "l"}, "log\n:4\n"},
		{"namespaces of -n", nil, []string{"get", "pods", "-n", ns[:len(ns)-3]}, ns + "\n:4\n"},
		{"namespaces of ns", nil, []string{"ns", ns[:len(ns)-3]}, ns + "\n:4\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if out, _ := complete(t, tt.env, tt.args...); out != tt.want {
				t.Errorf("__complete %v: %q, want %q", tt.args, out, tt.want)
			}
		})
	}
	// All namespaces: the names of every namespace's pods.
	if out, _ := complete(t, nil, "get", "pods", "-A", "web-"); !strings.Contains(out, "web-a\nweb-b\n") {
		t.Errorf("-A: %q", out)
	}
	// Warm name completion is one small request.
	complete(t, nil, "-n", ns, "get", "pods", "")
	_, took := complete(t, nil, "-n", ns, "get", "pods", "")
	t.Logf("warm name completion: %v", took)
}

func TestCompleteContexts(t *testing.T) {
	t.Parallel()
	kc := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().AdminToken})
	path := strings.TrimPrefix(kc, "KUBECONFIG=")
	if r := runKubex(t, []string{kc}, "config", "set-context", "other", "--cluster", "kubex-test", "--user", "kubex-test"); r.Code != 0 {
		t.Fatal(r)
	}
	for _, args := range [][]string{{"ctx", ""}, {"--context", ""}, {"--kubeconfig", path, "config", "use-context", ""}} {
		if out, _ := complete(t, []string{kc}, args...); out != "kubex-test\nother\n:4\n" {
			t.Errorf("__complete %v: %q", args, out)
		}
	}
}

// An unreachable cluster: no completions, nothing on stderr but cobra's directive line, in about a
// second at most, whether the port is closed or the server accepts and never answers.
func TestCompleteUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	for _, server := range []string{"https://127.0.0.1:1", "https://" + l.Addr().String()} {
		kc := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().AdminToken, Server: server})
		for _, args := range [][]string{{"get", ""}, {"get", "pods", ""}, {"get", "pod/"}, {"-n", ""}, {"exec", "p", "-c", ""}, {"logs", ""}} {
			start := time.Now()
			r := runKubex(t, []string{kc, "KUBECACHEDIR=" + t.TempDir()}, append([]string{"__complete"}, args...)...)
			took := time.Since(start)
			if r.Code != 0 || r.Stdout != ":4\n" || r.Stderr != "Completion ended with directive: ShellCompDirectiveNoFileComp\n" || took > 2*time.Second {
				t.Errorf("%s %v: after %v: %s", server, args, took, r)
			}
		}
	}
}

// wordsByRef stands in for bash-completion's _get_comp_words_by_ref where that package is not installed
// (the script kubex ships calls it, as every cobra bash script does): cur, prev, words and cword from
// COMP_WORDS and COMP_CWORD, without bash-completion's re-splitting at = and :. compopt, which only works
// inside a completion that readline started, does nothing here.
const wordsByRef = `declare -F _get_comp_words_by_ref >/dev/null || _get_comp_words_by_ref() {
	local OPTIND=1 opt v
	while getopts "n:c:i:w:" opt; do :; done
	shift $((OPTIND-1))
	for v in "$@"; do
		case $v in
		cur) cur=${COMP_WORDS[COMP_CWORD]} ;;
		prev) prev=${COMP_WORDS[COMP_CWORD-1]} ;;
		words) words=("${COMP_WORDS[@]}") ;;
		cword) cword=$COMP_CWORD ;;
		esac
	done
}
compopt() { :; }`

// TestCompleteBash runs the shipped bash script in a real bash, as a Tab would.
func TestCompleteBash(t *testing.T) {
	t.Parallel()
	ns := completionPods(t)
	script, err := filepath.Abs(filepath.Join("..", "..", "completions", "kubex.bash"))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + filepath.Dir(h.kubex) + string(os.PathListSeparator) + os.Getenv("PATH")}
	tab := func(words ...string) string {
		t.Helper()
		line := strings.Join(words, " ")
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + w + "'"
		}
		prog := fmt.Sprintf(`[[ -r /usr/share/bash-completion/bash_completion ]] && source /usr/share/bash-completion/bash_completion
`+wordsByRef+`
source %q
COMP_WORDS=(%s); COMP_CWORD=%d; COMP_LINE=%q; COMP_POINT=${#COMP_LINE}
__start_kubex
printf '%%s\n' "${COMPREPLY[@]}"`, script, strings.Join(quoted, " "), len(words)-1, line)
		r := runCmd(t, "", env, "bash", "-c", prog)
		if r.Code != 0 || r.Stderr != "" {
			t.Fatalf("bash: %s", r)
		}
		return r.Stdout
	}
	if got := tab("kubex", "get", "-n", ns, "pods", ""); got != "web-a\nweb-b\n" {
		t.Errorf("kubex get -n NS pods <TAB>: %q", got)
	}
	if got := tab("kubex", "get", "-n", ns, "pod/web-b"); got != "pod/web-b\n" {
		t.Errorf("kubex get -n NS pod/web-b<TAB>: %q", got)
	}
	if got := tab("kubex", "get", "deployme"); got != "deployments\n" {
		t.Errorf("kubex get deployme<TAB>: %q", got)
	}
	if got := tab("kubex", "exec", "-n", ns, "web-a", "-c", "a"); got != "app\n" {
		t.Errorf("kubex exec -n NS web-a -c a<TAB>: %q", got)
	}
}
