#!/usr/bin/env bash
# Times kctl and real kubectl on the same bundled apiserver, in one run:
#   create (apply of 1,000 new objects), re-apply with 10% changed, diff.
# Usage: bench/apply-vs-kubectl.sh [N]   (N objects, default 1000)
# Needs: a release build of kctl (cargo build --release) and kubectl on PATH.
# Each tool gets its own fresh server and an empty HOME (so both start with a cold discovery
# cache, which the create step fills for the two later steps). The servers run without the
# control plane by default, so that the Deployments' ReplicaSets and Pods being made in the
# background do not compete for the CPU with the tool being timed; CONTROLLERS=true turns it
# on. Besides wall time, the client's CPU time (user+sys) and the server's CPU time for each
# step are reported: on a busy machine they are steadier than the wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
KCTL=${KCTL:-target/release/kctl}
CONTROLLERS=${CONTROLLERS:-false}
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
  "$KCTL" serve --addr 127.0.0.1:0 --controllers="$CONTROLLERS" \
    --write-kubeconfig "$work/$1.kubeconfig" 2>"$work/$1.log" &
  server_pid=$!
  for _ in $(seq 100); do grep -q "Serving on" "$work/$1.log" 2>/dev/null && break; sleep 0.05; done
  export KUBECONFIG="$work/$1.kubeconfig"
}

cpu_of() { # cpu_of PID -> CPU seconds (user+sys) used so far
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15) / hz}' "/proc/$1/stat"
}

t() { # t CMD... -> "wall client_cpu server_cpu" seconds, command output discarded
  local s e s0 s1
  s0=$(cpu_of "$server_pid")
  s=$(date +%s.%N)
  /usr/bin/env time -f "%U %S" -o "$work/time" "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  s1=$(cpu_of "$server_pid")
  python3 -c "u, k = open('$work/time').read().split()[-2:]; print(f'{$e - $s:.3f},{float(u) + float(k):.3f},{$s1 - $s0:.3f}')"
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

python3 - "$N" "$CONTROLLERS" "$k_create" "$u_create" "$k_reapply" "$u_reapply" "$k_diff" "$u_diff" <<'PY'
import sys
n, controllers = sys.argv[1:3]
cols = [tuple(map(float, a.split(","))) for a in sys.argv[3:9]]
rows = [("apply (create)", *cols[0:2]), ("apply (10% changed)", *cols[2:4]), ("diff", *cols[4:6])]
ratio = lambda u, k: f"{u / k if k else float('inf'):6.1f}x"
print(f"{n} objects, one bundled apiserver per tool (controllers={controllers}), same machine, one run")
print(f"{'step':22} {'kctl s':>8} {'kubectl s':>10} {'ratio':>7}   {'cpu: kctl':>9} {'kubectl':>8} {'ratio':>7}   {'server cpu: kctl':>16} {'kubectl':>8}")
for name, k, u in rows:
    print(f"{name:22} {k[0]:8.3f} {u[0]:10.3f} {ratio(u[0], k[0])}   {k[1]:9.3f} {u[1]:8.3f} {ratio(u[1], k[1])}   {k[2]:16.3f} {u[2]:8.3f}")
PY
