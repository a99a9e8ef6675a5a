#!/usr/bin/env bash
# Installs the Debian 12 packages and npm trees Sweet needs, and only those that are missing.
#
#   scripts/install-deps.sh            everything needed to build and run every test (default)
#   scripts/install-deps.sh --serve    only what building and serving the examples needs
#   scripts/install-deps.sh --bench    the serve set plus the benchmark peers' Debian packages (FastAPI, wrk)
#   scripts/install-deps.sh --check    print what is missing and exit 1 if anything is; install nothing
#   scripts/install-deps.sh --print    print the Debian package list and exit
#
# The checks are local (dpkg-query, and each npm tree's installed versions against its lock
# file), so when nothing is missing this is fast and works offline: `apt-get update` and
# `npm ci` only run when something really has to be installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Building the library and the examples (the README's first command).
SERVE_PACKAGES=(
    g++              # the default compiler (g++ 12 on Debian 12)
    cmake            # the build system (3.25)
    ninja-build      # the generator every script uses
    pkg-config       # liburing and hiredis ship only .pc files
    liburing-dev     # the io_uring reactor backend
    libfmt-dev       # formatting and logging
    libsimdjson-dev  # JSON bodies
    libhiredis-dev   # the Redis adapter
    zlib1g-dev       # response compression
    curl             # the README's `curl localhost:8000/`
)
# npm trees installed with `npm ci` from their committed lock files.
SERVE_NPM_DIRS=(
    src/app/docs-ui  # Swagger UI, compiled into the library for the /docs page (cmake/SweetDocsUi.cmake)
)
TEST_NPM_DIRS=(
    tests/openapi    # @redocly/cli (lints /openapi.json) and playwright-core (drives chromium on /docs)
)
# The oldest Node.js that runs everything in the npm trees (@redocly/cli and playwright-core
# need 20.19; Debian 12's own nodejs is 18, enough for src/app/docs-ui alone).
NODE_MIN_TEST_VERSION=20.19.0
# Additionally needed by scripts/test.sh (unit, end-to-end, sanitizer and fuzz stages).
TEST_PACKAGES=(
    catch2              # unit tests (Catch2 v2)
    libbenchmark-dev    # micro-benchmarks, built by the release stage
    clang-14            # the fuzz stage, and the clang warning check
    libclang-rt-14-dev  # libFuzzer and clang's sanitizer runtimes
    python3-pytest      # end-to-end tests run with /usr/bin/python3 -m pytest
    python3-requests    # end-to-end HTTP client
    python3-httpx       # end-to-end HTTP client (HTTP/1.1 pipelining, streaming)
    redis-server        # end-to-end tests of the Redis adapter start their own server
    procps              # ps/pgrep/kill, used to manage the servers the end-to-end tests start
    chromium            # end-to-end test of the /docs page in a real browser (headless)
    python3-hypothesis  # property-based test of typed requests (tests/e2e/test_property.py)
    python3-jsonschema  # its oracle: what the published JSON Schema accepts
    python3-prometheus-client  # parses /metrics in tests/e2e/test_middleware.py
)
# Additionally needed by bench/run-peers.sh's FastAPI peer (`--bench`; not by the tests).
BENCH_PACKAGES=(
    wrk python3-fastapi python3-pydantic python3-uvicorn python3-uvloop python3-httptools python3-email-validator
)

usage() { sed -n '2,11s/^# \{0,1\}//p' "$0"; }

mode=all
check_only=0
print_only=0
while (($#)); do
    case "$1" in
        --serve) mode=serve ;;
        --bench) mode=bench ;;
        --all) mode=all ;;
        --check) check_only=1 ;;
        --print) print_only=1 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install-deps.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

wanted=("${SERVE_PACKAGES[@]}")
npm_dirs=("${SERVE_NPM_DIRS[@]}")
if [[ $mode == all ]]; then
    wanted+=("${TEST_PACKAGES[@]}")
    npm_dirs+=("${TEST_NPM_DIRS[@]}")
fi
if [[ $mode == bench ]]; then
    wanted+=("${BENCH_PACKAGES[@]}")
fi
# npm usually comes with the machine's Node.js (Debian's nodejs or another vendor's package, whose
# npm is not Debian's `npm` package), so Debian's npm is wanted only when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
    wanted+=(npm)
fi
if ((print_only)); then
    printf '%s\n' "${wanted[@]}"
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps.sh: dpkg-query not found: this script supports Debian 12 (and derivatives) only." >&2
    echo "Install the equivalents of: ${wanted[*]}" >&2
    exit 1
fi

# A package counts as present only when fully installed (not "config-files" or half-installed).
missing=()
for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [[ $status != installed ]]; then
        missing+=("$pkg")
    fi
done

# An npm tree is current when every package its lock file names is installed at that version
# (what `npm ci` produces); anything else (no node_modules, an older lock) needs `npm ci`.
npm_tree_current() {
    command -v node >/dev/null 2>&1 || return 1
    node -e '
        const fs = require("fs"), path = require("path");
        const dir = process.argv[1];
        const lock = JSON.parse(fs.readFileSync(path.join(dir, "package-lock.json"), "utf8"));
        for (const [where, pkg] of Object.entries(lock.packages || {})) {
            if (where === "" || pkg.link) continue;
            const file = path.join(dir, where, "package.json");
            // Optional packages for other platforms (os/cpu) are never installed here.
            if (pkg.optional && !fs.existsSync(file)) continue;
            if (JSON.parse(fs.readFileSync(file, "utf8")).version !== pkg.version) process.exit(1);
        }' "$1" 2>/dev/null
}
stale_npm=()
for dir in "${npm_dirs[@]}"; do
    npm_tree_current "$dir" || stale_npm+=("$dir")
done

# True when the installed Node.js is at least version $1.
node_at_least() {
    command -v node >/dev/null 2>&1 &&
        node -e 'const [a, b] = [process.versions.node, process.argv[1]].map(v => v.split(".").map(Number));
                 process.exit(((a[0] - b[0]) || (a[1] - b[1]) || (a[2] - b[2])) >= 0 ? 0 : 1)' "$1"
}

if ((${#missing[@]} == 0 && ${#stale_npm[@]} == 0)); then
    echo "install-deps.sh: all ${#wanted[@]} packages and ${#npm_dirs[@]} npm trees present (${mode})."
    exit 0
fi

install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if ((check_only)); then
    if ((${#missing[@]})); then
        echo "install-deps.sh: missing packages: ${missing[*]}"
        echo "install them as root with: apt-get update && ${install_cmd}"
    fi
    for dir in "${stale_npm[@]}"; do
        echo "install-deps.sh: npm tree not installed or out of date: $dir (cd $dir && npm ci --ignore-scripts)"
    done
    exit 1
fi

if ((${#missing[@]})); then
    # Root runs apt-get directly. Otherwise sudo, but only if it works without a password prompt:
    # CI and scripts have no stdin, and a hanging prompt is worse than a clear failure.
    as_root=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            as_root=(sudo -n)
        else
            echo "install-deps.sh: missing packages: ${missing[*]}" >&2
            echo "Installing them needs root (and sudo is unavailable or asks for a password). Run as root:" >&2
            echo "    apt-get update && ${install_cmd}" >&2
            exit 1
        fi
    fi

    echo "install-deps.sh: installing ${missing[*]}"
    # `env` carries DEBIAN_FRONTEND through sudo, which resets the environment. The lock timeout
    # waits for a concurrent apt (e.g. unattended-upgrades on a fresh machine) instead of failing.
    apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -q)
    "${apt[@]}" update
    "${apt[@]}" install -y --no-install-recommends "${missing[@]}"

    # Verify: a typo'd or unavailable package must fail here, not later in the build.
    still_missing=()
    for pkg in "${missing[@]}"; do
        status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
        [[ $status == installed ]] || still_missing+=("$pkg")
    done
    if ((${#still_missing[@]})); then
        echo "install-deps.sh: still missing after apt-get install: ${still_missing[*]}" >&2
        exit 1
    fi
fi

# Each tree exactly as its lock file says. --ignore-scripts: nothing here needs an install
# script, and swagger-ui-dist's @scarf/scarf dependency would otherwise phone home.
for dir in "${stale_npm[@]}"; do
    if [[ $dir == tests/* ]] && ! node_at_least "$NODE_MIN_TEST_VERSION"; then
        echo "install-deps.sh: $dir needs Node.js >= $NODE_MIN_TEST_VERSION (found $(node --version 2>/dev/null || echo none));" \
             "install a newer Node.js (e.g. NodeSource's nodejs 20 or 22) and run this again." >&2
        exit 1
    fi
    echo "install-deps.sh: npm ci in $dir"
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    if ! npm_tree_current "$dir"; then
        echo "install-deps.sh: $dir still differs from its package-lock.json after npm ci" >&2
        exit 1
    fi
done
echo "install-deps.sh: done."
