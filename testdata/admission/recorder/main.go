// Command recorder writes the fixtures under testdata/admission from the Kubernetes v1.32.0
// sources: for each defaults/<case>/manifest.yaml it runs exactly what kube-apiserver runs on
// a create — decode into the versioned type, the scheme's defaulting functions
// (SetObjectDefaults_*), conversion to the internal type, the registry strategy's
// PrepareForCreate and Validate — then converts back, defaults again (as every read does)
// and writes the object as JSON-encoded by the apiserver into stored.yaml. For each
// invalid/<case>/manifest.yaml (with an optional old.yaml for an update) it writes the
// error kube-apiserver returns into expected.txt.
//
// Two server-side steps are not in those functions and are reproduced here, as the
// apiserver does them: the Service REST's ClusterIP allocation (and ipFamilies /
// ipFamilyPolicy initialisation), and the Pod admission plugins enabled by default
// (ServiceAccount, Priority, DefaultTolerationSeconds).
//
// Run from this directory: go run . ..  (see ../README.md)
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"sigs.k8s.io/yaml"

	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/coordination/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/discovery/install"
	_ "k8s.io/kubernetes/pkg/apis/events/install"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"
	_ "k8s.io/kubernetes/pkg/apis/scheduling/install"
	_ "k8s.io/kubernetes/pkg/apis/storage/install"

	"k8s.io/kubernetes/pkg/registry/apps/controllerrevision"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/replicaset"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/coordination/lease"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/endpoint"
	"k8s.io/kubernetes/pkg/registry/core/limitrange"
	"k8s.io/kubernetes/pkg/registry/core/namespace"
	"k8s.io/kubernetes/pkg/registry/core/node"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolume"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	"k8s.io/kubernetes/pkg/registry/core/pod"
	"k8s.io/kubernetes/pkg/registry/core/podtemplate"
	"k8s.io/kubernetes/pkg/registry/core/replicationcontroller"
	"k8s.io/kubernetes/pkg/registry/core/resourcequota"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"k8s.io/kubernetes/pkg/registry/core/service"
	"k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	"k8s.io/kubernetes/pkg/registry/discovery/endpointslice"
	"k8s.io/kubernetes/pkg/registry/networking/ingress"
	"k8s.io/kubernetes/pkg/registry/networking/ingressclass"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrole"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrolebinding"
	"k8s.io/kubernetes/pkg/registry/rbac/role"
	"k8s.io/kubernetes/pkg/registry/rbac/rolebinding"
	"k8s.io/kubernetes/pkg/registry/scheduling/priorityclass"
	"k8s.io/kubernetes/pkg/registry/storage/storageclass"
)

type strategy interface {
	rest.RESTCreateStrategy
	rest.RESTUpdateStrategy
}

// The uid every recorded object gets; the fixture test substitutes the server's uid for it.
const recordedUID = "00000000-0000-0000-0000-000000000000"

// The ClusterIP the Service REST allocated (any address of 10.96.0.0/12 but the first).
const allocatedIP = "10.96.0.42"

var strategies = map[string]strategy{
	"/ConfigMap":                            configmap.Strategy,
	"/Endpoints":                            endpoint.Strategy,
	"/LimitRange":                           limitrange.Strategy,
	"/Namespace":                            namespace.Strategy,
	"/Node":                                 node.Strategy,
	"/PersistentVolume":                     persistentvolume.Strategy,
	"/PersistentVolumeClaim":                persistentvolumeclaim.Strategy,
	"/Pod":                                  pod.Strategy,
	"/PodTemplate":                          podtemplate.Strategy,
	"/ReplicationController":                replicationcontroller.Strategy,
	"/ResourceQuota":                        resourcequota.Strategy,
	"/Secret":                               secret.Strategy,
	"/Service":                              service.Strategy,
	"/ServiceAccount":                       serviceaccount.Strategy,
	"apps/ControllerRevision":               controllerrevision.Strategy,
	"apps/DaemonSet":                        daemonset.Strategy,
	"apps/Deployment":                       deployment.Strategy,
	"apps/ReplicaSet":                       replicaset.Strategy,
	"apps/StatefulSet":                      statefulset.Strategy,
	"autoscaling/HorizontalPodAutoscaler":   horizontalpodautoscaler.Strategy,
	"batch/CronJob":                         cronjob.Strategy,
	"batch/Job":                             job.Strategy,
	"coordination.k8s.io/Lease":             lease.Strategy,
	"discovery.k8s.io/EndpointSlice":        endpointslice.Strategy,
	"networking.k8s.io/Ingress":             ingress.Strategy,
	"networking.k8s.io/IngressClass":        ingressclass.Strategy,
	"networking.k8s.io/NetworkPolicy":       networkpolicy.Strategy,
	"policy/PodDisruptionBudget":            poddisruptionbudget.Strategy,
	"rbac.authorization.k8s.io/ClusterRole": clusterrole.Strategy,
	"rbac.authorization.k8s.io/ClusterRoleBinding": clusterrolebinding.Strategy,
	"rbac.authorization.k8s.io/Role":               role.Strategy,
	"rbac.authorization.k8s.io/RoleBinding":        rolebinding.Strategy,
	"scheduling.k8s.io/PriorityClass":              priorityclass.Strategy,
	"storage.k8s.io/StorageClass":                  storageclass.Strategy,
}

// decoded is one manifest after decoding and defaulting, in its internal form.
type decoded struct {
	gvk      schema.GroupVersionKind
	internal runtime.Object
	strat    strategy
}

func decode(path string) (*decoded, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var u unstructured.Unstructured
	if err := yaml.Unmarshal(data, &u.Object); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	gvk := u.GroupVersionKind()
	strat, ok := strategies[gvk.Group+"/"+gvk.Kind]
	if !ok {
		return nil, fmt.Errorf("%s: no strategy for %v", path, gvk)
	}
	versioned, err := legacyscheme.Scheme.New(gvk)
	if err != nil {
		return nil, err
	}
	js, _ := u.MarshalJSON()
	if err := yaml.UnmarshalStrict(js, versioned); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	legacyscheme.Scheme.Default(versioned)
	internal, err := legacyscheme.Scheme.New(gvk.GroupKind().WithVersion(runtime.APIVersionInternal))
	if err != nil {
		return nil, err
	}
	if err := legacyscheme.Scheme.Convert(versioned, internal, nil); err != nil {
		return nil, err
	}
	return &decoded{gvk, internal, strat}, nil
}

func ctxFor(d *decoded) context.Context {
	m := d.internal.(interface{ GetNamespace() string })
	ctx := genericapirequest.WithNamespace(context.Background(), m.GetNamespace())
	return genericapirequest.WithRequestInfo(ctx, &genericapirequest.RequestInfo{
		IsResourceRequest: true, APIGroup: d.gvk.Group, APIVersion: d.gvk.Version,
	})
}

type metaObj interface {
	GetNamespace() string
	SetNamespace(string)
	GetName() string
	SetUID(types.UID)
	SetResourceVersion(string)
}

// encode converts back to the versioned type, defaults as a read does, and returns the
// object as a YAML document, its server-owned identity fields removed.
func encode(d *decoded) ([]byte, error) {
	versioned, err := legacyscheme.Scheme.New(d.gvk)
	if err != nil {
		return nil, err
	}
	if err := legacyscheme.Scheme.Convert(d.internal, versioned, nil); err != nil {
		return nil, err
	}
	legacyscheme.Scheme.Default(versioned)
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(versioned)
	if err != nil {
		return nil, err
	}
	u["apiVersion"] = d.gvk.GroupVersion().String()
	u["kind"] = d.gvk.Kind
	if md, ok := u["metadata"].(map[string]interface{}); ok {
		for _, f := range []string{"creationTimestamp", "uid", "resourceVersion", "managedFields"} {
			delete(md, f)
		}
	}
	return yaml.Marshal(u)
}

func prepareNamespace(d *decoded) {
	m := d.internal.(metaObj)
	if d.strat.NamespaceScoped() && m.GetNamespace() == "" {
		m.SetNamespace("default")
	}
	m.SetUID(recordedUID)
}

func create(d *decoded) field.ErrorList {
	prepareNamespace(d)
	ctx := ctxFor(d)
	d.strat.PrepareForCreate(ctx, d.internal)
	serverSide(d)
	errs := d.strat.Validate(ctx, d.internal)
	return errs
}

func record(dir string) error {
	d, err := decode(filepath.Join(dir, "manifest.yaml"))
	if err != nil {
		return err
	}
	if errs := create(d); len(errs) > 0 {
		return fmt.Errorf("%s: %v", dir, errs.ToAggregate())
	}
	out, err := encode(d)
	if err != nil {
		return err
	}
	header := fmt.Sprintf("# Recorded by testdata/admission/recorder from k8s.io/kubernetes v1.32.0\n# (scheme defaulting, %s registry strategy%s).\n",
		d.gvk.Kind, extraNote(d.gvk))
	return os.WriteFile(filepath.Join(dir, "stored.yaml"), append([]byte(header), out...), 0o644)
}

func extraNote(gvk schema.GroupVersionKind) string {
	switch {
	case gvk.Group == "" && gvk.Kind == "Service":
		return ", Service REST ClusterIP allocation"
	case gvk.Group == "" && gvk.Kind == "Pod":
		return ", ServiceAccount/Priority/DefaultTolerationSeconds admission"
	}
	return ""
}

func invalid(dir string) error {
	d, err := decode(filepath.Join(dir, "manifest.yaml"))
	if err != nil {
		return err
	}
	var errs field.ErrorList
	oldPath := filepath.Join(dir, "old.yaml")
	if _, statErr := os.Stat(oldPath); statErr == nil {
		old, err := decode(oldPath)
		if err != nil {
			return err
		}
		if errs := create(old); len(errs) > 0 {
			return fmt.Errorf("%s: old is invalid: %v", dir, errs.ToAggregate())
		}
		prepareNamespace(d)
		// An update carries the stored object's server-owned metadata.
		oldMeta := old.internal.(interface{ GetGeneration() int64 })
		d.internal.(interface{ SetGeneration(int64) }).SetGeneration(oldMeta.GetGeneration())
		d.internal.(metaObj).SetResourceVersion("1")
		old.internal.(metaObj).SetResourceVersion("1")
		ctx := ctxFor(d)
		d.strat.PrepareForUpdate(ctx, d.internal, old.internal)
		errs = d.strat.ValidateUpdate(ctx, d.internal, old.internal)
	} else {
		errs = create(d)
	}
	if len(errs) == 0 {
		return fmt.Errorf("%s: no validation error", dir)
	}
	name := d.internal.(metaObj).GetName()
	status := errors.NewInvalid(d.gvk.GroupKind(), name, errs)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", status.Error())
	for _, c := range status.ErrStatus.Details.Causes {
		fmt.Fprintf(&b, "cause: %s | %s | %s\n", c.Type, c.Field, c.Message)
	}
	return os.WriteFile(filepath.Join(dir, "expected.txt"), []byte(b.String()), 0o644)
}

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	failed := false
	for _, kind := range []string{"defaults", "invalid"} {
		dirs, _ := filepath.Glob(filepath.Join(root, kind, "*"))
		sort.Strings(dirs)
		for _, dir := range dirs {
			var err error
			if kind == "defaults" {
				err = record(dir)
			} else {
				err = invalid(dir)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				failed = true
			} else {
				fmt.Println("recorded", dir)
			}
		}
	}
	if failed {
		os.Exit(1)
	}
}
