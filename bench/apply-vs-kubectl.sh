#!/usr/bin/env bash
# Times kctl and real kubectl on the same bundled apiserver, in one run:
#   create (apply of 1,000 new objects), re-apply with 10% changed, diff.
# Usage: bench/apply-vs-kubectl.sh [N]   (N objects, default 1000)
# Needs: a release build of kctl (cargo build --release) and kubectl on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
KCTL=${KCTL:-target/release/kctl}
[ -x "$KCTL" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v kubectl >/dev/null || { echo "kubectl is not on PATH" >&2; exit 1; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# N objects: Namespaces, ConfigMaps, Secrets, Services, Deployments (one in five each).
gen() { # gen DIR VARIANT
  local dir=$1 variant=$2
  mkdir -p "$dir"
  python3 - "$dir" "$N" "$variant" <<'PY'
import sys, os
d, n, variant = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ns_count = max(1, n // 5)
kinds = ["ns", "cm", "secret", "svc", "deploy"]
docs = []
for i in range(n):
    k = kinds[i % 5]
    ns = f"bench-{(i // 5) % ns_count}"
    changed = variant and i % 10 == 0
    v = "2" if changed else "1"
    if k == "ns":
        docs.append(f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels: {{bench: \"{v}\"}}\n")
    elif k == "cm":
        docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: {ns}\ndata:\n  key: value-{v}\n  other: \"{i}\"\n")
    elif k == "secret":
        docs.append(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: secret-{i}\n  namespace: {ns}\nstringData:\n  password: pw-{v}\n")
    elif k == "svc":
        docs.append(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n  namespace: {ns}\nspec:\n  selector: {{app: a{i}}}\n  ports:\n  - port: 80\n    targetPort: {8080 if changed else 80}\n")
    else:
        docs.append(f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deploy-{i}\n  namespace: {ns}\nspec:\n  replicas: {2 if changed else 1}\n  selector:\n    matchLabels: {{app: a{i}}}\n  template:\n    metadata:\n      labels: {{app: a{i}}}\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.{25 + int(v)}\n        env:\n        - {{name: A, value: \"{v}\"}}\n")
# Namespaces first so kubectl (which applies in file order) finds them.
docs.sort(key=lambda s: 0 if "kind: Namespace" in s else 1)
open(os.path.join(d, "all.yaml"), "w").write("---\n".join(docs))
PY
}
gen "$work/v1" 0
gen "$work/v2" 1

serve() { # serve NAME -> exports KUBECONFIG for a fresh server
  "$KCTL" serve --addr 127.0.0.1:0 --write-kubeconfig "$work/$1.kubeconfig" 2>"$work/$1.log" &
  for _ in $(seq 100); do grep -q "Serving on" "$work/$1.log" 2>/dev/null && break; sleep 0.05; done
  export KUBECONFIG="$work/$1.kubeconfig"
}

t() { # t CMD... -> seconds on stdout, command output discarded
  local s e
  s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
  python3 -c "print(f'{$e - $s:.3f}')"
}

serve kctl
export HOME="$work/home-kctl"; mkdir -p "$HOME"
k_create=$(t "$KCTL" apply -f "$work/v1/all.yaml")
k_reapply=$(t "$KCTL" apply -f "$work/v2/all.yaml")
k_diff=$(t "$KCTL" diff -f "$work/v1/all.yaml")

serve kubectl
export HOME="$work/home-kubectl"; mkdir -p "$HOME"
u_create=$(t kubectl apply -f "$work/v1/all.yaml")
u_reapply=$(t kubectl apply -f "$work/v2/all.yaml")
u_diff=$(t kubectl diff -f "$work/v1/all.yaml")

python3 - "$N" "$k_create" "$u_create" "$k_reapply" "$u_reapply" "$k_diff" "$u_diff" <<'PY'
import sys
n = sys.argv[1]
rows = [("apply (create)", *map(float, sys.argv[2:4])),
        ("apply (10% changed)", *map(float, sys.argv[4:6])),
        ("diff", *map(float, sys.argv[6:8]))]
print(f"{n} objects, one bundled apiserver per tool, same machine, one run")
print(f"{'step':22} {'kctl s':>8} {'kubectl s':>10} {'ratio':>7}")
for name, k, u in rows:
    print(f"{name:22} {k:8.3f} {u:10.3f} {u / k if k else float('inf'):6.1f}x")
PY
