package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// describe2Manifest has one object of each kind with a describer of its own besides those of
// TestDescribe; NS is the test's namespace, also the prefix of the cluster-scoped names.
const describe2Manifest = `
apiVersion: batch/v1
kind: Job
metadata: {name: once, labels: {team: a}, annotations: {note: hello}}
spec:
  completions: 3
  parallelism: 2
  backoffLimit: 2
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 100
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [sh, -c, "true"], env: [{name: A, value: b}]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: indexed}
spec:
  completions: 2
  completionMode: Indexed
  suspend: true
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 1 * * *"
  startingDeadlineSeconds: 30
  jobTemplate:
    spec:
      parallelism: 1
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  replicas: 1
  serviceName: db
  selector: {matchLabels: {app: db}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 0}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: c, image: postgres, ports: [{containerPort: 5432}], volumeMounts: [{name: data, mountPath: /data}]}]
  volumeClaimTemplates:
  - metadata: {name: data, labels: {x: z}}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      tolerations: [{operator: Exists}]
      containers: [{name: c, image: agent, resources: {limits: {cpu: 100m, memory: 64Mi}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: manual}
subsets:
- addresses: [{ip: 10.0.0.1}, {ip: 10.0.0.2}]
  notReadyAddresses: [{ip: 10.0.0.3}]
  ports: [{name: http, port: 8080, protocol: TCP}, {name: metrics, port: 9090, protocol: UDP}]
- addresses: [{ip: 10.0.1.1}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: site, annotations: {a: b}}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
  tls: [{hosts: [a.example.com], secretName: cert}, {hosts: [b.example.com]}]
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: missing, port: {number: 8080}}}}
  - http:
      paths:
      - {path: /static, pathType: Exact, backend: {resource: {apiGroup: k8s.example.com, kind: Bucket, name: static}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: bare}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader}
rules:
- {apiGroups: [""], resources: [pods, services], verbs: [get, list]}
- {apiGroups: [""], resources: [pods], verbs: [watch]}
- {apiGroups: [apps], resources: [deployments/scale], verbs: [update], resourceNames: [web, api]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects:
- {kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: default, namespace: NS}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: NS-cr, labels: {l: v}}
rules:
- {nonResourceURLs: [/healthz, /version], verbs: [get]}
- {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: NS-crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: NS-cr}
subjects: [{kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: NS-pv1}
spec:
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteMany, ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: manual
  hostPath: {path: /tmp/pv1}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: NS-pv2}
spec:
  capacity: {storage: 500Mi}
  accessModes: [ReadOnlyMany]
  csi: {driver: csi.example.com, volumeHandle: h1, fsType: ext4, volumeAttributes: {b: "2", a: "1"}}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: zone, operator: In, values: [z1, z2]}, {key: gpu, operator: Exists}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: manual
  volumeMode: Filesystem
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  containers: [{name: c, image: busybox}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: claim}}]
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: NS-sc, annotations: {storageclass.kubernetes.io/is-default-class: "false", x: z}}
provisioner: example.com/none
parameters: {type: fast, zone: a}
mountOptions: [ro, noatime]
reclaimPolicy: Retain
volumeBindingMode: WaitForFirstConsumer
allowVolumeExpansion: true
allowedTopologies:
- matchLabelExpressions: [{key: zone, values: [z1, z2]}]
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: NS-pc}
value: 1000
description: important things
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb}
spec:
  minAvailable: 50%
  selector: {matchLabels: {app: db}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb2}
spec:
  maxUnavailable: 1
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - {type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}}
  - {type: Resource, resource: {name: memory, target: {type: AverageValue, averageValue: 500Mi}}}
  - {type: Pods, pods: {metric: {name: qps}, target: {type: AverageValue, averageValue: "1k"}}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
      policies: [{type: Pods, value: 1, periodSeconds: 30}]
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: hpa1}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 3
  targetCPUUtilizationPercentage: 70
`

// TestDescribeMore compares the describers of jobs, cron jobs, stateful and daemon sets, endpoints,
// ingresses, RBAC, volumes and claims, storage and priority classes, disruption budgets and
// autoscalers with kubectl's.
func TestDescribeMore(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	file := filepath.Join(t.TempDir(), "objects.yaml")
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(describe2Manifest, "NS", ns)), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectlOK(t, nil, "apply", "-n", ns, "-f", file)
	cleanupKubectl(t, "delete", "-f", file, "-n", ns, "--wait=false", "--ignore-not-found")
	// Objects settle first (the stateful set's pod stays pending: its claim has no provisioner).
	kubectlOK(t, nil, "wait", "--for=condition=Complete", "job/once", "-n", ns, "--timeout=60s")
	kubectlOK(t, nil, "rollout", "status", "daemonset/agent", "-n", ns, "--timeout=60s")
	for _, args := range [][]string{
		{"job", "once"}, {"jobs"}, {"cronjob", "nightly"}, {"statefulset", "db"}, {"daemonset", "agent"},
		{"endpoints", "manual"}, {"ingress"}, {"role", "reader"}, {"rolebinding", "reader"},
		{"clusterrole", ns + "-cr"}, {"clusterrolebinding", ns + "-crb"}, {"clusterrole", "system:basic-user"},
		{"pv", ns + "-pv1"}, {"pv", ns + "-pv2"}, {"pvc"}, {"storageclass", ns + "-sc"}, {"priorityclass", ns + "-pc"},
		{"priorityclass", "system-node-critical"}, {"pdb"}, {"hpa"}, {"hpa.v1.autoscaling", "hpa1"},
		{"-f", file},
	} {
		sameMaskedAsKubectl(t, append(append([]string{"describe"}, args...), "-n", ns)...)
	}
}

// TestEventsMore compares events' --for errors and its -o formats besides json and yaml with kubectl's.
func TestEventsMore(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kubectlOK(t, nil, "create", "deployment", "web", "--image=nginx", "-n", ns)
	kubectlOK(t, nil, "wait", "--for=condition=Available", "deploy/web", "-n", ns, "--timeout=60s")
	for _, args := range [][]string{
		{"--for", "nosuchtype/x"}, {"--for", "nosuchtype.apps/x"}, {"--for", "pods.v9/x"}, {"--for", "/x"},
		{"--for", "nosuchtype/x", "-o", "foo"}, {"-o", "name"}, {"--for", "pod/nope", "-o", "name"},
		{"--for", "deploy/web", "-o", "jsonpath={.items[*].reason}"}, {"--for", "deploy/web", "-o", "jsonpath-as-json={.items[0].reason}"},
		{"--for", "deploy/web", "-o", "go-template={{range .items}}{{.reason}}{{end}}"},
		{"--for", "deploy/web", "-o", "template", "--template={{len .items}}"},
		{"--for", "deploy/web", "-o", "jsonpath={.items[0].metadata.managedFields[0].manager}"},
		{"--for", "deploy/web", "-o", "json", "--show-managed-fields"},
		{"-o", "jsonpath={.nope}", "--allow-missing-template-keys=false"}, {"-o", "custom-columns=R:.reason"},
		{"-o", "go-template-file=/nonexistent"}, {"-o", "jsonpath"},
	} {
		sameMaskedAsKubectl(t, append(append([]string{"events"}, args...), "-n", ns)...)
	}
	r := runKubex(t, nil, "events", "-n", ns, "--for", "deploy/web", "--watch", "--request-timeout=2s", "-o", "name")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "event/web.") {
		t.Errorf("events --watch -o name: %s", r)
	}
}
