#!/usr/bin/env bash
# Installs the Debian 12 packages Sweet needs, and only those that are missing.
#
#   scripts/install-deps.sh            everything needed to build and run every test (default)
#   scripts/install-deps.sh --serve    only what building and serving the examples needs
#   scripts/install-deps.sh --check    print what is missing and exit 1 if anything is; install nothing
#   scripts/install-deps.sh --print    print the package list and exit
#
# The check is a local dpkg-query, so when nothing is missing this is fast and works offline:
# `apt-get update` only runs when something really has to be installed.
set -euo pipefail

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
)

usage() { sed -n '2,10s/^# \{0,1\}//p' "$0"; }

mode=all
check_only=0
print_only=0
while (($#)); do
    case "$1" in
        --serve) mode=serve ;;
        --all) mode=all ;;
        --check) check_only=1 ;;
        --print) print_only=1 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install-deps.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

wanted=("${SERVE_PACKAGES[@]}")
if [[ $mode == all ]]; then
    wanted+=("${TEST_PACKAGES[@]}")
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

if ((${#missing[@]} == 0)); then
    echo "install-deps.sh: all ${#wanted[@]} packages present (${mode})."
    exit 0
fi

install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if ((check_only)); then
    echo "install-deps.sh: missing packages: ${missing[*]}"
    echo "install them as root with: apt-get update && ${install_cmd}"
    exit 1
fi

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
echo "install-deps.sh: done."
