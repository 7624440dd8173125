// Command gen-proto-schema writes the protobuf schema the bundled apiserver decodes request
// bodies with (src/apiserver/protobuf/schema.json) and the decoder's fixtures
// (testdata/protobuf/<group>.<version>.<Kind>.{pb,json}).
//
// The schema is read by reflection from client-go's scheme (plus the apiextensions types): for
// every Go struct reachable from a served kind, its fields in Go struct order, each with its
// protobuf field number, JSON name, omitempty/pointer/slice/map/inline flags and the element
// type. Wire types follow from the element type. Run from the repository root:
//
//	(cd scripts/gen-proto-schema && go run . -root ../..)
//	(cd scripts/gen-proto-schema && go run . -root ../.. -check)   # fails if stale
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	fuzz "github.com/google/gofuzz"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/scheme"
)

// servedGroupVersions are the group-versions whose kinds the apiserver accepts as protobuf.
var servedGroupVersions = []schema.GroupVersion{
	{Group: "", Version: "v1"},
	{Group: "apiextensions.k8s.io", Version: "v1"},
	{Group: "apps", Version: "v1"},
	{Group: "authentication.k8s.io", Version: "v1"},
	{Group: "authorization.k8s.io", Version: "v1"},
	{Group: "autoscaling", Version: "v1"},
	{Group: "autoscaling", Version: "v2"},
	{Group: "batch", Version: "v1"},
	{Group: "coordination.k8s.io", Version: "v1"},
	{Group: "discovery.k8s.io", Version: "v1"},
	{Group: "events.k8s.io", Version: "v1"},
	{Group: "networking.k8s.io", Version: "v1"},
	{Group: "policy", Version: "v1"},
	{Group: "rbac.authorization.k8s.io", Version: "v1"},
	{Group: "scheduling.k8s.io", Version: "v1"},
	{Group: "storage.k8s.io", Version: "v1"},
}

// special maps Go types with their own protobuf and JSON forms to the decoder's leaf names.
var special = map[reflect.Type]string{
	reflect.TypeOf(metav1.Time{}):              "@time",
	reflect.TypeOf(metav1.MicroTime{}):         "@microtime",
	reflect.TypeOf(metav1.Duration{}):          "@duration",
	reflect.TypeOf(resource.Quantity{}):        "@quantity",
	reflect.TypeOf(intstr.IntOrString{}):       "@intstr",
	reflect.TypeOf(runtime.RawExtension{}):     "@raw",
	reflect.TypeOf(metav1.FieldsV1{}):          "@raw",
	reflect.TypeOf(apiextv1.JSON{}):            "@json",
	reflect.TypeOf(metav1.TypeMeta{}):          "@typemeta",
	reflect.TypeOf(apiextv1.JSONSchemaURL("")): "string",
}

// customJSON marks structs decoded field by field whose JSON form is chosen by a MarshalJSON.
var customJSON = map[reflect.Type]string{
	reflect.TypeOf(apiextv1.JSONSchemaPropsOrBool{}):        "orbool",
	reflect.TypeOf(apiextv1.JSONSchemaPropsOrArray{}):       "orarray",
	reflect.TypeOf(apiextv1.JSONSchemaPropsOrStringArray{}): "orstrings",
}

// Schema is the file the decoder loads.
type Schema struct {
	// Kinds maps "apiVersion/Kind" to the message name.
	Kinds map[string]string `json:"kinds"`
	// Types maps a message name to its fields; Custom names structs with their own MarshalJSON.
	Types  map[string][][]any `json:"types"`
	Custom map[string]string  `json:"custom"`
}

type generator struct {
	schema Schema
	errs   []string
}

func typeName(t reflect.Type) string {
	p := t.PkgPath()
	for _, prefix := range []string{"k8s.io/api/", "k8s.io/apimachinery/pkg/apis/", "k8s.io/apiextensions-apiserver/pkg/apis/"} {
		p = strings.TrimPrefix(p, prefix)
	}
	return p + "." + t.Name()
}

// leaf classifies a non-pointer, non-slice, non-map type: a scalar code, a special leaf or a
// message name (registering the struct).
func (g *generator) leaf(t reflect.Type) string {
	if s, ok := special[t]; ok {
		return s
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int32:
		return "int32"
	case reflect.Int64:
		return "int64"
	case reflect.Uint32:
		return "uint32"
	case reflect.Uint64:
		return "uint64"
	case reflect.Float64:
		return "float64"
	case reflect.Float32:
		return "float32"
	case reflect.Struct:
		g.addStruct(t)
		return typeName(t)
	}
	g.errs = append(g.errs, fmt.Sprintf("unsupported type %v", t))
	return "?"
}

var jsonMarshaler = reflect.TypeOf((*json.Marshaler)(nil)).Elem()

func (g *generator) addStruct(t reflect.Type) {
	name := typeName(t)
	if _, ok := g.schema.Types[name]; ok {
		return
	}
	g.schema.Types[name] = nil // placeholder against recursion
	if c, ok := customJSON[t]; ok {
		g.schema.Custom[name] = c
	} else if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) {
		g.errs = append(g.errs, fmt.Sprintf("%v has its own MarshalJSON and no decoder rule", t))
	}
	fields := [][]any{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		jsonTag := f.Tag.Get("json")
		if jsonTag == "-" {
			continue
		}
		parts := strings.Split(jsonTag, ",")
		jsonName, flags := parts[0], ""
		for _, o := range parts[1:] {
			if o == "omitempty" {
				flags += "o"
			}
		}
		num := 0
		if pb := f.Tag.Get("protobuf"); pb != "" && pb != "-" {
			n, err := strconv.Atoi(strings.Split(pb, ",")[1])
			if err != nil {
				g.errs = append(g.errs, fmt.Sprintf("%v.%s: bad protobuf tag %q", t, f.Name, pb))
			}
			num = n
		}
		ft := f.Type
		if jsonName == "" {
			if f.Anonymous && ft.Kind() == reflect.Struct && !ft.Implements(jsonMarshaler) {
				flags += "i"
			} else {
				jsonName = f.Name
			}
		}
		key := ""
		if ft.Kind() == reflect.Ptr {
			flags += "p"
			ft = ft.Elem()
		}
		var elem string
		switch {
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Uint8:
			elem = "bytes"
		case ft.Kind() == reflect.Slice:
			flags += "r"
			et := ft.Elem()
			if et.Kind() == reflect.Ptr {
				g.errs = append(g.errs, fmt.Sprintf("%v.%s: slice of pointers", t, f.Name))
			}
			if et.Kind() == reflect.Slice && et.Elem().Kind() == reflect.Uint8 {
				elem = "bytes"
			} else {
				elem = g.leaf(et)
			}
		case ft.Kind() == reflect.Map:
			flags += "m"
			if ft.Key().Kind() != reflect.String {
				g.errs = append(g.errs, fmt.Sprintf("%v.%s: map key %v", t, f.Name, ft.Key()))
			}
			key = "string"
			vt := ft.Elem()
			switch {
			case vt.Kind() == reflect.Slice && vt.Elem().Kind() == reflect.Uint8:
				elem = "bytes"
			case vt.Kind() == reflect.Slice && vt.Name() != "" && vt.Elem().Kind() == reflect.String:
				// A named []string map value (authentication's ExtraValue) is a message
				// {repeated string items = 1}.
				elem = "@strings"
			case vt.Kind() == reflect.Slice || vt.Kind() == reflect.Ptr || vt.Kind() == reflect.Map:
				g.errs = append(g.errs, fmt.Sprintf("%v.%s: map value %v", t, f.Name, vt))
			default:
				elem = g.leaf(vt)
			}
		default:
			elem = g.leaf(ft)
		}
		if num == 0 && elem != "@typemeta" && !strings.Contains(flags, "i") {
			// Not on the wire: Go still marshals its zero value.
			if elem != "string" && elem != "bool" && elem != "int32" && elem != "int64" {
				g.errs = append(g.errs, fmt.Sprintf("%v.%s: no protobuf tag", t, f.Name))
			}
		}
		row := []any{num, jsonName, flags, elem}
		if key != "" {
			row = append(row, key)
		}
		fields = append(fields, row)
	}
	g.schema.Types[name] = fields
}

func kinds() []schema.GroupVersionKind {
	var out []schema.GroupVersionKind
	for _, gv := range servedGroupVersions {
		for kind, t := range scheme.Scheme.KnownTypes(gv) {
			// Of the options every group-version registers, only DeleteOptions is a body
			// (typed clients send it, in their own group-version, with DELETE).
			if strings.HasSuffix(kind, "List") || (t.PkgPath() == "k8s.io/apimachinery/pkg/apis/meta/v1" && kind != "DeleteOptions") {
				continue
			}
			out = append(out, gv.WithKind(kind))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func fuzzer(seed int64, nilChance float64) *fuzz.Fuzzer {
	return fuzz.NewWithSeed(seed).NilChance(nilChance).NumElements(1, 1).MaxDepth(7).Funcs(
		func(s *string, c fuzz.Continue) { *s = randString(c) },
		func(t *metav1.Time, c fuzz.Continue) {
			*t = metav1.Unix(1_600_000_000+c.Int63n(200_000_000), 0)
		},
		func(t *metav1.MicroTime, c fuzz.Continue) {
			*t = metav1.NewMicroTime(time.Unix(1_600_000_000+c.Int63n(200_000_000), c.Int63n(1e6)*1000))
		},
		func(d *metav1.Duration, c fuzz.Continue) {
			d.Duration = time.Duration(c.Int63n(int64(50 * time.Hour)))
		},
		func(q *resource.Quantity, c fuzz.Continue) {
			suffix := []string{"", "m", "Ki", "Mi", "Gi", "k", "M"}[c.Intn(7)]
			*q = resource.MustParse(strconv.Itoa(c.Intn(5000)) + suffix)
		},
		func(v *intstr.IntOrString, c fuzz.Continue) {
			if c.RandBool() {
				*v = intstr.FromInt32(c.Int31n(70000))
			} else {
				*v = intstr.FromString(randString(c))
			}
		},
		func(r *runtime.RawExtension, c fuzz.Continue) {
			r.Raw = []byte(fmt.Sprintf(`{"apiVersion":"v1","kind":"ConfigMap","data":{"k":%q}}`, randString(c)))
		},
		func(r *metav1.FieldsV1, c fuzz.Continue) {
			r.Raw = []byte(fmt.Sprintf(`{"f:metadata":{"f:labels":{"f:%s":{}}}}`, strings.ReplaceAll(randString(c), `"`, "")))
		},
		func(j *apiextv1.JSON, c fuzz.Continue) {
			j.Raw = []byte(strconv.Itoa(c.Intn(100)))
		},
		func(m *metav1.TypeMeta, c fuzz.Continue) {},
		func(m *map[string]string, c fuzz.Continue) {
			*m = map[string]string{randString(c): randString(c), randString(c): ""}
		},
		func(s *apiextv1.JSONSchemaProps, c fuzz.Continue) {
			// A bounded schema: a few scalar keywords and one nested level.
			s.Type = "object"
			s.Description = randString(c)
			s.Required = []string{randString(c)}
			max := c.Float64() * 100
			s.Maximum = &max
			s.Default = &apiextv1.JSON{Raw: []byte(`{"a":[1,"b"]}`)}
			s.XIntOrString = c.RandBool()
			child := apiextv1.JSONSchemaProps{Type: "string", Enum: []apiextv1.JSON{{Raw: []byte(`"x"`)}}}
			leaf := apiextv1.JSONSchemaProps{Type: "string", Format: "date-time"}
			nested := apiextv1.JSONSchemaProps{
				Type:                 "array",
				AdditionalProperties: &apiextv1.JSONSchemaPropsOrBool{Schema: &leaf},
				Items:                &apiextv1.JSONSchemaPropsOrArray{Schema: &leaf},
				Not:                  &apiextv1.JSONSchemaProps{},
			}
			s.Properties = map[string]apiextv1.JSONSchemaProps{"spec": child, "list": nested}
			s.AdditionalProperties = &apiextv1.JSONSchemaPropsOrBool{Allows: true}
			s.Items = &apiextv1.JSONSchemaPropsOrArray{JSONSchemas: []apiextv1.JSONSchemaProps{child}}
			s.Dependencies = apiextv1.JSONSchemaDependencies{"a": {Property: []string{"b"}}, "c": {Schema: &child}}
			s.XValidations = apiextv1.ValidationRules{{Rule: "self.a > 0", Message: randString(c)}}
		},
	)
}

const letters = "abcdefghijklmnopqrstuvwxyz0123456789-.é日\"<&"

func randString(c fuzz.Continue) string {
	n := 1 + c.Intn(8)
	r := []rune(letters)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteRune(r[c.Intn(len(r))])
	}
	return b.String()
}

func fixture(gvk schema.GroupVersionKind, seed int64, nilChance float64) ([]byte, []byte, error) {
	obj, err := scheme.Scheme.New(gvk)
	if err != nil {
		return nil, nil, err
	}
	f := fuzzer(seed, nilChance)
	f.Fuzz(obj)
	if crd, ok := obj.(*apiextv1.CustomResourceDefinition); ok {
		// Make sure one version carries a schema, whatever the fuzzer left nil.
		var props apiextv1.JSONSchemaProps
		f.Fuzz(&props)
		crd.Spec.Versions = append(crd.Spec.Versions, apiextv1.CustomResourceDefinitionVersion{
			Name: "v9", Served: true, Schema: &apiextv1.CustomResourceValidation{OpenAPIV3Schema: &props},
		})
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	s := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
	var pb bytes.Buffer
	if err := s.Encode(obj, &pb); err != nil {
		return nil, nil, err
	}
	// The JSON is what the server sees: the protobuf bytes decoded back into the Go type.
	back, err := scheme.Scheme.New(gvk)
	if err != nil {
		return nil, nil, err
	}
	decoded, _, err := s.Decode(pb.Bytes(), &gvk, back)
	if err != nil {
		return nil, nil, err
	}
	decoded.GetObjectKind().SetGroupVersionKind(gvk)
	js, err := json.MarshalIndent(decoded, "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return pb.Bytes(), append(js, '\n'), nil
}

func fixtureName(gvk schema.GroupVersionKind) string {
	g := gvk.Group
	if g == "" {
		g = "core"
	}
	return fmt.Sprintf("%s.%s.%s", g, gvk.Version, gvk.Kind)
}

func main() {
	root := flag.String("root", ".", "repository root")
	check := flag.Bool("check", false, "fail if the committed files differ from what would be written")
	flag.Parse()
	if err := apiextv1.AddToScheme(scheme.Scheme); err != nil {
		panic(err)
	}
	g := &generator{schema: Schema{Kinds: map[string]string{}, Types: map[string][][]any{}, Custom: map[string]string{}}}
	files := map[string][]byte{}
	for i, gvk := range kinds() {
		t, ok := scheme.Scheme.AllKnownTypes()[gvk]
		if !ok {
			panic(fmt.Sprintf("unknown kind %v", gvk))
		}
		g.addStruct(t)
		g.schema.Kinds[gvk.GroupVersion().String()+"/"+gvk.Kind] = typeName(t)
		// One object with some fields left nil, one with every field set.
		for _, v := range []struct {
			suffix    string
			nilChance float64
		}{{"", 0.3}, {".full", 0}} {
			pb, js, err := fixture(gvk, int64(1000+i), v.nilChance)
			if err != nil {
				panic(fmt.Sprintf("%v: %v", gvk, err))
			}
			base := filepath.Join(*root, "testdata", "protobuf", fixtureName(gvk)+v.suffix)
			files[base+".pb"] = pb
			files[base+".json"] = js
		}
	}
	for name, obj := range requests() {
		s := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
		var pb bytes.Buffer
		if err := s.Encode(obj, &pb); err != nil {
			panic(fmt.Sprintf("%s: %v", name, err))
		}
		files[filepath.Join(*root, "testdata", "protobuf", "requests", name+".pb")] = pb.Bytes()
	}
	if len(g.errs) > 0 {
		fmt.Fprintln(os.Stderr, strings.Join(g.errs, "\n"))
		os.Exit(1)
	}
	out, err := json.Marshal(g.schema)
	if err != nil {
		panic(err)
	}
	files[filepath.Join(*root, "src", "apiserver", "protobuf", "schema.json")] = append(out, '\n')
	stale := false
	for path, data := range files {
		if *check {
			old, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(old, data) {
				fmt.Fprintf(os.Stderr, "stale: %s\n", path)
				stale = true
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			panic(err)
		}
	}
	if stale {
		os.Exit(1)
	}
	fmt.Printf("%d kinds, %d message types\n", len(g.schema.Kinds), len(g.schema.Types))
}

// requests are realistic objects as a typed client sends them, for the server's tests and the
// decoder's benchmark.
func requests() map[string]runtime.Object {
	replicas := int32(3)
	labels := map[string]string{"app": "web"}
	deployment := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels, Annotations: map[string]string{"team": "frontend"}},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{
					Name:  "web",
					Image: "nginx:1.27",
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 80, Protocol: corev1.ProtocolTCP}},
					Env:   []corev1.EnvVar{{Name: "MODE", Value: "production"}},
					Resources: corev1.ResourceRequirements{
						Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("250m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
						Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")},
					},
					ReadinessProbe: &corev1.Probe{
						ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http")}},
						PeriodSeconds: 5,
					},
				}}},
			},
			Strategy: appsv1.DeploymentStrategy{Type: appsv1.RollingUpdateDeploymentStrategyType, RollingUpdate: &appsv1.RollingUpdateDeployment{
				MaxSurge: &intstr.IntOrString{Type: intstr.String, StrVal: "25%"},
			}},
		},
	}
	configMap := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Labels: labels},
		Data:       map[string]string{"mode": "production"},
		BinaryData: map[string][]byte{"blob": {0, 1, 2, 255}},
	}
	scale := &autoscalingv1.Scale{
		TypeMeta:   metav1.TypeMeta{APIVersion: "autoscaling/v1", Kind: "Scale"},
		ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "default"},
		Spec:       autoscalingv1.ScaleSpec{Replicas: 5},
	}
	deleteOptions := &metav1.DeleteOptions{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "DeleteOptions"},
		DryRun:   []string{metav1.DryRunAll},
	}
	return map[string]runtime.Object{"deployment": deployment, "configmap": configMap, "scale": scale, "delete-dry-run": deleteOptions}
}
