// Package cp is `kubex cp`: files and directories to and from a container, through tar in the container
// run over exec, the archive streamed (never stored) and checked entry by entry on the way in.
package cp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	kexec "github.com/kubex-cli/kubex/pkg/exec"
)

// destinationCheckTimeout bounds the `test -d` that decides whether an upload goes into the
// destination or becomes it, as kubectl's.
const destinationCheckTimeout = 30 * time.Second

// CopyOptions are `kubex cp`'s flags and what Complete derives from them.
type CopyOptions struct {
	Container  string
	NoPreserve bool
	Retries    int

	Src, Dst  fileSpec
	namespace string

	streams  *iostreams.IOStreams
	client   func() (*client.Client, error)
	resolved func() (ns string, err error)
}

// NewCmdCp builds `kubex cp`.
func NewCmdCp(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &CopyOptions{
		streams:  streams,
		client:   f.Client,
		resolved: f.Namespace,
	}
	cmd := &cobra.Command{
		Use:                   "cp <file-spec-src> <file-spec-dest>",
		DisableFlagsInUseLine: true,
		ValidArgsFunction:     cmdutil.CompletePodPaths(f),
		Short:                 "Copy files and directories to and from containers",
		Long: `Copy files and directories to and from containers.

Requires the 'tar' binary in the container image. Archive entries that would be written outside the
destination (absolute paths, "..", links leading outside it, anything written through a link) are
refused with a warning each, and the copy then fails.`,
		Example: `  # Copy /tmp/foo_dir local directory to /tmp/bar_dir in a remote pod in the default namespace
  kubex cp /tmp/foo_dir <some-pod>:/tmp/bar_dir

  # Copy /tmp/foo local file to /tmp/bar in a remote pod in a specific container
  kubex cp /tmp/foo <some-pod>:/tmp/bar -c <specific-container>

  # Copy /tmp/foo local file to /tmp/bar in a remote pod in namespace <some-namespace>
  kubex cp /tmp/foo <some-namespace>/<some-pod>:/tmp/bar

  # Copy /tmp/foo from a remote pod to /tmp/bar locally
  kubex cp <some-namespace>/<some-pod>:/tmp/foo /tmp/bar`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.Container, "container", "c", "", "Container name. If omitted, use the kubectl.kubernetes.io/default-container annotation for selecting the container to be attached or the first container in the pod will be chosen")
	fs.BoolVar(&o.NoPreserve, "no-preserve", false, "The copied file/directory's ownership and permissions will not be preserved in the container")
	fs.IntVar(&o.Retries, "retries", 0, "Set number of retries to complete a copy operation from a container. Specify 0 to disable or any negative value for infinite retrying. The default is 0 (no retry).")
	return cmd
}

// Complete reads the two file specifications and the namespace.
func (o *CopyOptions) Complete(args []string) error {
	if len(args) != 2 {
		return errors.New("source and destination are required")
	}
	var err error
	if o.Src, err = parseFileSpec(args[0]); err != nil {
		return err
	}
	if o.Dst, err = parseFileSpec(args[1]); err != nil {
		return err
	}
	if o.Src.remote() || o.Dst.remote() {
		if o.namespace, err = o.resolved(); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks that exactly one side is in a pod and that neither path is empty.
func (o *CopyOptions) Validate() error {
	switch {
	case o.Src.remote() && o.Dst.remote():
		return errors.New("one of src or dest must be a local file specification")
	case o.Src.Path == "" || o.Dst.Path == "":
		return errors.New("filepath can not be empty")
	case !o.Src.remote() && !o.Dst.remote():
		return errors.New("one of src or dest must be a remote file specification")
	}
	return nil
}

// Run copies.
func (o *CopyOptions) Run(ctx context.Context) error {
	if o.Src.remote() {
		return o.download(ctx)
	}
	return o.upload(ctx)
}

// container is a pod's container to run tar in.
type container struct {
	pods *client.Resource // the pods of the pod's namespace
	pod  string
	name string
}

// container finds the pod of spec and its container, with kubectl's note when it defaulted one.
func (o *CopyOptions) container(ctx context.Context, spec fileSpec) (*container, error) {
	c, err := o.client()
	if err != nil {
		return nil, err
	}
	ns := spec.Namespace
	if ns == "" {
		ns = o.namespace
	}
	pods := c.Pods(ns)
	pod, err := pods.GetPod(ctx, spec.Pod)
	if err != nil {
		return nil, err
	}
	if pod.Completed() {
		return nil, fmt.Errorf("cannot exec into a container in a completed pod; current phase is %s", pod.Status.Phase)
	}
	ctr, err := cmdutil.PodContainer(pod, o.Container, o.streams.ErrOut)
	if err != nil {
		return nil, err
	}
	return &container{pods: pods, pod: pod.Metadata.Name, name: ctr.Name}, nil
}

// run runs command in the container with the streams of s (stdin only if s.Stdin is set), through the
// same exec as `kubex exec`.
func (c *container) run(ctx context.Context, command []string, s kexec.Options) error {
	s.Command, s.Container = command, c.name
	p, err := c.pods.Exec(ctx, c.pod, s)
	if err != nil {
		return err
	}
	return p.Wait()
}

// remoteFailure is the remote tar's failure, in a sentence that says what was being done; its exit
// code is not kubex's (cp fails with 1).
func remoteFailure(what string, err error) error {
	var ee *kexec.ExitError
	if errors.As(err, &ee) {
		return fmt.Errorf("%s: tar in the container failed: %s", what, ee.Error())
	}
	return fmt.Errorf("%s: %w", what, err)
}

// download runs `tar cf - PATH` in the container and extracts its output into the local destination.
func (o *CopyOptions) download(ctx context.Context) error {
	ctr, err := o.container(ctx, o.Src)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r := &resumingReader{ctx: ctx, run: ctr.run, remote: o.Src.Path, stderr: o.streams.ErrOut, retries: o.Retries, total: o.Retries}
	defer r.Close()
	x := &extractor{dest: filepath.Clean(o.Dst.Path), prefix: archivePrefix(o.Src.Path), preserve: !o.NoPreserve, warn: o.streams.ErrOut}
	what := fmt.Sprintf("copying %s from pod %s", o.Src.Path, o.Src.Pod)
	if err := x.extract(r); err != nil {
		return remoteFailure(what, err)
	}
	// The end-of-archive blocks came; the rest (padding) and the command's outcome are still to come.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return remoteFailure(what, err)
	}
	if x.refused > 0 {
		return fmt.Errorf("%s: refused %d archive entries that would have been written outside %s", what, x.refused, o.Dst.Path)
	}
	return nil
}

// upload streams a tar archive of the local source to `tar -xmf -` in the container.
func (o *CopyOptions) upload(ctx context.Context) error {
	src := o.Src.Path
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("%s doesn't exist in local filesystem", src)
	}
	if lfi, err := os.Lstat(src); err == nil && lfi.Mode()&os.ModeSymlink != 0 {
		// The source given is what is wanted, not a link to it.
		if src, err = filepath.EvalSymlinks(src); err != nil {
			return err
		}
	}
	ctr, err := o.container(ctx, o.Dst)
	if err != nil {
		return err
	}
	dest := path.Clean(o.Dst.Path)
	isDir, err := o.remoteIsDir(ctx, ctr, dest)
	if err != nil {
		return err
	}
	if isDir {
		dest = path.Join(dest, filepath.Base(filepath.Clean(o.Src.Path)))
	}

	command := []string{"tar", "-xmf", "-"}
	if o.NoPreserve {
		command = []string{"tar", "--no-same-permissions", "--no-same-owner", "-xmf", "-"}
	}
	command = append(command, "-C", path.Dir(dest))

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	archived := make(chan error, 1)
	go func() {
		err := writeArchive(pw, src, path.Base(dest), o.streams.ErrOut)
		pw.CloseWithError(err) // nil: end of stdin, sent as the v5 close message
		if err != nil {
			cancel() // the remote tar would wait for the rest
		}
		archived <- err
	}()
	err = ctr.run(ctx, command, kexec.Options{Stdin: pr, Stdout: o.streams.Out, Stderr: o.streams.ErrOut})
	pr.CloseWithError(errCopyEnded) // unblocks the archive writer if tar stopped reading
	if aerr := <-archived; aerr != nil && !errors.Is(aerr, errCopyEnded) {
		return fmt.Errorf("archiving %s: %w", o.Src.Path, aerr)
	}
	if err != nil {
		return remoteFailure(fmt.Sprintf("copying %s to pod %s", o.Src.Path, o.Dst.Pod), err)
	}
	return nil
}

// errCopyEnded is what the archive writer meets when the remote tar ended first: its outcome is then
// the copy's (an error, or success once it had read the end of the archive).
var errCopyEnded = errors.New("the copy ended")

// remoteIsDir runs `test -d` as kubectl does: any failure of the command means "not a directory"; a
// connection that could not be made or a deadline that passed is an error.
func (o *CopyOptions) remoteIsDir(ctx context.Context, ctr *container, p string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, destinationCheckTimeout)
	defer cancel()
	err := ctr.run(ctx, []string{"test", "-d", p}, kexec.Options{Stdout: io.Discard, Stderr: io.Discard})
	if err == nil {
		return true, nil
	}
	var lost *kexec.LostError
	if ctx.Err() != nil || errors.As(err, &lost) {
		return false, fmt.Errorf("checking whether %s is a directory in pod %s: %w", p, o.Dst.Pod, err)
	}
	return false, nil
}
