package main

import (
	"context"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/wait"
)

// CronTab is the custom resource: a plain Go struct that marshals to the object's JSON.
type CronTab struct {
	TypeMeta
	Metadata client.Meta   `json:"metadata"`
	Spec     CronTabSpec   `json:"spec"`
	Status   CronTabStatus `json:"status,omitzero"`
}

// TypeMeta is the object's apiVersion and kind, which a create must carry.
type TypeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// CronTabSpec is what the user asks for.
type CronTabSpec struct {
	Schedule string `json:"schedule"`
	Image    string `json:"image"`
}

// CronTabStatus is what the controller reports, through the status subresource.
type CronTabStatus struct {
	LastRun string `json:"lastRun,omitempty"`
	Runs    int    `json:"runs,omitempty"`
}

var crontabType = TypeMeta{APIVersion: "stable.example.com/v1", Kind: "CronTab"}

// crontabResource is where the API server serves CronTabs: the CRD below says so, so the client needs no
// discovery (which may lag a moment behind a CRD just established).
var crontabResource = discovery.Resource{Group: "stable.example.com", Version: "v1", Name: "crontabs",
	Kind: "CronTab", Namespaced: true}

const crdManifest = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, listKind: CronTabList}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties: {schedule: {type: string}, image: {type: string}}
          status:
            type: object
            properties: {lastRun: {type: string}, runs: {type: integer}}
`

// applyCRD server-side applies the CronTab CRD and waits until it is Established.
func applyCRD(ctx context.Context, c *client.Client) error {
	var crd client.Object
	if err := yaml.Unmarshal([]byte(crdManifest), &crd); err != nil {
		return err
	}
	crds := client.NewAPI[client.Object](c, "") // its resource found from the object's apiVersion and kind
	if _, err := crds.Apply(ctx, &crd, client.PatchOptions{FieldManager: "kubex-example"}); err != nil {
		return err
	}
	r, err := crds.Resource(ctx)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return wait.One(ctx, c, client.Ref{Type: r.Type, Name: crd.Name()}, wait.HasCondition("Established", "True"))
}
