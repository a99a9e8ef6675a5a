#!/usr/bin/env bash
# Sweet vs its peers (nginx, h2o, Elysia on Bun, Fastify on Node, FastAPI on uvicorn) in one run.
#
#   bench/run-peers.sh
#
# Builds Sweet's benchmark server (Release), then for each server in turn, alone on the machine:
# starts it pinned to CPU 0, checks its endpoints, and runs the wrk scenarios pinned to CPU 1
# (plaintext keep-alive, plaintext pipelined 16 deep, JSON keep-alive, the validated POST route; for
# Sweet also the hooks scenario; on request, static files of 4 KiB and 1 MiB), each after a warm-up, reading the server's CPU time from /proc
# before and after; then restarts it and measures its RSS per idle keep-alive connection. Prints a
# Markdown report and writes it to bench/results/$REPORT_NAME-<date>.md (raw outputs in
# bench/results/raw/<timestamp>/). See bench/README.md.
#
# Environment knobs:
#   DURATION=10        seconds per measured wrk run
#   CONNECTIONS=64     wrk connections (wrk always runs one thread: -t1)
#   SERVERS="sweet nginx h2o elysia fastify fastapi"   subset/order; "sweet" = sweet-io_uring + sweet-epoll
#   SCENARIOS="plaintext pipeline json validated hooks"   subset (validated: the servers that have the
#                      route, i.e. all but nginx and h2o; hooks: Sweet only); also file4k, file64k,
#                      file256k, file1m (static files on Sweet, nginx and h2o) and the same with -mem
#                      (Sweet reading the file into memory instead of using sendfile)
#   HOOK_ROUNDS=1      how many times the hooks scenario's runs are repeated (alternating)
#   REPORT_NAME=peers  the report is bench/results/$REPORT_NAME-<date>.md
#   SKIP_BUILD=0       1: use the existing build/bench-release/bench/sweet_bench_server
#   BUILD_JOBS=2       parallel compile jobs of that build (the machine is shared)
#   WARMUP=2           seconds of wrk before each measured run (not measured)
#   PIPELINE_DEPTH=16  requests per write in the pipelined scenario
#   IDLE_CONNS=10000   connections of the idle-RSS measurement (0 skips it)
#   SERVER_CPU=0 CLIENT_CPU=1   the cores given to taskset
#   SCHED=rr           scheduling of the servers and wrk, so that other users' jobs on this shared
#                      machine disturb the runs less: rr = SCHED_RR priority 1 (`chrt -r 1`; the kernel's
#                      RT throttling still leaves others 5% of each core), nice = `nice -n $NICE`,
#                      none = leave it alone
#   NICE=-10           nice value for SCHED=nice
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
PY=/usr/bin/python3
TOOLS=$BENCH/tools

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
SERVERS=${SERVERS:-"sweet nginx h2o elysia fastify fastapi"}
SCENARIOS=${SCENARIOS:-"plaintext pipeline json validated hooks"}
HOOK_ROUNDS=${HOOK_ROUNDS:-1}
REPORT_NAME=${REPORT_NAME:-peers}
BUILD_JOBS=${BUILD_JOBS:-2}
SKIP_BUILD=${SKIP_BUILD:-0}
WARMUP=${WARMUP:-2}
PIPELINE_DEPTH=${PIPELINE_DEPTH:-16}
IDLE_CONNS=${IDLE_CONNS:-10000}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
SCHED=${SCHED:-rr}
NICE=${NICE:--10}
BUILD_DIR=$ROOT/build/bench-release
SWEET_BIN=$BUILD_DIR/bench/sweet_bench_server

log() { printf '[run-peers] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

[[ -x $PY ]] || die "$PY not found (apt-get install python3)"
[[ $DURATION =~ ^[0-9]+$ && $DURATION -gt 0 ]] || die "DURATION must be a positive integer (seconds)"
[[ $CONNECTIONS =~ ^[0-9]+$ && $CONNECTIONS -gt 0 ]] || die "CONNECTIONS must be a positive integer"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be an integer (seconds)"
[[ $IDLE_CONNS =~ ^[0-9]+$ ]] || die "IDLE_CONNS must be an integer"
[[ $NICE =~ ^-?[0-9]+$ ]] || die "NICE must be an integer"
[[ $BUILD_JOBS =~ ^[0-9]+$ && $BUILD_JOBS -gt 0 ]] || die "BUILD_JOBS must be a positive integer"
[[ $HOOK_ROUNDS =~ ^[0-9]+$ && $HOOK_ROUNDS -gt 0 ]] || die "HOOK_ROUNDS must be a positive integer"
[[ $REPORT_NAME =~ ^[A-Za-z0-9_.-]+$ ]] || die "REPORT_NAME must be a plain file-name part (letters, digits, . _ -)"
for sc in $SCENARIOS; do
  case $sc in
    plaintext | pipeline | json | validated | hooks) ;;
    file4k | file64k | file256k | file1m | file4k-mem | file64k-mem | file256k-mem | file1m-mem) ;;
    *) die "unknown scenario '$sc' in SCENARIOS (known: plaintext pipeline json validated hooks, file4k file64k file256k file1m and each with -mem)" ;;
  esac
done
[[ -n ${SCENARIOS// /} ]] || die "SCENARIOS is empty"
runs_scenario() { [[ " $SCENARIOS " == *" $1 "* ]]; }
PRIO=()
case $SCHED in
  rr)
    PRIO=(chrt -r 1)
    if ! chrt -r 1 true 2>/dev/null; then
      log "warning: cannot use SCHED_RR here (chrt -r 1 failed); using SCHED=nice"
      SCHED="nice"
    fi
    ;;
  nice | none) ;;
  *) die "SCHED must be rr, nice or none" ;;
esac
if [[ $SCHED == nice ]]; then
  PRIO=(nice -n "$NICE")
  if [[ $(nice -n "$NICE" nice 2>/dev/null) != "$(($(nice) + NICE))" ]]; then
    log "warning: cannot run at nice $NICE here; leaving priorities alone"
    SCHED="none"
  fi
fi
[[ $SCHED == none ]] && PRIO=()
case $SCHED in
  rr) SCHED_DESC="SCHED_RR priority 1 (chrt -r 1)" ;;
  nice) SCHED_DESC="nice $NICE" ;;
  none) SCHED_DESC="default scheduling" ;;
esac

# ---------------------------------------------------------------------------------------------
# Which servers: "sweet" means both of Sweet's backends, as two rows.
# ---------------------------------------------------------------------------------------------
ENTRIES=()
for s in $SERVERS; do
  case $s in
    sweet) ENTRIES+=(sweet-io_uring sweet-epoll) ;;
    sweet-io_uring | sweet-epoll | nginx | h2o | elysia | fastify | fastapi) ENTRIES+=("$s") ;;
    *) die "unknown server '$s' in SERVERS (known: sweet sweet-io_uring sweet-epoll nginx h2o elysia fastify fastapi)" ;;
  esac
done
((${#ENTRIES[@]})) || die "SERVERS is empty"
wants() { local e; for e in "${ENTRIES[@]}"; do [[ $e == "$1"* ]] && return 0; done; return 1; }
# The servers that serve POST /validated/{id} (nginx and h2o have no JSON schema validation) and
# the ones with /hooks0 and /hooks5 (Sweet's benchmark server only).
has_validated() { [[ $1 == sweet-* || $1 == elysia || $1 == fastify || $1 == fastapi ]]; }
has_hooks() { [[ $1 == sweet-* ]]; }
# The servers that serve static files in the file scenarios (the others have no such route).
has_files() { [[ $1 == sweet-* || $1 == nginx || $1 == h2o ]]; }
runs_files() { [[ " $SCENARIOS " == *" file"* ]]; }

STAMP=$(date +%Y%m%d-%H%M%S)
RAW=$BENCH/results/raw/$STAMP
REPORT=$BENCH/results/$REPORT_NAME-$(date +%F).md
RECORDS=$RAW/records.jsonl
mkdir -p "$RAW"
RUN_DIR=$(mktemp -d /tmp/sweet-bench.XXXXXX)
# The file scenarios' files, readable by every server (h2o drops to the user nobody, so not inside
# RUN_DIR, which only root may enter): 4 KiB to 1 MiB.
STATIC_DIR=$(mktemp -d /tmp/sweet-bench-files.XXXXXX)
chmod 755 "$STATIC_DIR"
head -c 4096 /dev/urandom >"$STATIC_DIR/4k.bin"
head -c 65536 /dev/urandom >"$STATIC_DIR/64k.bin"
head -c 262144 /dev/urandom >"$STATIC_DIR/256k.bin"
head -c 1048576 /dev/urandom >"$STATIC_DIR/1m.bin"
chmod 644 "$STATIC_DIR"/*.bin
STARTED=()       # every server PID this script started
FAILED=0
declare -A DEAD  # entries that cannot run at all

record() { "$PY" "$TOOLS/peers_report.py" add "$RECORDS" "$@"; }
fail() { # server scenario reason
  log "FAILED: $1 ($2): $3"
  record kind=fail server="$1" scenario="$2" reason="$3"
  if [[ $2 == all ]]; then DEAD[$1]=1; fi
  FAILED=1
}

alive() { kill -0 "$1" 2>/dev/null; }

stop_server() {
  local pid=$1 pids i
  alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
  pids=$("$PY" "$TOOLS/procstat.py" tree "$pid" 2>/dev/null || echo "$pid")
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 50); do alive "$pid" || break; sleep 0.1; done
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # (invoked by the trap)
cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in "${STARTED[@]}"; do stop_server "$pid"; done
  # keep the servers' configs and logs next to the raw results
  if [[ -d $RUN_DIR ]]; then
    mkdir -p "$RAW/servers"
    cp -r "$RUN_DIR"/. "$RAW/servers/" 2>/dev/null || true
    rm -rf "$RUN_DIR"
  fi
  rm -rf "$STATIC_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Tools: apt (wrk, nginx-light, h2o, node) and npm (the JS peers). Installed only when missing.
# ---------------------------------------------------------------------------------------------
APT=()
command -v wrk >/dev/null || APT+=(wrk)
command -v taskset >/dev/null || APT+=(util-linux)
wants nginx && ! command -v nginx >/dev/null && APT+=(nginx-light)
wants h2o && ! command -v h2o >/dev/null && APT+=(h2o)
{ wants elysia || wants fastify; } && ! command -v npm >/dev/null && APT+=(nodejs npm)
# FastAPI comes from Debian (PyPI is not used): fastapi, pydantic, uvicorn, email-validator (EmailStr),
# and uvloop + httptools, uvicorn's fast event loop and HTTP parser.
if wants fastapi; then
  for mod in fastapi:python3-fastapi pydantic:python3-pydantic uvicorn:python3-uvicorn \
             email_validator:python3-email-validator uvloop:python3-uvloop httptools:python3-httptools; do
    "$PY" -c "import ${mod%%:*}" 2>/dev/null || APT+=("${mod#*:}")
  done
fi
if wants sweet && [[ $SKIP_BUILD != 1 ]]; then
  command -v cmake >/dev/null || APT+=(cmake)
  command -v ninja >/dev/null || APT+=(ninja-build)
fi
if ((${#APT[@]})); then
  log "apt-get install ${APT[*]}"
  # Keep Debian's maintainer scripts from starting system nginx/h2o services during the install.
  POLICY_RC=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && POLICY_RC=1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT[@]}" >"$RAW/apt.log" 2>&1 \
    || { ((POLICY_RC)) && rm -f /usr/sbin/policy-rc.d; die "apt-get install ${APT[*]} failed (see $RAW/apt.log)"; }
  ((POLICY_RC)) && rm -f /usr/sbin/policy-rc.d
fi

BUN=$BENCH/peers/elysia/node_modules/.bin/bun
npm_install() { # dir name
  log "npm install in bench/peers/$2"
  (cd "$1" && npm install --no-audit --no-fund --no-package-lock --loglevel=error) >"$RAW/npm-$2.log" 2>&1
}
if wants elysia; then
  if ! npm_install "$BENCH/peers/elysia" elysia; then
    fail elysia all "npm install failed: $(tail -n 3 "$RAW/npm-elysia.log" | tr '\n' ' ')"
  elif ! "$BUN" --version >/dev/null 2>"$RAW/bun-version.err"; then
    fail elysia all "the npm package 'bun' gave no working binary: $(head -c 300 "$RAW/bun-version.err")"
  fi
fi
if wants fastify && ! npm_install "$BENCH/peers/fastify" fastify; then
  fail fastify all "npm install failed: $(tail -n 3 "$RAW/npm-fastify.log" | tr '\n' ' ')"
fi

# ---------------------------------------------------------------------------------------------
# Sweet's benchmark server, Release build
# ---------------------------------------------------------------------------------------------
if wants sweet; then
  if [[ $SKIP_BUILD != 1 ]]; then
    if [[ ! -f $BENCH/servers/sweet_bench_server.cpp ]]; then
      for e in "${ENTRIES[@]}"; do [[ $e == sweet-* ]] && fail "$e" all "bench/servers/sweet_bench_server.cpp does not exist yet: not built"; done
    else
      log "building sweet_bench_server (Release) in build/bench-release"
      LAUNCHER=()
      command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
      if ! { cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWEET_BUILD_TESTS=OFF "${LAUNCHER[@]}" &&
             cmake --build "$BUILD_DIR" --target sweet_bench_server --parallel "$BUILD_JOBS"; } >"$RAW/build.log" 2>&1; then
        tail -n 20 "$RAW/build.log" >&2
        for e in "${ENTRIES[@]}"; do [[ $e == sweet-* ]] && fail "$e" all "build failed (see bench/results/raw/$STAMP/build.log)"; done
      fi
    fi
  fi
  if [[ ! -x $SWEET_BIN ]] && [[ -z ${DEAD[sweet-io_uring]:-}${DEAD[sweet-epoll]:-} ]]; then
    for e in "${ENTRIES[@]}"; do [[ $e == sweet-* ]] && fail "$e" all "$SWEET_BIN does not exist (SKIP_BUILD=$SKIP_BUILD)"; done
  fi
fi

# ---------------------------------------------------------------------------------------------
# Limits, ports, metadata
# ---------------------------------------------------------------------------------------------
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
NOFILE=$(ulimit -n)
[[ $NOFILE == unlimited ]] && NOFILE=1048576
MAXCONN=$((NOFILE - 128))
if ((IDLE_CONNS > 0 && NOFILE < IDLE_CONNS + 128)); then
  log "warning: open-file limit is $NOFILE, too low for IDLE_CONNS=$IDLE_CONNS (root cannot raise the hard limit here)"
fi
read -r -a PORTS <<<"$("$PY" "$TOOLS/procstat.py" free-ports $((4 * ${#ENTRIES[@]})))"

CPU_MODEL=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
record kind=meta key=date value="$(date +%F)"
record kind=meta key=datetime value="$(date '+%F %T %Z')"
record kind=meta key=kernel value="$(uname -srm)"
record kind=meta key=cpu value="${CPU_MODEL:-unknown}"
record kind=meta key=cores value="$(nproc)"
record kind=meta key=pipeline_depth value="$PIPELINE_DEPTH"
record kind=meta key=load_start value="$(cut -d' ' -f1-3 /proc/loadavg)"
record kind=meta key=params value="DURATION=${DURATION}s, CONNECTIONS=${CONNECTIONS}, wrk -t1, warm-up ${WARMUP}s per scenario, pipeline depth ${PIPELINE_DEPTH}, IDLE_CONNS=${IDLE_CONNS}, servers on CPU ${SERVER_CPU} (taskset), wrk and the idle client on CPU ${CLIENT_CPU}, servers and wrk with ${SCHED_DESC}, SERVERS=\"${SERVERS}\", SCENARIOS=\"${SCENARIOS}\", HOOK_ROUNDS=${HOOK_ROUNDS}, open-file limit ${NOFILE}; $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-3)"
record kind=meta key=order_bytes value="$(wc -c <"$BENCH/wrk/order.json")"

version_of() {
  case $1 in
    nginx) nginx -v 2>&1 | sed 's/^nginx version: //' ;;
    h2o) h2o --version 2>/dev/null | head -n1 ;;
    elysia) echo "elysia $(node -p "require('$BENCH/peers/elysia/node_modules/elysia/package.json').version" 2>/dev/null) on bun $("$BUN" --version 2>/dev/null)" ;;
    fastify) echo "fastify $(node -p "require('$BENCH/peers/fastify/node_modules/fastify/package.json').version" 2>/dev/null) on node $(node --version 2>/dev/null)" ;;
    fastapi) "$PY" -c 'import sys, fastapi, pydantic, uvicorn, uvloop, httptools
print(f"fastapi {fastapi.__version__}, pydantic {pydantic.VERSION} (compiled: {pydantic.compiled}), "
      f"uvicorn {uvicorn.__version__} with uvloop {uvloop.__version__} and httptools {httptools.__version__}, "
      f"python {sys.version.split()[0]} (Debian packages)")' 2>/dev/null || echo "fastapi (version unknown)" ;;
    sweet-*)
      local v
      v="commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo none), Release build"
      [[ $SKIP_BUILD == 1 ]] && v+=" (SKIP_BUILD=1: existing binary)"
      echo "$v" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------
# Command prefixes. taskset, chrt and nice exec the command, so $! of "${ON_SERVER_CPU[@]} CMD &" is
# the server's own PID (a shell function would put a subshell in between). The idle-connection client
# runs at normal priority (it measures memory, not time).
ON_SERVER_CPU=(taskset -c "$SERVER_CPU" "${PRIO[@]}")
ON_CLIENT_CPU=(taskset -c "$CLIENT_CPU" "${PRIO[@]}")

SERVER_PID=
start_server() { # entry port tag [extra server flags...] -> SERVER_PID; non-zero if it does not answer correctly
  local name=$1 port=$2 dir=$RUN_DIR/$1-$3 checks=()
  shift 3
  mkdir -p "$dir"
  case $name in
    nginx)
      sed -e "s|@PORT@|$port|g" -e "s|@RUNDIR@|$dir|g" -e "s|@NOFILE@|$NOFILE|g" \
          -e "s|@WORKER_CONNECTIONS@|$MAXCONN|g" -e "s|@STATIC@|$STATIC_DIR|g" \
          "$BENCH/peers/nginx/nginx.conf.in" >"$dir/nginx.conf"
      "${ON_SERVER_CPU[@]}" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/server.log" 2>&1 &
      ;;
    h2o)
      sed -e "s|@PORT@|$port|g" -e "s|@RUNDIR@|$dir|g" -e "s|@MAXCONN@|$MAXCONN|g" -e "s|@STATIC@|$STATIC_DIR|g" \
          "$BENCH/peers/h2o/h2o.conf.in" >"$dir/h2o.conf"
      "${ON_SERVER_CPU[@]}" h2o -c "$dir/h2o.conf" >"$dir/server.log" 2>&1 &
      ;;
    elysia)
      "${ON_SERVER_CPU[@]}" env NODE_ENV=production PORT="$port" "$BUN" "$BENCH/peers/elysia/server.ts" \
        >"$dir/server.log" 2>&1 &
      ;;
    fastify)
      "${ON_SERVER_CPU[@]}" env NODE_ENV=production PORT="$port" node "$BENCH/peers/fastify/server.js" \
        >"$dir/server.log" 2>&1 &
      ;;
    fastapi)
      # One process (uvicorn runs --workers 1 without a supervisor), uvloop and httptools, no access
      # log; keep-alive held for an hour for the idle-connection measurement (uvicorn's default is 5 s).
      "${ON_SERVER_CPU[@]}" "$PY" -m uvicorn app:app --app-dir "$BENCH/peers/fastapi" --host 127.0.0.1 --port "$port" \
        --workers 1 --no-access-log --log-level warning --loop uvloop --http httptools \
        --timeout-keep-alive 3600 --backlog 4096 >"$dir/server.log" 2>&1 &
      ;;
    sweet-io_uring | sweet-epoll)
      "${ON_SERVER_CPU[@]}" "$SWEET_BIN" --port "$port" --workers 1 --backend "${name#sweet-}" --static "$STATIC_DIR" "$@" \
        >"$dir/server.log" 2>&1 &
      ;;
  esac
  SERVER_PID=$!
  STARTED+=("$SERVER_PID")
  has_validated "$name" && checks+=(--validated)
  has_hooks "$name" && checks+=(--hooks)
  [[ " $* " == *" --hooks-group 1 "* ]] && checks+=(--hooks5)
  if runs_files && has_files "$name"; then
    checks+=(--static "$STATIC_DIR")
    [[ $name == sweet-* ]] && checks+=(--static-mem)
  fi
  if ! "$PY" "$TOOLS/check_server.py" --port "$port" --pid "$SERVER_PID" --wait 30 "${checks[@]}" 2>"$dir/check.err"; then
    cat "$dir/check.err" >&2
    tail -n 5 "$dir/server.log" "$dir/error.log" 2>/dev/null >&2 || true
    return 1
  fi
}

measure_wrk() { # entry scenario pid url script depth [measure.py --tag KEY=VALUE ...]: warm-up, then one measured run
  local name=$1 sc=$2 pid=$3 url=$4 script=$5 depth=$6 raw
  shift 6
  raw=$sc
  for t in "$@"; do [[ $t == --tag ]] || raw+="-${t#*=}"; done
  # Every scenario runs a script that includes wrk/pipeline.lua: with depth 1 it leaves wrk's requests
  # alone (plain keep-alive) and only adds latency percentiles without wrk's coordinated-omission correction.
  local args=(-s "$BENCH/wrk/$script" "$url" -- "$depth" "$CONNECTIONS")
  if ((WARMUP > 0)); then
    "${ON_CLIENT_CPU[@]}" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "${args[@]}" >"$RAW/$name-$raw-warmup.txt" 2>&1 || true
  fi
  if ! alive "$pid"; then
    fail "$name" "$sc" "server exited during the warm-up (see raw/$STAMP/servers/)"
    return 1
  fi
  "$PY" "$TOOLS/measure.py" --pid "$pid" --server "$name" --scenario "$sc" --raw "$RAW/$name-$raw.txt" \
    --records "$RECORDS" "$@" -- "${ON_CLIENT_CPU[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${args[@]}" \
    || FAILED=1
  alive "$pid" || { fail "$name" "$sc" "server exited during the run"; return 1; }
}

run_wrk_scenarios() { # entry port pid
  local name=$1 port=$2 pid=$3 sc
  for sc in plaintext pipeline json validated file4k file4k-mem file64k file64k-mem file256k file256k-mem file1m file1m-mem; do
    runs_scenario "$sc" || continue
    case $sc in
      plaintext) measure_wrk "$name" "$sc" "$pid" "http://127.0.0.1:$port/plaintext" pipeline.lua 1 || return 1 ;;
      pipeline) measure_wrk "$name" "$sc" "$pid" "http://127.0.0.1:$port/plaintext" pipeline.lua "$PIPELINE_DEPTH" || return 1 ;;
      json) measure_wrk "$name" "$sc" "$pid" "http://127.0.0.1:$port/json" pipeline.lua 1 || return 1 ;;
      validated)
        has_validated "$name" || continue
        measure_wrk "$name" "$sc" "$pid" "http://127.0.0.1:$port/validated/42" validated.lua 1 || return 1 ;;
      file4k | file64k | file256k | file1m)
        has_files "$name" || continue
        measure_wrk "$name" "$sc" "$pid" "http://127.0.0.1:$port/static/${sc#file}.bin" pipeline.lua 1 || return 1 ;;
      file4k-mem | file64k-mem | file256k-mem | file1m-mem)
        [[ $name == sweet-* ]] || continue
        local size=${sc#file}
        measure_wrk "$name" "$sc" "$pid" "http://127.0.0.1:$port/static-mem/${size%-mem}.bin" pipeline.lua 1 || return 1 ;;
    esac
  done
}

# The hooks scenario (Sweet only): GET /hooks0 (no hooks) on the server already running, GET /hooks5
# (a group with five no-op hooks composed at compile time) on a second instance started with
# `--hooks-group 1`, and GET /hooks0 on a third started with `--app-hooks 5` (five no-op app-wide
# hooks, installed at run time); each keep-alive and pipelined, one after the other, HOOK_ROUNDS
# times. Separate instances because an after_response hook anywhere makes the server time every
# request (two clock reads), so the baseline must come from a server without one.
run_hooks_scenario() { # entry port pid group_port app_port
  local name=$1 port=$2 pid=$3 group_port=$4 app_port=$5 group_pid='' app_pid='' round mode depth
  if start_server "$name" "$group_port" hooksgroup --hooks-group 1; then
    group_pid=$SERVER_PID
  else
    fail "$name" hooks5 "the server with --hooks-group 1 did not answer correctly: $(tr '\n' ' ' <"$RUN_DIR/$name-hooksgroup/check.err")"
    stop_server "$SERVER_PID"
  fi
  if start_server "$name" "$app_port" apphooks --app-hooks 5; then
    app_pid=$SERVER_PID
  else
    fail "$name" hooks-app5 "the server with --app-hooks 5 did not answer correctly: $(tr '\n' ' ' <"$RUN_DIR/$name-apphooks/check.err")"
    stop_server "$SERVER_PID"
  fi
  for round in $(seq "$HOOK_ROUNDS"); do
    for mode in keep-alive pipelined; do
      depth=1
      [[ $mode == pipelined ]] && depth=$PIPELINE_DEPTH
      measure_wrk "$name" hooks0 "$pid" "http://127.0.0.1:$port/hooks0" pipeline.lua "$depth" \
        --tag mode=$mode --tag round="$round" || break 2
      if [[ -n $group_pid ]]; then
        measure_wrk "$name" hooks5 "$group_pid" "http://127.0.0.1:$group_port/hooks5" pipeline.lua "$depth" \
          --tag mode=$mode --tag round="$round" || { stop_server "$group_pid"; group_pid=; }
      fi
      if [[ -n $app_pid ]]; then
        measure_wrk "$name" hooks-app5 "$app_pid" "http://127.0.0.1:$app_port/hooks0" pipeline.lua "$depth" \
          --tag mode=$mode --tag round="$round" || { stop_server "$app_pid"; app_pid=; }
      fi
    done
  done
  [[ -n $group_pid ]] && stop_server "$group_pid"
  [[ -n $app_pid ]] && stop_server "$app_pid"
  return 0
}

i=0
for e in "${ENTRIES[@]}"; do
  port=${PORTS[$((4 * i))]} idle_port=${PORTS[$((4 * i + 1))]}
  group_port=${PORTS[$((4 * i + 2))]} app_hooks_port=${PORTS[$((4 * i + 3))]}
  i=$((i + 1))
  [[ -n ${DEAD[$e]:-} ]] && continue
  record kind=version server="$e" version="$(version_of "$e")"

  log "$e: throughput on 127.0.0.1:$port (server on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU)"
  if start_server "$e" "$port" wrk; then
    main_pid=$SERVER_PID
    run_wrk_scenarios "$e" "$port" "$main_pid" || true
    if runs_scenario hooks && has_hooks "$e" && alive "$main_pid"; then
      run_hooks_scenario "$e" "$port" "$main_pid" "$group_port" "$app_hooks_port"
    fi
    SERVER_PID=$main_pid
  else
    fail "$e" all "did not answer its endpoints correctly: $(tr '\n' ' ' <"$RUN_DIR/$e-wrk/check.err")"
  fi
  stop_server "$SERVER_PID"

  if ((IDLE_CONNS > 0)); then
    log "$e: RSS per idle connection ($IDLE_CONNS connections) on 127.0.0.1:$idle_port"
    if start_server "$e" "$idle_port" idle; then
      if out=$(taskset -c "$CLIENT_CPU" "$PY" "$TOOLS/idle_conns.py" --port "$idle_port" --pid "$SERVER_PID" \
                 --count "$IDLE_CONNS" 2>"$RAW/$e-idle.err"); then :; else FAILED=1; fi
      printf '%s\n' "$out" >"$RAW/$e-idle.json"
      log "$e: $out"
      if [[ -n $out ]]; then
        printf '%s\n' "$out" | "$PY" "$TOOLS/peers_report.py" add-json "$RECORDS" kind=idle server="$e"
      else
        fail "$e" idle "idle_conns.py printed nothing: $(tail -n 3 "$RAW/$e-idle.err" | tr '\n' ' ')"
      fi
    else
      fail "$e" idle "did not answer correctly: $(tr '\n' ' ' <"$RUN_DIR/$e-idle/check.err")"
    fi
    stop_server "$SERVER_PID"
  fi
done

record kind=meta key=load_end value="$(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$PY" "$TOOLS/peers_report.py" render "$RECORDS" --out "$REPORT"
echo
log "report: ${REPORT#"$ROOT"/}; raw outputs: ${RAW#"$ROOT"/}/"
exit "$FAILED"
