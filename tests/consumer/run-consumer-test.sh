#!/usr/bin/env bash
# Proves Sweet can be consumed by a downstream CMake project, both ways the README documents:
#   1. installed:  `cmake --install <build dir>` into a scratch prefix, then the consumer finds it
#                  with find_package(sweet) through CMAKE_PREFIX_PATH;
#   2. vendored:   the consumer pulls the source tree in with add_subdirectory().
# Each consumer is built and its binary run.
#
# usage: run-consumer-test.sh <sweet build dir> <sweet source dir>
# (registered in tests/CMakeLists.txt as consumer.find_package_and_add_subdirectory)
set -euo pipefail

if (($# != 2)); then
    echo "usage: $0 <sweet build dir> <sweet source dir>" >&2
    exit 2
fi
build_dir=$(cd "$1" && pwd)
source_dir=$(cd "$2" && pwd)
consumer_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Scratch space inside the build tree (not /tmp): it is left behind for inspecting a failure
# and disappears with the build directory.
work="$build_dir/consumer-test"
prefix="$work/prefix"
rm -rf "$work"
mkdir -p "$work"

# The consumers are built with the same compiler, launcher, build type, generator and sanitizer
# setting as the build under test, so e.g. the ASan stage also checks an ASan consumer.
cache_get() { sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt" | head -n 1; }
cxx=$(cache_get CMAKE_CXX_COMPILER)
launcher=$(cache_get CMAKE_CXX_COMPILER_LAUNCHER)
build_type=$(cache_get CMAKE_BUILD_TYPE)
generator=$(cache_get CMAKE_GENERATOR)
sanitize=$(cache_get SWEET_SANITIZE)

common=(-G "${generator:-Ninja}" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="${build_type:-Release}")
if [[ -n $launcher ]]; then
    common+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
fi

echo "== 1/2: install $build_dir into $prefix, then find_package(sweet)"
cmake --install "$build_dir" --prefix "$prefix"
# The package registry is off so that only the scratch prefix can satisfy find_package.
cmake -S "$consumer_dir" -B "$work/find_package" "${common[@]}" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
found_dir=$(sed -n 's/^sweet_DIR:[A-Z]*=//p' "$work/find_package/CMakeCache.txt")
if [[ $found_dir != "$prefix"/* ]]; then
    # A Sweet installed system-wide (e.g. /usr/local) must not stand in for the one under test.
    echo "FAIL: find_package(sweet) used '$found_dir', not the package installed in $prefix" >&2
    exit 1
fi
cmake --build "$work/find_package" -j 2
"$work/find_package/sweet_consumer"
echo "== 1/2: OK (package from $found_dir)"

echo "== 2/2: add_subdirectory($source_dir)"
cmake -S "$consumer_dir" -B "$work/add_subdirectory" "${common[@]}" \
    -DSWEET_CONSUMER_ADD_SUBDIRECTORY=ON -DSWEET_SOURCE_DIR="$source_dir" -DSWEET_SANITIZE="${sanitize:-OFF}"
cmake --build "$work/add_subdirectory" -j 2
"$work/add_subdirectory/sweet_consumer"
echo "== 2/2: OK"
