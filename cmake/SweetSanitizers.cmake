# SWEET_SANITIZE=ON builds everything (library, tests, examples) with ASan + UBSan.
if(SWEET_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  target_compile_options(sweet PUBLIC -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(sweet PUBLIC -fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's flow analysis is confused by ASan's instrumentation and reports
    # -Wmaybe-uninitialized inside libstdc++ (<regex>, pulled in by Catch2) that the Release build
    # does not: known false positives, silenced only in this build.
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
endif()
