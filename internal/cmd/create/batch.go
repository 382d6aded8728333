package create

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
)

func init() {
	extraGenerators = append(extraGenerators, newCmdJob, newCmdCronJob)
}

type container struct {
	Name      string          `json:"name"`
	Image     string          `json:"image,omitempty"`
	Command   []string        `json:"command,omitempty"`
	Ports     []containerPort `json:"ports,omitempty"`
	Resources struct{}        `json:"resources"`
}

type containerPort struct {
	ContainerPort int32 `json:"containerPort"`
}

type podTemplate struct {
	Metadata meta `json:"metadata"`
	Spec     struct {
		Containers    []container `json:"containers"`
		RestartPolicy string      `json:"restartPolicy,omitempty"`
	} `json:"spec"`
}

type jobSpec struct {
	Template podTemplate `json:"template"`
}

type jobObj struct {
	base
	Spec   any      `json:"spec"`
	Status struct{} `json:"status"`
}

func newJobSpec(name, image, restart string, command []string) jobSpec {
	var s jobSpec
	s.Template.Spec.Containers = []container{{Name: name, Image: image, Command: command}}
	s.Template.Spec.RestartPolicy = restart
	return s
}

func newCmdJob(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var image, from string
	cmd := newGenerator(&o, genSpec{
		use:   "job NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...]",
		short: "Create a job with the specified name",
		long:  "Create a job with the specified name.",
		example: `  # Create a job
  kubex create job my-job --image=busybox

  # Create a job with a command
  kubex create job my-job --image=busybox -- date

  # Create a job from a cron job named "a-cronjob"
  kubex create job test-job --from=cronjob/a-cronjob`,
		build: func(ctx context.Context, name string, command []string) (generated, error) {
			if (image == "") == (from == "") {
				return nil, errors.New("either --image or --from must be specified")
			}
			if len(command) != 0 && from != "" {
				return nil, errors.New("cannot specify --from and command")
			}
			if image != "" {
				return &jobObj{base: newBase("batch/v1", "Job", name, o.enforced()), Spec: newJobSpec(name, image, "Never", command)}, nil
			}
			return o.jobFromCronJob(ctx, name, from)
		},
		wrap: wrapf("failed to create job: "),
	})
	cmd.Flags().StringVar(&image, "image", "", "Image name to run.")
	cmd.Flags().StringVar(&from, "from", "", "The name of the resource to create a Job from (only cronjob is supported).")
	return cmd
}

// jobFromCronJob is a Job made from a CronJob's jobTemplate, owned by the CronJob, as kubectl makes it.
func (o *common) jobFromCronJob(ctx context.Context, name, from string) (generated, error) {
	typed, cjName, ok := strings.Cut(from, "/")
	if !ok || cjName == "" {
		return nil, fmt.Errorf("from must be an existing cronjob")
	}
	c, err := o.f.Client()
	if err != nil {
		return nil, err
	}
	r, err := c.ResourceFor(ctx, typed, o.namespace)
	if err != nil {
		return nil, err
	}
	raw, err := r.Get(ctx, cjName, client.GetOptions{})
	if err != nil {
		return nil, err
	}
	if r.Type.Kind != "CronJob" {
		return nil, fmt.Errorf("unknown object type *%s.%s", r.Type.Version, r.Type.Kind)
	}
	var cj struct {
		Metadata struct {
			Name string `json:"name"`
			UID  string `json:"uid"`
		} `json:"metadata"`
		Spec struct {
			JobTemplate struct {
				Metadata struct {
					Labels      map[string]string `json:"labels"`
					Annotations map[string]string `json:"annotations"`
				} `json:"metadata"`
				Spec json.RawMessage `json:"spec"`
			} `json:"jobTemplate"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(raw, &cj); err != nil {
		return nil, err
	}
	annotations := map[string]string{"cronjob.kubernetes.io/instantiate": "manual"}
	for k, v := range cj.Spec.JobTemplate.Metadata.Annotations {
		annotations[k] = v
	}
	controller := true
	job := &jobObj{base: newBase("batch/v1", "Job", name, o.enforced()), Spec: cj.Spec.JobTemplate.Spec}
	if job.Spec == nil || len(cj.Spec.JobTemplate.Spec) == 0 {
		job.Spec = json.RawMessage(`{"template":{"metadata":{},"spec":{"containers":null}}}`)
	}
	job.Metadata.Labels = cj.Spec.JobTemplate.Metadata.Labels
	job.Metadata.Annotations = annotations
	job.Metadata.OwnerRefs = []ownerRef{{APIVersion: "batch/v1", Kind: "CronJob", Name: cj.Metadata.Name, UID: cj.Metadata.UID, Controller: &controller}}
	return job, nil
}

type cronJobObj struct {
	base
	Spec struct {
		Schedule    string `json:"schedule"`
		JobTemplate struct {
			Metadata meta    `json:"metadata"`
			Spec     jobSpec `json:"spec"`
		} `json:"jobTemplate"`
	} `json:"spec"`
	Status struct{} `json:"status"`
}

func newCmdCronJob(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var image, schedule, restart string
	cmd := newGenerator(&o, genSpec{
		use:     "cronjob NAME --image=image --schedule='0/5 * * * ?' -- [COMMAND] [args...]",
		aliases: []string{"cj"},
		short:   "Create a cron job with the specified name",
		long:    "Create a cron job with the specified name.",
		example: `  # Create a cron job
  kubex create cronjob my-job --image=busybox --schedule="*/1 * * * *"

  # Create a cron job with a command
  kubex create cronjob my-job --image=busybox --schedule="*/1 * * * *" -- date`,
		build: func(_ context.Context, name string, command []string) (generated, error) {
			if restart == "" {
				restart = "OnFailure"
			}
			cj := &cronJobObj{base: newBase("batch/v1", "CronJob", name, o.enforced())}
			cj.Spec.Schedule = schedule
			cj.Spec.JobTemplate.Metadata = meta{Name: name}
			cj.Spec.JobTemplate.Spec = newJobSpec(name, image, restart, command)
			return cj, nil
		},
		wrap: wrapf("failed to create cronjob: "),
	})
	fs := cmd.Flags()
	fs.StringVar(&image, "image", "", "Image name to run.")
	_ = cmd.MarkFlagRequired("image")
	fs.StringVar(&schedule, "schedule", "", "A schedule in the Cron format the job should be run with.")
	_ = cmd.MarkFlagRequired("schedule")
	fs.StringVar(&restart, "restart", "", "job's restart policy. supported values: OnFailure, Never")
	return cmd
}
