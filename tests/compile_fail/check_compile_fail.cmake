# Compile-fail check, run as a script:
#   cmake -DCXX=<compiler> -DSOURCE=<file.cpp> -DINCLUDE=<repo>/include -P check_compile_fail.cmake
#
# Compiles SOURCE with `-std=c++20 -fsyntax-only -I${INCLUDE}` and reads directives from its
# comments:
#   // expect-error: <text>       compilation must fail and the output must contain <text>
#                                 (one directive per line; every one must match)
#   // expect-error-count: <n>    the output must hold exactly <n> "error:" diagnostics, so one
#                                 mistake gives one error and no cascade
#   // expect-success             the positive control: compilation must succeed (proves the
#                                 include path and headers are fine, so failures are real)
# On any mismatch it prints the compiler's output and fails.

cmake_minimum_required(VERSION 3.25)

foreach(var CXX SOURCE INCLUDE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_compile_fail.cmake needs -D${var}=...")
  endif()
endforeach()

# Read the directives. Semicolons are CMake's list separator and occur in messages, so they are
# swapped for a placeholder while the text is handled as a list of lines.
file(READ "${SOURCE}" content)
string(REPLACE ";" "<semicolon>" content "${content}")
string(REPLACE "\r" "" content "${content}")
string(REPLACE "\n" ";" lines "${content}")
set(expected_errors "")
set(expected_count "")
set(expect_success FALSE)
foreach(line IN LISTS lines)
  if(line MATCHES "^[ \t]*// expect-error: (.*)$")
    string(STRIP "${CMAKE_MATCH_1}" text)
    list(APPEND expected_errors "${text}")
  elseif(line MATCHES "^[ \t]*// expect-error-count: ([0-9]+)")
    set(expected_count "${CMAKE_MATCH_1}")
  elseif(line MATCHES "^[ \t]*// expect-success")
    set(expect_success TRUE)
  endif()
endforeach()
if(NOT expect_success AND expected_errors STREQUAL "")
  message(FATAL_ERROR "${SOURCE}: no '// expect-error:' or '// expect-success' directive")
endif()

# LC_ALL=C: plain ASCII quotes in diagnostics, whatever the caller's locale.
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env LC_ALL=C "${CXX}" -std=c++20 -fsyntax-only "-I${INCLUDE}" "${SOURCE}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)

set(problems "")
if(expect_success)
  if(NOT result EQUAL 0)
    string(APPEND problems "  expected the positive control to compile, but it failed\n")
  endif()
else()
  if(result EQUAL 0)
    string(APPEND problems "  expected compilation to fail, but it succeeded\n")
  endif()
  foreach(text IN LISTS expected_errors)
    string(REPLACE "<semicolon>" ";" text "${text}")
    string(FIND "${output}" "${text}" where)
    if(where EQUAL -1)
      string(APPEND problems "  missing from the compiler output: ${text}\n")
    endif()
  endforeach()
  if(NOT expected_count STREQUAL "")
    # Count diagnostics of the form "file:line:col: error: ..." (both g++ and clang).
    string(REGEX MATCHALL ":[0-9]+:[0-9]+: error: " errors "${output}")
    list(LENGTH errors count)
    if(NOT count EQUAL expected_count)
      string(APPEND problems "  expected ${expected_count} error(s), the compiler reported ${count}\n")
    endif()
  endif()
endif()

if(NOT problems STREQUAL "")
  message("---- compiler output (${CXX}) ----\n${output}---- end of compiler output ----")
  message(FATAL_ERROR "compile-fail check failed for ${SOURCE}:\n${problems}")
endif()
message(STATUS "compile-fail check passed: ${SOURCE}")
