#!/usr/bin/env python3
"""Generates src/apiserver/schema/builtin_fields.json, the field tree of the built-in kinds
that strict field validation checks objects against, from Kubernetes' published OpenAPI v3
documents (api/openapi-spec/v3 of the k8s.io/kubernetes Go module).

    go mod download -json k8s.io/kubernetes@v1.32.0     # prints the module's Dir
    scripts/gen-builtin-fields.py <Dir>/api/openapi-spec/v3 [--check]

Every built-in kind kctl serves (the table in src/apiserver/registry.rs) is emitted, with
the object types reachable from it. A field is encoded as one string:
  ""        a value not checked below (scalars, int-or-string, free-form objects,
            x-kubernetes-preserve-unknown-fields, maps of scalars);
  "T"       an object of type T (a key of "types");
  "[X"      a list whose items are X;
  "{X"      a map whose values are X.
--check regenerates in memory and fails when the committed file differs (staleness).
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "src", "apiserver", "schema", "builtin_fields.json")
REGISTRY = os.path.join(ROOT, "src", "apiserver", "registry.rs")
SOURCE = "k8s.io/kubernetes@v1.32.0 api/openapi-spec/v3"


def served_group_versions():
    text = open(REGISTRY).read()
    block = text[text.index("const BUILTIN"):]
    block = block[: block.index("];")]
    rows = re.findall(r'\(\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)",', block)
    return {(g, v) for g, v, _ in rows}, {(g, v, k) for g, v, k in rows}


def ref_name(schema):
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for sub in schema.get("allOf", []):
        if "$ref" in sub:
            return sub["$ref"].rsplit("/", 1)[-1]
    return None


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    check = "--check" in sys.argv
    if len(args) != 1:
        sys.exit(__doc__)
    spec_dir = args[0]
    gvs, registry_kinds = served_group_versions()
    schemas = {}
    for name in sorted(os.listdir(spec_dir)):
        if not name.endswith("_openapi.json"):
            continue
        doc = json.load(open(os.path.join(spec_dir, name)))
        schemas.update(doc.get("components", {}).get("schemas", {}))

    kinds = {}
    for name, s in sorted(schemas.items()):
        for gvk in s.get("x-kubernetes-group-version-kind", []):
            key = (gvk["group"], gvk["version"], gvk["kind"])
            if key not in registry_kinds:
                continue
            if "apiVersion" not in s.get("properties", {}):
                continue
            kinds["/".join(key)] = name
    missing = [k for k in registry_kinds if "/".join(k) not in kinds]
    if missing:
        sys.exit(f"kinds of registry.rs missing from the OpenAPI documents: {missing}")

    types = {}

    def encode(schema):
        if schema.get("x-kubernetes-preserve-unknown-fields"):
            return ""
        ref = ref_name(schema)
        if ref is not None:
            return visit(ref)
        t = schema.get("type")
        if t == "array":
            inner = encode(schema.get("items", {}))
            return "[" + inner if inner else ""
        if t == "object" and isinstance(schema.get("additionalProperties"), dict):
            inner = encode(schema["additionalProperties"])
            return "{" + inner if inner else ""
        if t == "object" and schema.get("properties"):
            sys.exit(f"inline object schema not supported: {schema}")
        return ""

    def visit(name):
        s = schemas[name]
        if s.get("x-kubernetes-preserve-unknown-fields") or not s.get("properties"):
            if s.get("type") == "array":
                inner = encode(s.get("items", {}))
                return "[" + inner if inner else ""
            if isinstance(s.get("additionalProperties"), dict):
                inner = encode(s["additionalProperties"])
                return "{" + inner if inner else ""
            return ""
        short = name.removeprefix("io.k8s.")
        if short in types:
            return short
        types[short] = None  # recursion guard
        types[short] = {f: encode(fs) for f, fs in sorted(s["properties"].items())}
        return short

    out_kinds = {k: visit(v) for k, v in sorted(kinds.items())}
    doc = {"source": SOURCE, "kinds": out_kinds, "types": dict(sorted(types.items()))}
    text = json.dumps(doc, indent=0, sort_keys=False, separators=(",", ":")) + "\n"
    if check:
        current = open(OUT).read() if os.path.exists(OUT) else ""
        if current != text:
            sys.exit(f"{OUT} is stale: rerun scripts/gen-builtin-fields.py")
        print("up to date")
        return
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {OUT}: {len(out_kinds)} kinds, {len(types)} types")


if __name__ == "__main__":
    main()
