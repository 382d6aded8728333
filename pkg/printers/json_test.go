package printers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestJSONGolden(t *testing.T) {
	runCases(t, []printCase{
		{name: "json-single", format: "json", opts: single, objects: []string{"pod"}},
		{name: "json-single-managed", format: "json", opts: ObjectOptions{Single: true, ShowManagedFields: true}, objects: []string{"deployment"}},
		{name: "json-list", format: "json", opts: allowed, objects: listOfThree},
		{name: "json-list-one", format: "json", opts: allowed, objects: []string{"widget"}},
		{name: "json-list-empty", format: "json", opts: allowed},
		{name: "json-stream", format: "json", opts: stream, objects: listOfThree, differs: true},
	})
}

// unstructuredValue decodes JSON the way kubectl's unstructured scheme does (integers without '.' that fit
// int64 stay int64, other numbers float64), for building kubectl's output with encoding/json itself.
func unstructuredValue(t testing.TB, o Object, dropManaged bool) map[string]interface{} {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(o.Raw))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	var conv func(v interface{}) interface{}
	conv = func(v interface{}) interface{} {
		switch v := v.(type) {
		case map[string]interface{}:
			for k, e := range v {
				v[k] = conv(e)
			}
		case []interface{}:
			for i, e := range v {
				v[i] = conv(e)
			}
		case json.Number:
			if !strings.Contains(string(v), ".") {
				if i, err := v.Int64(); err == nil {
					return i
				}
			}
			f, err := v.Float64()
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		return v
	}
	m := conv(v).(map[string]interface{})
	av, _ := m["apiVersion"].(string)
	k, _ := m["kind"].(string)
	if av == "" && k == "" && (o.APIVersion != "" || o.Kind != "") {
		m["apiVersion"], m["kind"] = o.APIVersion, o.Kind
	}
	if md, ok := m["metadata"].(map[string]interface{}); ok && dropManaged {
		delete(md, "managedFields")
	}
	return m
}

// kubectlList is kubectl's List as a map.
func kubectlList(t testing.TB, objs []Object, dropManaged bool) map[string]interface{} {
	items := []interface{}{}
	for _, o := range objs {
		items = append(items, unstructuredValue(t, o, dropManaged))
	}
	return listValue(items)
}

// TestJSONMatchesEncodingJSON checks the reformatter against kubectl's route by construction: decode into
// maps and json.MarshalIndent.
func TestJSONMatchesEncodingJSON(t *testing.T) {
	extra := map[string]string{
		"escapes":   `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"\u0000\u001f\b\f\n\r\t\"\\\/","b":"\ud800 lone \udc00 and \ud83d\ude00 pair","c":"\u2028\u2029\u003c\u003E&","d":"\u00E9\u00e9","e":"x\u007fy","\u003ckey\u003e":"k"}}`,
		"badutf8":   "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"data\":{\"a\":\"\xff\xfe ok \xc3\",\"k\xff\":1}}",
		"numbers":   `{"apiVersion":"v1","kind":"X","n":[0,-0,1,-1,1.0,1.5,-2.50,1e3,1E+3,1e-7,0.000001,1e21,1e20,123456789012345678,9223372036854775807,9223372036854775808,-9223372036854775808,-9223372036854775809,1.7976931348623157e308,5e-324]}`,
		"nesting":   `{"kind":"X","apiVersion":"v1","a":{"b":{"c":[{"d":[[[]]]},{}]}},"e":[null,true,false]}`,
		"spaces":    " \n\t{ \"kind\" : \"X\" , \"apiVersion\":\"v1\",\r\n \"a\" : [ 1 , { } , [ ] ] } \n",
		"dupes":     `{"kind":"X","apiVersion":"v1","b":1,"a":1,"b":2,"metadata":{"name":"a","name":"b"}}`,
		"typed":     `{"metadata":{"name":"p","managedFields":[{"manager":"m"}]},"spec":{}}`,
		"emptykind": `{"apiVersion":"","kind":"","metadata":{"name":"p"}}`,
		"onlyMF":    `{"apiVersion":"v1","kind":"X","metadata":{"managedFields":[]}}`,
	}
	var objs []Object
	for _, name := range listOfThree {
		objs = append(objs, fixture(t, name))
	}
	for name, raw := range extra {
		objs = append(objs, Object{Raw: []byte(raw), APIVersion: "v1", Kind: "Pod"})
		_ = name
	}
	for _, managed := range []bool{false, true} {
		// the List, streamed
		var got bytes.Buffer
		p := NewJSON(&got, ObjectOptions{ShowManagedFields: managed})
		for _, o := range objs {
			if err := p.PrintObject(o); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		want, err := json.MarshalIndent(kubectlList(t, objs, !managed), "", "    ")
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want)+"\n" {
			t.Errorf("managed=%v: List differs from encoding/json:\n%s", managed, diffLines(got.String(), string(want)+"\n"))
		}
		// each object, single and compact
		for _, o := range objs {
			m := unstructuredValue(t, o, !managed)
			want, _ := json.MarshalIndent(m, "", "    ")
			got.Reset()
			p := NewJSON(&got, ObjectOptions{Single: true, ShowManagedFields: managed})
			if err := p.PrintObject(o); err != nil {
				t.Fatal(err)
			}
			if got.String() != string(want)+"\n" {
				t.Errorf("single %.40s: differs:\n%s", o.Raw, diffLines(got.String(), string(want)+"\n"))
			}
			compact, _ := json.Marshal(m)
			norm, err := NormalizeJSON(nil, o, managed)
			if err != nil || string(norm) != string(compact) {
				t.Errorf("NormalizeJSON %.40s:\n got %s\nwant %s (%v)", o.Raw, norm, compact, err)
			}
		}
	}
}

func TestJSONErrors(t *testing.T) {
	for name, raw := range map[string]string{
		"not an object": `[1,2]`,
		"truncated":     `{"a":`,
		"trailing":      `{} {}`,
		"bad escape":    `{"a":"\q"}`,
		"bad number":    `{"a":01}`,
		"overflow":      `{"a":1e400}`,
		"control":       "{\"a\":\"\x01\"}",
		"bad literal":   `{"a":tru}`,
		"empty":         ``,
		"deep":          strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	} {
		t.Run(name, func(t *testing.T) {
			p := NewJSON(io.Discard, single)
			if err := p.PrintObject(Object{Raw: []byte(raw)}); err == nil {
				t.Errorf("no error for %.40q", raw)
			}
		})
	}
}

func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got %q\nwant %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}

// benchPods generates a list of realistic pods of about 5 KB each: managedFields, labels, annotations
// holding escaped JSON, status conditions.
func benchPods(n int) []Object {
	objs := make([]Object, n)
	for i := range objs {
		name := fmt.Sprintf("app-%04d-7d9c8b6f5-x%03d", i, i%1000)
		raw := fmt.Sprintf(`{"metadata":{"name":%q,"generateName":"app-7d9c8b6f5-","namespace":"ns-%d","uid":"6f1c2a34-8f7e-4b1e-9a55-%012d","resourceVersion":"%d","creationTimestamp":"2025-01-02T03:04:05Z","labels":{"app":"app-%d","pod-template-hash":"7d9c8b6f5","tier":"backend","app.kubernetes.io/name":"app","app.kubernetes.io/instance":"app-%d"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"app\"},\"name\":\"app\",\"namespace\":\"default\"},\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"app\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"app\"}},\"spec\":{\"containers\":[{\"image\":\"nginx:1.27\",\"name\":\"web\"}]}}}}\n","prometheus.io/scrape":"true","prometheus.io/port":"9090"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"app-7d9c8b6f5","uid":"0a1b2c3d-0000-4000-8000-%012d","controller":true,"blockOwnerDeletion":true}],"managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","time":"2025-01-02T03:04:05Z","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:generateName":{},"f:labels":{".":{},"f:app":{},"f:pod-template-hash":{},"f:tier":{}},"f:ownerReferences":{".":{},"k:{\"uid\":\"0a1b2c3d-0000-4000-8000-000000000001\"}":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{".":{},"f:limits":{".":{},"f:cpu":{},"f:memory":{}},"f:requests":{".":{},"f:cpu":{},"f:memory":{}}}}},"f:dnsPolicy":{},"f:enableServiceLinks":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}},{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2025-01-02T03:04:10Z","fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"ContainersReady\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Initialized\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Ready\"}":{".":{},"f:lastProbeTime":{},"f:lastTransitionTime":{},"f:status":{},"f:type":{}}},"f:containerStatuses":{},"f:hostIP":{},"f:phase":{},"f:podIP":{},"f:podIPs":{".":{},"k:{\"ip\":\"10.244.1.%d\"}":{".":{},"f:ip":{}}},"f:startTime":{}}},"subresource":"status"}]},"spec":{"volumes":[{"name":"kube-api-access-%05d","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}}],"containers":[{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}],"env":[{"name":"POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}},{"name":"LOG_LEVEL","value":"info"}],"resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"250m","memory":"64Mi"}},"volumeMounts":[{"name":"kube-api-access-%05d","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}],"livenessProbe":{"httpGet":{"path":"/healthz","port":80,"scheme":"HTTP"},"initialDelaySeconds":3,"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"node-%d","securityContext":{},"schedulerName":"default-scheduler","tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"},"status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-02T03:04:05Z"},{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-02T03:04:10Z"},{"type":"ContainersReady","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-02T03:04:10Z"},{"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2025-01-02T03:04:05Z"}],"hostIP":"10.0.0.%d","podIP":"10.244.1.%d","podIPs":[{"ip":"10.244.1.%d"}],"startTime":"2025-01-02T03:04:05Z","containerStatuses":[{"name":"web","state":{"running":{"startedAt":"2025-01-02T03:04:08Z"}},"lastState":{},"ready":true,"restartCount":%d,"image":"docker.io/library/nginx:1.27","imageID":"docker.io/library/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","containerID":"containerd://%064d","started":true}],"qosClass":"Burstable"}}`,
			name, i%20, i, 100000+i, i, i, i, i%250, i, i, i%10, i%250, i%250, i%250, i%5, i)
		objs[i] = Object{Raw: []byte(raw), APIVersion: "v1", Kind: "Pod"}
	}
	return objs
}

func benchBytes(objs []Object) int64 {
	var n int64
	for _, o := range objs {
		n += int64(len(o.Raw))
	}
	return n
}

// BenchmarkJSONList is `get pods -A -o json` of 3000 pods through the streaming reformatter.
func BenchmarkJSONList(b *testing.B) {
	objs := benchPods(3000)
	b.SetBytes(benchBytes(objs))
	b.ReportAllocs()
	for b.Loop() {
		p := NewJSON(io.Discard, ObjectOptions{})
		for _, o := range objs {
			if err := p.PrintObject(o); err != nil {
				b.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONListMaps is the same through kubectl's route: every item decoded into maps, the List
// built, json.MarshalIndent of the whole.
func BenchmarkJSONListMaps(b *testing.B) {
	objs := benchPods(3000)
	b.SetBytes(benchBytes(objs))
	b.ReportAllocs()
	for b.Loop() {
		out, err := json.MarshalIndent(kubectlList(b, objs, true), "", "    ")
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Discard.Write(out)
	}
}

func TestBenchPodsMatch(t *testing.T) {
	objs := benchPods(20)
	if n := len(objs[0].Raw); n < 4500 || n > 6000 {
		t.Errorf("a generated pod is %d bytes, want about 5 KB", n)
	}
	var got bytes.Buffer
	p := NewJSON(&got, ObjectOptions{})
	for _, o := range objs {
		if err := p.PrintObject(o); err != nil {
			t.Fatal(err)
		}
	}
	_ = p.Close()
	want, _ := json.MarshalIndent(kubectlList(t, objs, true), "", "    ")
	if got.String() != string(want)+"\n" {
		t.Error(diffLines(got.String(), string(want)+"\n"))
	}
}
