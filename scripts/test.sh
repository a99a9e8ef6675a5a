#!/usr/bin/env bash
# Builds Sweet and runs its tests, in stages (each its own build directory under build/):
#   release  g++, Release, warnings are errors: every ctest test (unit, e2e on io_uring and
#            epoll, compile-fail, consumer)
#   asan     g++, RelWithDebInfo, AddressSanitizer + UndefinedBehaviorSanitizer: every ctest test
#   fuzz     clang++-14, libFuzzer targets, warnings are errors (so the tree is checked with clang
#            too): only the fuzz.* tests
#
#   ./scripts/test.sh                 all stages, in the order above
#   ./scripts/test.sh --quick         the release stage only
#   ./scripts/test.sh asan fuzz       the named stages (also --release, --asan, --fuzz)
#   ./scripts/test.sh --no-deps ...   skip scripts/install-deps.sh
#
# Stops at the first failing stage, always prints a summary ending in "N passed, N failed", and
# exits non-zero if anything failed. SWEET_TEST_JOBS (default 2) sets build and ctest parallelism.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { sed -n '2,17s/^# \{0,1\}//p' "$0"; }

all_stages=(release asan fuzz)
declare -A wanted=()
install_deps=1
while (($#)); do
    case "$1" in
        --quick) wanted[release]=1 ;;
        --all) for s in "${all_stages[@]}"; do wanted[$s]=1; done ;;
        --release | --asan | --fuzz) wanted[${1#--}]=1 ;;
        release | asan | fuzz) wanted[$1]=1 ;;
        --no-deps) install_deps=0 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "test.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
# Stages always run in the canonical order: the cheap, broad one first fails fastest.
stages=()
for s in "${all_stages[@]}"; do
    if ((${#wanted[@]} == 0)) || [[ -n ${wanted[$s]:-} ]]; then
        stages+=("$s")
    fi
done

jobs=${SWEET_TEST_JOBS:-2}
# ccache when present (never required); an empty launcher clears one a previous run recorded.
launcher=$(command -v ccache || true)

declare -A stage_status=() stage_time=()
total_passed=0
total_failed=0

# Printed on every exit (success, failure, or an unexpected error under set -e) so CI logs always
# end with the same summary.
# shellcheck disable=SC2317  # only reached through the trap, which shellcheck does not follow
summary() {
    local rc=$?
    echo
    echo "================================ summary ================================"
    for s in "${stages[@]}"; do
        printf '  %-8s %s%s\n' "$s" "${stage_status[$s]:-not run}" "${stage_time[$s]:+ (${stage_time[$s]}s)}"
    done
    # A failure outside ctest (deps, configure, build, this script) must not read "0 failed".
    if ((rc != 0 && total_failed == 0)); then
        total_failed=1
    fi
    echo "${total_passed} passed, ${total_failed} failed"
    if ((total_failed > 0 && rc == 0)); then
        rc=1
    fi
    exit "$rc"
}
trap summary EXIT

# Adds ctest's own count ("83% tests passed, 2 tests failed out of 12") to the totals. Returns
# non-zero when the stage failed.
count_ctest() {
    local stage=$1 log=$2 rc=$3 line failed total
    line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
    if [[ -z $line ]]; then
        # No tests ran (e.g. none matched: --no-tests=error) or ctest itself failed.
        stage_status[$stage]="ctest FAILED (exit $rc, no test results)"
        total_failed=$((total_failed + 1))
        return 1
    fi
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
    total_passed=$((total_passed + total - failed))
    total_failed=$((total_failed + failed))
    if ((failed > 0)); then
        stage_status[$stage]="FAILED: $((total - failed)) passed, $failed failed"
        return 1
    fi
    if ((rc != 0)); then
        # All tests passed but ctest still failed (e.g. an error reading the test list).
        stage_status[$stage]="ctest FAILED (exit $rc) after $total passed"
        total_failed=$((total_failed + 1))
        return 1
    fi
    stage_status[$stage]="ok: $total passed"
}

# run_stage NAME BUILD_DIR CMAKE_ARGS... -- CTEST_ARGS...
# The stage's environment (sanitizer options) is set by the caller for the ctest run.
run_stage() {
    local stage=$1 dir=$2
    shift 2
    local -a cmake_args=() ctest_args=()
    while (($#)) && [[ $1 != -- ]]; do cmake_args+=("$1"); shift; done
    if (($#)); then shift; fi
    ctest_args=("$@")
    local start=$SECONDS rc=0

    echo
    echo "================================ stage: $stage ($dir) ================================"
    # A directory made with another generator cannot be reconfigured with Ninja: drop its CMake state.
    if [[ -f $dir/CMakeCache.txt ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$dir/CMakeCache.txt"; then
        echo "test.sh: $dir was configured with another generator; reconfiguring it with Ninja."
        rm -rf "$dir/CMakeCache.txt" "$dir/CMakeFiles"
    fi
    # Every option is passed explicitly so a reused build directory cannot keep stale settings.
    if ! cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" \
        -DSWEET_BUILD_TESTS=ON -DSWEET_BUILD_EXAMPLES=ON "${cmake_args[@]}"; then
        stage_status[$stage]="configure FAILED"
        stage_time[$stage]=$((SECONDS - start))
        total_failed=$((total_failed + 1))
        return 1
    fi
    if ! cmake --build "$dir" -j "$jobs"; then
        stage_status[$stage]="build FAILED"
        stage_time[$stage]=$((SECONDS - start))
        total_failed=$((total_failed + 1))
        return 1
    fi
    # ctest's output is shown live and kept for counting. --no-tests=error: a stage that finds
    # no tests is broken, not green. --timeout only applies to tests without their own TIMEOUT,
    # so a hung test cannot eat CI's whole time limit.
    local log="$dir/ctest-output.log"
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" --no-tests=error --timeout 900 "${ctest_args[@]}" 2>&1 |
        tee "$log" || rc=$?
    stage_time[$stage]=$((SECONDS - start))
    count_ctest "$stage" "$log" "$rc"
}

if ((install_deps)); then
    bash scripts/install-deps.sh   # bash: works even if a checkout lost the executable bits
fi

# Sanitizer settings for the asan and fuzz stages: leaks are errors, the first error aborts with a
# stack trace (UBSan would otherwise print and carry on, and a test could still pass).
sanitizer_env=(
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
)

for stage in "${stages[@]}"; do
    case "$stage" in
        release)
            run_stage release build/release \
                -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release -DSWEET_WERROR=ON \
                -DSWEET_SANITIZE=OFF -DSWEET_BUILD_FUZZ=OFF -DSWEET_BUILD_BENCH=ON ||
                exit 1
            ;;
        asan)
            # Benchmarks are not built: they are never run under the sanitizers, and it saves time.
            export "${sanitizer_env[@]}"
            run_stage asan build/asan \
                -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWEET_SANITIZE=ON \
                -DSWEET_WERROR=OFF -DSWEET_BUILD_FUZZ=OFF -DSWEET_BUILD_BENCH=OFF ||
                exit 1
            ;;
        fuzz)
            # Whole tree (bar benchmarks) with clang and -Werror, but only the fuzz tests run.
            export "${sanitizer_env[@]}"
            run_stage fuzz build/fuzz \
                -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWEET_BUILD_FUZZ=ON \
                -DSWEET_WERROR=ON -DSWEET_SANITIZE=OFF -DSWEET_BUILD_BENCH=OFF \
                -- -R '^fuzz\.' ||
                exit 1
            ;;
    esac
done
exit 0
