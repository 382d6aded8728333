// Package testcluster runs a real, throwaway Kubernetes control plane on loopback for tests, the
// demo, the benchmarks and `hack/cluster`: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok (which fakes a node and its pods, and serves exec, attach, logs and
// port-forward), plus the reference kubectl.
//
// It is a real control plane minus the kubelet: Deployments make ReplicaSets and pods, the
// scheduler binds pods to the kwok node (NodeName; pods need not set spec.nodeName, though
// setting it skips the scheduler), deleted namespaces finish deleting, and the garbage collector
// removes dependents. The ServiceAccount admission plugin stays disabled: with it, a pod created
// right after its namespace would race the controller-manager creating the namespace's default
// ServiceAccount.
//
// For fault tests, StopAPIServer, StartAPIServer and RestartAPIServer take the apiserver away
// and bring it back on the same port (the other processes reconnect), and Compact makes every
// resourceVersion issued so far too old, so that watches from them get 410 Gone.
package testcluster

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configures Start.
type Options struct {
	// Dir is the state directory (certificates, kubeconfigs, logs, etcd data). If empty, a
	// fresh temporary directory is used and removed by Stop.
	Dir string
	// Detach lets the processes outlive the calling process (for `hack/cluster up`); they are
	// then stopped with Load(dir) and Stop.
	Detach bool
	// Log receives progress and, on failure, log tails. Nil discards.
	Log io.Writer
}

// Cluster is a running test cluster. Its exported fields are saved as cluster.json in Dir.
type Cluster struct {
	Dir    string // state directory
	Server string // https://127.0.0.1:port

	CAFile          string // CA of the serving and client certificates
	AdminKubeconfig string // kubeconfig using the admin client certificate
	AdminCert       string // client certificate: CN=admin, O=system:masters
	AdminKey        string

	AdminToken     string // token of user AdminTokenUser, in system:masters
	AdminTokenUser string
	NoRightsToken  string // token of user NoRightsUser, who has no RBAC rights at all
	NoRightsUser   string

	NodeName string // the kwok node, where the scheduler puts every pod
	Kubectl  string // reference kubectl (same version as the apiserver)
	Tools    map[string]string

	EtcdURL     string
	KubeletPort int // kwok's kubelet API port (the node's daemon endpoint)
	// The secure ports of kube-controller-manager and kube-scheduler (/healthz, /metrics).
	ControllerManagerPort int
	SchedulerPort         int

	// kwok wiring for pods on NodeName: exec runs local commands in ExecDir; logs serve
	// LogsFile (and PreviousLogsFile for --previous); attach follows lines appended to
	// AttachFile; port-forward to pod port PortForwardPodPort reaches PortForwardAddr.
	// The files hold CRI-format lines: see AppendLog.
	ExecDir          string
	LogsFile         string
	PreviousLogsFile string
	AttachFile       string
	PortForwardAddr  string

	mu      sync.Mutex
	procs   []*proc // in start order
	tempDir bool    // Dir was created by Start: Stop removes it
	stopped bool
	log     io.Writer
	detach  bool
	apiArgs []string // kube-apiserver's arguments, for StartAPIServer; nil after Load
}

// procNames lists the cluster's processes in start order; Stop kills them in reverse.
var procNames = []string{"etcd", "kube-apiserver", "kwok", "kube-controller-manager", "kube-scheduler"}

// PortForwardPodPort is the pod port that kwok forwards to Cluster.PortForwardAddr.
const PortForwardPodPort = 8080

const (
	stateFile     = "cluster.json"
	readyDeadline = 2 * time.Minute
)

// Start builds the tools if needed, starts etcd, kube-apiserver, kwok, kube-controller-manager
// and kube-scheduler on free loopback ports, waits until the apiserver is ready, the fake node is
// Ready and the controller-manager and scheduler are healthy, and writes the kubeconfigs. On
// error, nothing is left running.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	tools, err := buildTools(ctx, log)
	if err != nil {
		return nil, err
	}
	// A port picked free may be taken by someone else before our server binds it: retry.
	for attempt := 1; ; attempt++ {
		c, err := start(ctx, opts, log, tools)
		if err == nil || attempt == 3 || !errors.Is(err, errPortInUse) || ctx.Err() != nil {
			return c, err
		}
		fmt.Fprintf(log, "%v\nretrying with new ports\n", err)
	}
}

var errPortInUse = errors.New("a port was already in use")

func start(ctx context.Context, opts Options, log io.Writer, tools map[string]string) (_ *Cluster, err error) {
	began := time.Now()
	c := &Cluster{Dir: opts.Dir, log: log, Tools: tools, Kubectl: tools["kubectl"], detach: opts.Detach}
	if c.Dir == "" {
		if opts.Detach {
			// A temp dir is reclaimed once its owner exits (see TempDir).
			return nil, errors.New("testcluster: Detach needs a Dir")
		}
		if c.Dir, err = TempDir("kubex-cluster-"); err != nil {
			return nil, err
		}
		c.tempDir = true
	} else {
		if c.Dir, err = filepath.Abs(c.Dir); err != nil {
			return nil, err
		}
		if old, err := Load(c.Dir); err == nil && old.Running() {
			return nil, fmt.Errorf("testcluster: a cluster is already running in %s", c.Dir)
		}
		// Stale etcd data from an earlier run would not match the new certificates and tokens.
		if err := os.RemoveAll(filepath.Join(c.Dir, "etcd")); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(c.Dir, 0o755); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("testcluster: %w%s", err, c.logTails())
			_ = c.Stop()
		}
	}()

	ports, err := freePorts(7)
	if err != nil {
		return nil, err
	}
	etcdPort, peerPort, apiPort, kubeletPort, fwdPort := ports[0], ports[1], ports[2], ports[3], ports[4]
	c.ControllerManagerPort, c.SchedulerPort = ports[5], ports[6]
	c.Server = fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	c.EtcdURL = fmt.Sprintf("http://127.0.0.1:%d", etcdPort)
	c.KubeletPort = kubeletPort
	c.PortForwardAddr = fmt.Sprintf("127.0.0.1:%d", fwdPort)
	c.NodeName = "kwok-node"

	if err := c.writeCredentials(); err != nil {
		return nil, err
	}
	if err := c.writeKwokConfig(); err != nil {
		return nil, err
	}
	c.AdminKubeconfig = c.path("admin.kubeconfig")
	if err := c.WriteKubeconfig(c.AdminKubeconfig, KubeconfigOptions{ClientCert: c.AdminCert, ClientKey: c.AdminKey}); err != nil {
		return nil, err
	}

	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	if err := c.startProc("etcd", opts.Detach, nil,
		"--name=default",
		"--data-dir="+c.path("etcd"),
		"--listen-client-urls="+c.EtcdURL,
		"--advertise-client-urls="+c.EtcdURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL,
		// Throwaway data: skipping fsync makes creating thousands of objects much faster.
		"--unsafe-no-fsync",
	); err != nil {
		return nil, err
	}
	// The apiserver retries etcd until it answers, so both start at once.
	c.apiArgs = []string{
		"--etcd-servers=" + c.EtcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--tls-cert-file=" + c.path("apiserver.crt"),
		"--tls-private-key-file=" + c.path("apiserver.key"),
		"--client-ca-file=" + c.CAFile,
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + c.path("sa.pub"),
		"--service-account-signing-key-file=" + c.path("sa.key"),
		"--authorization-mode=RBAC",
		"--token-auth-file=" + c.path("tokens.csv"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--kubelet-client-certificate=" + c.AdminCert,
		"--kubelet-client-key=" + c.AdminKey,
		// kwok's node has only an InternalIP worth dialling.
		"--kubelet-preferred-address-types=InternalIP",
		// The controller-manager creates each namespace's default ServiceAccount, but only a
		// moment after the namespace: a pod created at once would be refused without this.
		"--disable-admission-plugins=ServiceAccount",
		"--allow-privileged=true",
	}
	if err := c.startProc("kube-apiserver", opts.Detach, nil, c.apiArgs...); err != nil {
		return nil, err
	}
	if err := c.awaitAPIServer(ctx); err != nil {
		return nil, err
	}
	client, err := c.httpClient()
	if err != nil {
		return nil, err
	}

	// kwok's own kubelet port (not the fixed 10250) lets several clusters run side by side.
	kwokAddr := fmt.Sprintf("127.0.0.1:%d", kubeletPort)
	if err := c.startProc("kwok", opts.Detach,
		// kwok would also load ~/.kwok/kwok.yaml: keep its work dir inside ours.
		[]string{"KWOK_WORKDIR=" + c.path("kwok-home")},
		"--kubeconfig="+c.AdminKubeconfig,
		"--config="+c.path("kwok.yaml"),
		"--manage-all-nodes=true",
		"--server-address="+kwokAddr,
		fmt.Sprintf("--node-port=%d", kubeletPort),
		"--node-ip=127.0.0.1",
		"--tls-cert-file="+c.path("apiserver.crt"),
		"--tls-private-key-file="+c.path("apiserver.key"),
	); err != nil {
		return nil, err
	}
	common := []string{
		"--kubeconfig=" + c.AdminKubeconfig,
		"--authentication-kubeconfig=" + c.AdminKubeconfig,
		"--authorization-kubeconfig=" + c.AdminKubeconfig,
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
	}
	if err := c.startProc("kube-controller-manager", opts.Detach, nil, slices.Concat(common, []string{
		fmt.Sprintf("--secure-port=%d", c.ControllerManagerPort),
		"--service-account-private-key-file=" + c.path("sa.key"),
		"--root-ca-file=" + c.CAFile,
		// One identity (admin) for all controllers: no per-controller tokens to mint.
		"--use-service-account-credentials=false",
	})...); err != nil {
		return nil, err
	}
	if err := c.startProc("kube-scheduler", opts.Detach, nil, slices.Concat(common, []string{
		fmt.Sprintf("--secure-port=%d", c.SchedulerPort),
	})...); err != nil {
		return nil, err
	}

	// The three came up together; await them together.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	wg.Go(func() { errs[0] = c.createNode(ctx, client) })
	wg.Go(func() { errs[1] = c.awaitHealthz(ctx, "kube-controller-manager", c.ControllerManagerPort) })
	wg.Go(func() { errs[2] = c.awaitHealthz(ctx, "kube-scheduler", c.SchedulerPort) })
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := c.save(); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "testcluster: ready in %.1fs at %s (state in %s)\n", time.Since(began).Seconds(), c.Server, c.Dir)
	return c, nil
}

// awaitAPIServer waits until the apiserver's /readyz says ok.
func (c *Cluster) awaitAPIServer(ctx context.Context) error {
	client, err := c.httpClient()
	if err != nil {
		return err
	}
	defer client.CloseIdleConnections()
	return c.waitFor(ctx, "apiserver /readyz", readyDeadline, func(ctx context.Context) (bool, error) {
		body, code, err := c.do(ctx, client, http.MethodGet, "/readyz", nil)
		return err == nil && code == http.StatusOK && string(body) == "ok", nil
	})
}

// awaitHealthz waits until a component's /healthz on its secure port says ok. Its serving
// certificate is self-signed (made at start-up), so it is not verified; anonymous requests to
// /healthz are allowed by default.
func (c *Cluster) awaitHealthz(ctx context.Context, name string, port int) error {
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Timeout: 5 * time.Second, Transport: tr}
	url := fmt.Sprintf("https://127.0.0.1:%d/healthz", port)
	return c.waitFor(ctx, name+" /healthz", readyDeadline, func(ctx context.Context) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return false, nil
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return err == nil && resp.StatusCode == http.StatusOK && string(body) == "ok", nil
	})
}

func (c *Cluster) path(name string) string { return filepath.Join(c.Dir, name) }

// createNode creates the fake node and waits until kwok reports it Ready.
func (c *Cluster) createNode(ctx context.Context, client *http.Client) error {
	node := fmt.Sprintf(`{
  "apiVersion": "v1", "kind": "Node",
  "metadata": {
    "name": %q,
    "annotations": {"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
    "labels": {"kubernetes.io/hostname": %[1]q, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", "type": "kwok"}
  },
  "status": {
    "capacity": {"cpu": "32", "memory": "256Gi", "pods": "10000"},
    "allocatable": {"cpu": "32", "memory": "256Gi", "pods": "10000"}
  }
}`, c.NodeName)
	body, code, err := c.do(ctx, client, http.MethodPost, "/api/v1/nodes", []byte(node))
	if err != nil {
		return fmt.Errorf("creating node: %w", err)
	}
	if code != http.StatusCreated {
		return fmt.Errorf("creating node: HTTP %d: %s", code, body)
	}
	return c.waitFor(ctx, "node "+c.NodeName+" Ready", time.Minute, func(ctx context.Context) (bool, error) {
		body, code, err := c.do(ctx, client, http.MethodGet, "/api/v1/nodes/"+c.NodeName, nil)
		if err != nil || code != http.StatusOK {
			return false, nil
		}
		var n struct {
			Status struct {
				Conditions []struct{ Type, Status string }
			}
		}
		if err := json.Unmarshal(body, &n); err != nil {
			return false, err
		}
		for _, cond := range n.Status.Conditions {
			if cond.Type == "Ready" && cond.Status == "True" {
				return true, nil
			}
		}
		return false, nil
	})
}

// waitFor polls check until it reports done, a process dies, or the deadline passes.
func (c *Cluster) waitFor(ctx context.Context, what string, timeout time.Duration, check func(context.Context) (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if p := c.exitedProc(); p != nil {
			err := fmt.Errorf("%s exited while waiting for %s", p.name, what)
			if bytes.Contains(tail(c.path(p.name+".log"), 64<<10), []byte("address already in use")) {
				err = fmt.Errorf("%w: %w", err, errPortInUse)
			}
			return err
		}
		ok, err := check(ctx)
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", what, err)
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-tick.C:
		}
	}
}

func (c *Cluster) httpClient() (*http.Client, error) {
	caPEM, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no certificate in %s", c.CAFile)
	}
	cert, err := tls.LoadX509KeyPair(c.AdminCert, c.AdminKey)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}},
		},
	}, nil
}

// do sends one admin request to the apiserver.
func (c *Cluster) do(ctx context.Context, client *http.Client, method, path string, body []byte) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.Server+path, bytes.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.StatusCode, err
}

// Running reports whether all the cluster's processes are still alive.
func (c *Cluster) Running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped || len(c.procs) != len(procNames) {
		return false
	}
	for _, p := range c.procs {
		if !p.alive() {
			return false
		}
	}
	return true
}

// Stop kills the processes (whole process groups) and removes Dir if Start created it; for a
// Dir given to Start it removes the state file and keeps the logs. Safe to call more than once,
// and after StopAPIServer or a restart.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil
	}
	c.stopped = true
	var errs []error
	// Reverse start order: the scheduler and controller-manager, kwok, the apiserver, etcd.
	for i := len(c.procs) - 1; i >= 0; i-- {
		errs = append(errs, c.procs[i].kill())
	}
	for _, p := range c.procs {
		errs = append(errs, p.wait(10*time.Second))
	}
	if c.tempDir {
		errs = append(errs, os.RemoveAll(c.Dir))
	} else if c.Dir != "" {
		for _, p := range c.procs {
			_ = os.Remove(c.path(p.name + ".pid"))
		}
		if err := os.Remove(c.path(stateFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// save writes cluster.json and one <name>.pid per process, for Load.
func (c *Cluster) save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		if err := os.WriteFile(c.path(p.name+".pid"), fmt.Appendf(nil, "%d\n", p.pid), 0o644); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(c.path(stateFile), b, 0o600) // it holds the tokens
}

// Load returns the cluster saved in dir by a detached Start, to check or Stop it. A process
// without a pid file (a cluster from an older harness) is left out, so Running reports false.
func Load(dir string) (*Cluster, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	c := &Cluster{log: io.Discard}
	if err := json.Unmarshal(b, c); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, stateFile), err)
	}
	c.Dir = dir
	for _, name := range procNames {
		b, err := os.ReadFile(c.path(name + ".pid"))
		if errors.Is(err, os.ErrNotExist) && name != "etcd" && name != "kube-apiserver" {
			continue
		}
		if err != nil {
			return nil, err
		}
		var pid int
		if _, err := fmt.Sscan(string(b), &pid); err != nil {
			return nil, fmt.Errorf("%s.pid: %w", name, err)
		}
		c.procs = append(c.procs, &proc{name: name, path: c.Tools[name], pid: pid})
	}
	return c, nil
}

// Apply creates or updates the objects of a (multi-document) YAML or JSON manifest with
// server-side apply through the reference kubectl as admin.
func (c *Cluster) Apply(ctx context.Context, manifest string) error {
	cmd := c.KubectlCommand(ctx, "apply", "--server-side", "--force-conflicts", "-f", "-")
	cmd.Stdin = strings.NewReader(manifest)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("kubectl apply: %w: %s", err, out)
	}
	return nil
}

// KubectlCommand returns a reference kubectl command run as admin against this cluster.
func (c *Cluster) KubectlCommand(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.Kubectl, args...)
	cmd.Env = append(os.Environ(),
		"KUBECONFIG="+c.AdminKubeconfig,
		// Keep kubectl's discovery cache out of the user's home.
		"KUBECACHEDIR="+c.path("kube-cache"),
	)
	return cmd
}

// AppendLog appends one CRI-format log line to file (LogsFile, PreviousLogsFile or
// AttachFile); stream is "stdout" or "stderr".
func AppendLog(file, stream, text string) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s %s F %s\n", time.Now().UTC().Format(time.RFC3339Nano), stream, text)
	return errors.Join(err, f.Close())
}

// logTails returns the end of each process log, for error messages.
func (c *Cluster) logTails() string {
	var b strings.Builder
	for _, p := range c.procs {
		t := tail(c.path(p.name+".log"), 3000)
		if len(t) > 0 {
			fmt.Fprintf(&b, "\n--- %s log tail (%s) ---\n%s", p.name, c.path(p.name+".log"), t)
		}
	}
	return b.String()
}

// tail returns up to the last n bytes of a file.
func tail(file string, n int64) []byte {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	cut := false
	if st, err := f.Stat(); err == nil && st.Size() > n {
		_, _ = f.Seek(-n, io.SeekEnd)
		cut = true
	}
	b, _ := io.ReadAll(f)
	if i := bytes.IndexByte(b, '\n'); cut && i >= 0 {
		b = b[i+1:] // drop the partial first line
	}
	return b
}
