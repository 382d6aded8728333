package client

import (
	"encoding/json"
	"testing"
)

func TestSelectorString(t *testing.T) {
	cases := []struct {
		kind, raw, want string
	}{
		{"Deployment", `{"matchLabels":{"b":"2","a":"1"}}`, "a=1,b=2"},
		{"StatefulSet", `{"matchLabels":{"a":"1"},"matchExpressions":[{"key":"t","operator":"In","values":["y","x"]},{"key":"e","operator":"Exists"},{"key":"n","operator":"DoesNotExist"},{"key":"o","operator":"NotIn","values":["z"]}]}`, "a=1,t in (x,y),e,!n,o notin (z)"},
		{"Service", `{"app":"web"}`, "app=web"},
	}
	for _, c := range cases {
		got, err := selectorString(c.kind, json.RawMessage(c.raw))
		if err != nil || got != c.want {
			t.Errorf("%s %s: %q, %v; want %q", c.kind, c.raw, got, err, c.want)
		}
	}
	if _, err := selectorString("ConfigMap", nil); err == nil {
		t.Error("a ConfigMap has no selector")
	}
	if _, err := selectorString("Service", json.RawMessage(`{}`)); err == nil {
		t.Error("an empty service selector must fail")
	}
}

func TestDefaultContainer(t *testing.T) {
	var p Pod
	p.Metadata.Name = "p"
	p.Spec.Containers = []Container{{Name: "a"}, {Name: "b"}}
	p.Spec.InitContainers = []Container{{Name: "i"}}
	c, others, err := p.Container("")
	if err != nil || c.Name != "a" || !others || p.AllContainerNames() != "a, b, i (init)" {
		t.Errorf("%v %v %v %q", c, others, err, p.AllContainerNames())
	}
	p.Metadata.Annotations = map[string]string{DefaultContainerAnnotation: "b"}
	if c, others, _ := p.Container(""); c.Name != "b" || others {
		t.Errorf("annotation: %v %v", c, others)
	}
	if c, others, _ := p.Container("i"); c.Name != "i" || others {
		t.Errorf("by name: %v %v", c, others)
	}
	if _, _, err := p.Container("nope"); err == nil || err.Error() != "container nope not found in pod p" {
		t.Errorf("%v", err)
	}
	var single Pod
	single.Spec.Containers = []Container{{Name: "only"}}
	if c, others, _ := single.Container(""); c.Name != "only" || others {
		t.Errorf("single: %v %v", c, others)
	}
}
