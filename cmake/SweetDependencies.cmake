# Finds Sweet's dependencies. Every one is a Debian 12 package (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(URING REQUIRED IMPORTED_TARGET liburing)   # liburing-dev: no CMake config ships
find_package(fmt REQUIRED)                                    # libfmt-dev
find_package(simdjson REQUIRED)                               # libsimdjson-dev (JSON bodies: sweet/json)
find_package(ZLIB REQUIRED)                                   # zlib1g-dev (gzip response compression)
pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET hiredis)      # libhiredis-dev (Redis adapter)
