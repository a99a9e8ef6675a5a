# Warnings are part of the build: -Wall -Wextra everywhere, clean on g++ 12 and clang 14.
function(sweet_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Wnull-dereference)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 reports false -Wrestrict positives inside std::string (GCC bug 105329).
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(SWEET_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
