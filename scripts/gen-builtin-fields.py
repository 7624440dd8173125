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
It also writes src/apiserver/table/descriptions.json: the documentation of every API field
that a server-side Table column names (`Col::field(.., TYPE, "field")` in
src/apiserver/table/*.rs), as kube-apiserver's printers take it from the types' docs.
--check regenerates in memory and fails when a committed file differs (staleness).
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "src", "apiserver", "schema", "builtin_fields.json")
TABLE_DIR = os.path.join(ROOT, "src", "apiserver", "table")
DOCS_OUT = os.path.join(TABLE_DIR, "descriptions.json")
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


def table_fields():
    """(type, field) pairs named by Col::field in the table sources."""
    consts, uses = {}, []
    for name in sorted(os.listdir(TABLE_DIR)):
        if not name.endswith(".rs"):
            continue
        text = open(os.path.join(TABLE_DIR, name)).read()
        consts.update(re.findall(r'const ([A-Z_]+): &str = "([^"]+)";', text))
        uses += re.findall(r'Col::field\(\s*"[^"]*",\s*([A-Z_]+|"[^"]+"),\s*"([^"]+)",?\s*\)', text)
    pairs = set()
    for ty, field in uses:
        ty = ty.strip('"') if ty.startswith('"') else consts[ty]
        pairs.add((ty, field))
    return sorted(pairs)


def write(path, text, check):
    if check:
        current = open(path).read() if os.path.exists(path) else ""
        if current != text:
            sys.exit(f"{path} is stale: rerun scripts/gen-builtin-fields.py")
        return
    with open(path, "w") as f:
        f.write(text)


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
    write(OUT, text, check)
    docs = {}
    for ty, field in table_fields():
        desc = schemas[ty]["properties"][field].get("description", "")
        if not desc:
            sys.exit(f"{ty}.{field} has no description")
        docs[f"{ty}#{field}"] = desc
    write(DOCS_OUT, json.dumps(docs, indent=0, sort_keys=True) + "\n", check)
    print("up to date" if check else f"wrote {OUT}: {len(out_kinds)} kinds, {len(types)} types; {DOCS_OUT}: {len(docs)} descriptions")


if __name__ == "__main__":
    main()
