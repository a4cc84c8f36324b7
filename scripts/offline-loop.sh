#!/usr/bin/env bash
# Proves that Benchtop's whole loop works with no network at all: build -> run -> register -> deploy -> score.
# Run it inside a network namespace that has only loopback:
#   sudo unshare -n -- scripts/offline-loop.sh --workspace DIR [options]     (root)
#   unshare -rn -- scripts/offline-loop.sh --workspace DIR [options]         (where user namespaces are allowed)
# Options:
#   --workspace DIR     the workspace to check (required); its wheels must hold what the environment needs
#   --env NAME[:VER]    the environment to build with --offline (backend auto, as runs) and run in (default Benchtop-Minimal)
#   --import MODULE     a module the run must import (repeatable): proves the environment's packages installed
#   --docker            also build the environment as an image (--backend docker --offline) and run in a container
#   --port N            the service's port inside the namespace (default 6789)
#   --logs DIR          keep every step's output there (else a temporary folder, kept only when a step fails)
#   --keep-model        keep the model version it registers (else deleted at the end)
#   --bundle FILE       first import this .btb (benchtop import): what it carries can then be built and run here
#   --conda-env NAME[:VER]  also build this conda environment from its local (file://) channels with --backend rattler
# It creates one run, one model version (deleted at the end) and one service (deleted at the end) in the workspace.
# Exit status: 0 when every step passed, 1 when one failed (the line says which and how to fix it), 2 bad usage.
set -u

WORKSPACE="" ENV_REF="Benchtop-Minimal" DOCKER=0 PORT=6789 IMPORTS=() LOGS="" KEEP_MODEL=0 BUNDLE="" CONDA_ENV=""
while [ $# -gt 0 ]; do
  case "$1" in
    --workspace) WORKSPACE="${2:-}"; shift 2 ;;
    --env) ENV_REF="${2:-}"; shift 2 ;;
    --import) IMPORTS+=("${2:-}"); shift 2 ;;
    --docker) DOCKER=1; shift ;;
    --port) PORT="${2:-}"; shift 2 ;;
    --logs) LOGS="${2:-}"; shift 2 ;;
    --keep-model) KEEP_MODEL=1; shift ;;
    --bundle) BUNDLE="${2:-}"; shift 2 ;;
    --conda-env) CONDA_ENV="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$WORKSPACE" ] || { echo "error: --workspace DIR is required (see --help)" >&2; exit 2; }
[ -d "$WORKSPACE" ] || { echo "error: no workspace folder $WORKSPACE" >&2; exit 2; }

# The CLI: $BENCHTOP (a command line), else this checkout's bin/benchtop.js, else benchtop on PATH.
HERE="$(cd "$(dirname "$0")" && pwd)"
if [ -n "${BENCHTOP:-}" ]; then read -r -a CLI <<<"$BENCHTOP"
elif [ -f "$HERE/../bin/benchtop.js" ]; then CLI=(node "$HERE/../bin/benchtop.js")
else CLI=(benchtop); fi
bt() { "${CLI[@]}" --workspace "$WORKSPACE" --json "$@"; }

if [ -n "$LOGS" ]; then mkdir -p "$LOGS" && WORK="$(cd "$LOGS" && pwd)" || exit 2
else
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/benchtop-offline-loop.XXXXXX")"
  # Kept when a step fails: the FAIL line points into it.
  trap '[ "$?" = 0 ] && rm -rf "$WORK"' EXIT
fi
STEP_START=$(date +%s%N)
# Each PASS says how long its step took (what dominates a slow check).
pass() {
  local now ms
  now=$(date +%s%N) ms=$(((now - STEP_START) / 1000000)) STEP_START=$now
  printf 'PASS  %-8s %s [%d.%01d s]\n' "$1" "$2" $((ms / 1000)) $((ms % 1000 / 100))
}
fail() {
  printf 'FAIL  %-8s %s\n      fix: %s\n' "$1" "$2" "$3"
  [ -n "${SERVICE:-}" ] && bt service delete "$SERVICE" >/dev/null 2>&1
  exit 1
}
# json FILE EXPR: EXPR evaluated on the parsed document `j` (empty when the file is not JSON).
json() { node -e 'let j=null;try{j=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"))}catch{}
  const v=(()=>{try{return eval(process.argv[2])}catch{return undefined}})();
  process.stdout.write(v===undefined||v===null?"":typeof v==="string"?v:JSON.stringify(v))' "$1" "$2"; }
# The error and hint of a failed command's --json answer, for the FAIL line.
why() { local m; m="$(json "$1" 'j.error?.message ?? j.reason ?? j.error')"; echo "${m:-$(tail -c 400 "$1")}"; }
hint() { local h; h="$(json "$1" 'j.error?.hint')"; echo "${h:-$2}"; }

# 1. No route out: loopback up, no routes, a connect to public addresses fails at once.
if ip -o link show lo 2>/dev/null | grep -q 'state DOWN'; then
  ip link set lo up 2>/dev/null || fail network "loopback is down and cannot be brought up" "run under unshare -n as root, or unshare -rn"
fi
LINKS="$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | tr '\n' ' ')"
ROUTES="$(ip route show 2>/dev/null; ip -6 route show 2>/dev/null | grep -v '^::1 \|^fe80')"
PROBE="$(node -e 'const net=require("net");let open=[];let left=2;
  for (const [h,p] of [["1.1.1.1",443],["8.8.8.8",53]]) { const s=net.connect({host:h,port:p,timeout:2000});
    const done=(ok)=>{ if(ok) open.push(h+":"+p); s.destroy(); if(--left===0) console.log(open.join(" ")); };
    s.on("connect",()=>done(true)); s.on("error",()=>done(false)); s.on("timeout",()=>done(false)); }')"
if [ -n "$PROBE" ] || [ -n "$ROUTES" ] || [ "$LINKS" != "lo " ]; then
  fail network "this shell has a network (interfaces: ${LINKS}routes: ${ROUTES:-none}; reached: ${PROBE:-nothing})" \
    "run it inside a namespace with only loopback: sudo unshare -n -- $0 ... (or unshare -rn -- $0 ...)"
fi
pass network "interfaces: ${LINKS}- no routes; 1.1.1.1:443 and 8.8.8.8:53 unreachable"

# A queue owner started outside this namespace would start the run WITH the network: refuse that case.
OWNER_PID="$(cut -d' ' -f1 "$WORKSPACE/queue/owner.lock" 2>/dev/null)"
if [ -n "$OWNER_PID" ] && [ -e "/proc/$OWNER_PID" ]; then
  THEIRS="$(readlink "/proc/$OWNER_PID/ns/net" 2>/dev/null)"
  if [ -n "$THEIRS" ] && [ "$THEIRS" != "$(readlink /proc/self/ns/net)" ]; then
    fail queue "the workspace's queue owner (pid $OWNER_PID) runs in another network namespace and would start the run there (with the network, if that is the host's)" \
      "close Benchtop on this workspace and wait 30 s (the owner exits when idle), then run this again"
  fi
fi

# (--bundle) Import first: the environments, models and runs it carries are then used offline like any other.
if [ -n "$BUNDLE" ]; then
  bt import "$BUNDLE" >"$WORK/import.json" 2>"$WORK/import.log"
  PARTS="$(json "$WORK/import.json" 'j.parts.map((p) => `${p.kind} ${p.name}${p.version ? ":" + p.version : ""} ${p.action}`).join(", ")')"
  [ -n "$PARTS" ] || fail import "$BUNDLE: $(why "$WORK/import.json")" "$(hint "$WORK/import.json" "see $WORK/import.log")"
  pass import "$BUNDLE: $PARTS"
fi

# 2. Build from the workspace's wheels only.
env_args() { local ref="$1"; printf '%s\0' -n "${ref%%:*}"; [ "$ref" != "${ref#*:}" ] && printf '%s\0' -v "${ref#*:}"; }
mapfile -d '' ENV_ARGS < <(env_args "$ENV_REF")
# The backend runs use (auto), so the run below finds this very build in the cache.
bt env build "${ENV_ARGS[@]}" --backend auto --offline \
  >"$WORK/build.json" 2>"$WORK/build.log"
[ "$(json "$WORK/build.json" j.state)" = completed ] ||
  fail build "$ENV_REF: $(why "$WORK/build.json")" "$(hint "$WORK/build.json" "see $WORK/build.log")"
pass build "$ENV_REF offline with $(json "$WORK/build.json" j.backend) ($(json "$WORK/build.json" 'j.cached ? "cached" : "built"'), $(json "$WORK/build.json" j.python))"

# (--conda-env) A conda file solved and installed by rattler from local channels only.
if [ -n "$CONDA_ENV" ]; then
  mapfile -d '' CONDA_ARGS < <(env_args "$CONDA_ENV")
  bt env build "${CONDA_ARGS[@]}" --backend rattler --offline >"$WORK/conda.json" 2>"$WORK/conda.log"
  [ "$(json "$WORK/conda.json" j.state)" = completed ] ||
    fail conda "$CONDA_ENV: $(why "$WORK/conda.json")" "$(hint "$WORK/conda.json" "see $WORK/conda.log")"
  pass conda "$CONDA_ENV with rattler from its local channels ($(json "$WORK/conda.json" 'j.cached ? "cached" : "built"') at $(json "$WORK/conda.json" j.path))"
fi

# The project: a training script that proves it saw no network, and a scoring script that says what it saw.
mkdir -p "$WORK/project"
cat >"$WORK/project/train.py" <<EOF
import json, os, socket, sys
from azureml.core import Run
for module in [${IMPORTS[*]+$(printf '"%s", ' "${IMPORTS[@]}")}]:
    __import__(module)
# if_nameindex asks the kernel about this process's own network namespace (/sys/class/net shows the mounter's).
links = sorted(name for _, name in socket.if_nameindex())
print("interfaces:", " ".join(links))
if sys.argv[1:] == ["local"] and links != ["lo"]:
    sys.exit("This run has a network: it was started outside the namespace.")
run = Run.get_context()
run.log("accuracy", 0.93)
os.makedirs("outputs", exist_ok=True)
with open("outputs/model.json", "w") as f:
    json.dump({"weight": 2, "interfaces": links}, f)
EOF
cat >"$WORK/project/score.py" <<'EOF'
import json, os, socket
def init():
    global MODEL
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "model.json")) as f:
        MODEL = json.load(f)
def run(raw):
    return {"y": [MODEL["weight"] * x for x in json.loads(raw)["data"]], "interfaces": sorted(n for _, n in socket.if_nameindex())}
EOF

# 3. A run of the script in the environment.
submit() { # TARGET OUTFILE
  bt run submit -d "$WORK/project" -s train.py -e "$ENV_REF" -x offline-loop --target "$1" --wait \
    --tag offline-loop="$1" -- "$1" >"$2" 2>"$2.log"
}
submit local "$WORK/run.json"
RUN_ID="$(json "$WORK/run.json" j.id)"
[ "$(json "$WORK/run.json" j.status)" = Completed ] ||
  fail run "${RUN_ID:-the run}: $(why "$WORK/run.json")" "$(hint "$WORK/run.json" "see benchtop run logs $RUN_ID")"
pass run "$RUN_ID Completed, accuracy $(json "$WORK/run.json" j.metrics.accuracy)"

# 4. Register the run's output as a model.
MODEL="offline-loop-check"
bt model register -n "$MODEL" --run "$RUN_ID" -p outputs/model.json >"$WORK/model.json" 2>&1
MODEL_ID="$(json "$WORK/model.json" j.id)"
[ -n "$MODEL_ID" ] || fail register "$(why "$WORK/model.json")" "$(hint "$WORK/model.json" "see benchtop model list")"
pass register "$MODEL_ID from $RUN_ID ($(json "$WORK/model.json" j.size) bytes)"

# 5. Deploy it as a local service, then 6. score it over 127.0.0.1.
SERVICE="offline-loop-check"
bt service deploy -n "$SERVICE" -m "$MODEL_ID" --entry-script score.py -d "$WORK/project" -e "$ENV_REF" --port "$PORT" \
  >"$WORK/service.json" 2>"$WORK/service.log"
[ "$(json "$WORK/service.json" j.state)" = running ] ||
  fail deploy "$(why "$WORK/service.json")" "$(hint "$WORK/service.json" "see benchtop service logs $SERVICE")"
pass deploy "$SERVICE running on port $PORT"
SCORE="$(node -e 'const http=require("http");const body=JSON.stringify({data:[1,2,3]});
  const req=http.request({host:"127.0.0.1",port:+process.argv[1],path:"/score",method:"POST",timeout:10000,
    headers:{"Content-Type":"application/json","Content-Length":Buffer.byteLength(body)}},(res)=>{let s="";
    res.on("data",(d)=>s+=d).on("end",()=>console.log(res.statusCode+" "+s))});
  req.on("timeout",()=>req.destroy(new Error("timed out"))).on("error",(e)=>console.log("0 "+e.message));req.end(body)' "$PORT")"
case "$SCORE" in
  '200 {"y": [2, 4, 6], "interfaces": ["lo"]}') pass score "POST http://127.0.0.1:$PORT/score -> ${SCORE}" ;;
  *) fail score "POST http://127.0.0.1:$PORT/score answered: $SCORE" "see benchtop service logs $SERVICE" ;;
esac
bt service delete "$SERVICE" >/dev/null 2>&1
SERVICE=""
[ "$KEEP_MODEL" = 1 ] || bt model delete "$MODEL_ID" >/dev/null 2>&1

# 7. (--docker) The same environment as an image from the engine's base image, and the run in a container.
if [ "$DOCKER" = 1 ]; then
  bt env build "${ENV_ARGS[@]}" --backend docker --offline >"$WORK/image.json" 2>"$WORK/image.log"
  [ "$(json "$WORK/image.json" j.state)" = completed ] ||
    fail image "$(why "$WORK/image.json")" "$(hint "$WORK/image.json" "see $WORK/image.log")"
  pass image "$(json "$WORK/image.json" j.image) $(json "$WORK/image.json" 'j.cached ? "cached on the engine" : "built offline (its steps had no network)"')"
  submit docker "$WORK/crun.json"
  [ "$(json "$WORK/crun.json" j.status)" = Completed ] ||
    fail container "$(why "$WORK/crun.json")" "$(hint "$WORK/crun.json" "see benchtop run logs $(json "$WORK/crun.json" j.id)")"
  SEEN="$(grep -ao 'interfaces: .*' "$WORKSPACE/runs/$(json "$WORK/crun.json" j.id)/output.log" | tr -d '\r')"
  pass container "$(json "$WORK/crun.json" j.id) Completed in the image, accuracy $(json "$WORK/crun.json" j.metrics.accuracy)"
  [ "$SEEN" = "interfaces: lo" ] ||
    echo "NOTE  container the run's container saw $SEEN: run containers are on the engine's default network, outside this namespace (only image builds get --network none)"
fi
echo "PASS  the whole loop ran with no network"
