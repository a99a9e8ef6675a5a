#!/usr/bin/env bash
# Builds the example app (examples/shop.cpp, Release) and serves it on 0.0.0.0:8000.
#
#   ./scripts/serve-example.sh [port]
#   curl localhost:8000/          then open http://localhost:8000/docs
#
# The example's header comment lists more requests to try. examples/hello.cpp, the smallest
# app, is built too (build/examples/hello).
#
# Missing Debian packages are installed first (root or password-less sudo needed for that).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Only what building the library and the examples needs, not the test tools.
bash scripts/install-deps.sh --serve

build_dir=build
# ccache speeds up rebuilds when present; an empty launcher clears one a previous run recorded.
launcher=$(command -v ccache || true)

# A build directory made with another generator cannot be reconfigured with Ninja: drop its CMake
# state only (not the whole directory, which also holds test.sh's build/release, asan, fuzz).
if [[ -f $build_dir/CMakeCache.txt ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$build_dir/CMakeCache.txt"; then
    echo "serve-example.sh: $build_dir/ was configured with another generator; reconfiguring it with Ninja."
    rm -rf "$build_dir/CMakeCache.txt" "$build_dir/CMakeFiles"
fi

# Tests and benchmarks off: they need packages the --serve set does not install, and time.
cmake -S . -B "$build_dir" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER_LAUNCHER="$launcher" \
    -DSWEET_BUILD_EXAMPLES=ON -DSWEET_BUILD_TESTS=OFF -DSWEET_BUILD_BENCH=OFF -DSWEET_BUILD_FUZZ=OFF \
    -DSWEET_SANITIZE=OFF
cmake --build "$build_dir" --target shop hello

port=${1:-8000}
echo "serve-example.sh: starting examples/shop.cpp on port $port (try: curl localhost:$port/ and http://localhost:$port/docs; Ctrl-C stops it)"
exec "$build_dir/examples/shop" "$port" examples/public
