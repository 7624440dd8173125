// Command recorder writes the HorizontalPodAutoscaler conversion fixtures from the Kubernetes
// v1.32.0 sources: for each <case>/input.json (an autoscaling/v1 or autoscaling/v2 object) it
// runs what kube-apiserver runs on a write and on the reads that follow — decode into the
// versioned type, the scheme's defaulting functions, conversion to the internal type and on to
// the storage version (v2); then, as every read does, defaulting of the stored v2 object and
// conversion through the internal type to each served version — and writes the object served
// at autoscaling/v1 into <case>/v1.json and at autoscaling/v2 into <case>/v2.json.
//
// Run from this directory: go run . ..
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"sigs.k8s.io/yaml"

	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
)

func gvk(version string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: "autoscaling", Version: version, Kind: "HorizontalPodAutoscaler"}
}

func convert(in runtime.Object, to schema.GroupVersionKind) (runtime.Object, error) {
	out, err := legacyscheme.Scheme.New(to)
	if err != nil {
		return nil, err
	}
	if err := legacyscheme.Scheme.Convert(in, out, nil); err != nil {
		return nil, err
	}
	if to.Version != runtime.APIVersionInternal {
		out.GetObjectKind().SetGroupVersionKind(to)
	}
	return out, nil
}

func write(path string, obj runtime.Object) error {
	js, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	var m map[string]interface{}
	if err := json.Unmarshal(js, &m); err != nil {
		return err
	}
	// An object that was never stored has no creation time; Go writes it as null.
	if meta, ok := m["metadata"].(map[string]interface{}); ok && meta["creationTimestamp"] == nil {
		delete(meta, "creationTimestamp")
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(out, '\n'), 0o644)
}

func record(dir string) error {
	data, err := os.ReadFile(filepath.Join(dir, "input.json"))
	if err != nil {
		return err
	}
	var u unstructured.Unstructured
	if err := json.Unmarshal(data, &u.Object); err != nil {
		return err
	}
	versioned, err := legacyscheme.Scheme.New(u.GroupVersionKind())
	if err != nil {
		return err
	}
	if err := yaml.UnmarshalStrict(data, versioned); err != nil {
		return err
	}
	legacyscheme.Scheme.Default(versioned)
	internal, err := convert(versioned, gvk(runtime.APIVersionInternal))
	if err != nil {
		return err
	}
	stored, err := convert(internal, gvk("v2"))
	if err != nil {
		return err
	}
	legacyscheme.Scheme.Default(stored)
	read, err := convert(stored, gvk(runtime.APIVersionInternal))
	if err != nil {
		return err
	}
	for _, v := range []string{"v1", "v2"} {
		served, err := convert(read, gvk(v))
		if err != nil {
			return err
		}
		if err := write(filepath.Join(dir, v+".json"), served); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: recorder <dir of cases>")
		os.Exit(2)
	}
	entries, err := os.ReadDir(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var names []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(os.Args[1], e.Name(), "input.json")); err == nil {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if err := record(filepath.Join(os.Args[1], n)); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", n, err)
			os.Exit(1)
		}
		fmt.Println("recorded", n)
	}
}
