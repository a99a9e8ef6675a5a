# Embeds the Swagger UI files of the /docs page (npm's swagger-ui-dist) into libsweet.a, so the
# page works with no internet access and nothing to install next to the binary.
#
#   SWEET_DOCS_UI=AUTO  embed when the npm files are there (`npm ci --ignore-scripts` in
#                       src/app/docs-ui, which scripts/install-deps.sh runs), else build without
#                       them: /docs then answers 404 and says why (default)
#   SWEET_DOCS_UI=ON    embed, and stop with an error when the files are missing
#   SWEET_DOCS_UI=OFF   never embed
#   SWEET_DOCS_UI_DIR   where swagger-ui-dist is (default: src/app/docs-ui/node_modules/swagger-ui-dist)
#
# How: a generated assembly file `.incbin`s each file into .rodata between two symbols
# (`sweet_docs_ui_<stem>` and `sweet_docs_ui_<stem>_end`, so sizes need no NUL terminator),
# compiled into an object library whose object goes into libsweet.a itself: installed packages
# and add_subdirectory users get the assets without knowing they exist. The large text files
# are also embedded gzip-compressed at build time (`<stem>_gz`), so a browser that accepts gzip
# downloads a quarter of the bytes and the server compresses nothing. src/app/docs_ui.cpp,
# compiled with SWEET_HAVE_DOCS_UI, declares the symbols.

# This file is also the build-time gzip step: `cmake -DSWEET_DOCS_UI_GZIP_INPUT=<file>
# -DSWEET_DOCS_UI_GZIP_OUTPUT=<file.gz> -P SweetDocsUi.cmake`.
if(CMAKE_SCRIPT_MODE_FILE AND DEFINED SWEET_DOCS_UI_GZIP_INPUT)
  # Written next to the output, then renamed: an interrupted build leaves no truncated file
  # that looks up to date.
  file(ARCHIVE_CREATE OUTPUT "${SWEET_DOCS_UI_GZIP_OUTPUT}.tmp" PATHS "${SWEET_DOCS_UI_GZIP_INPUT}"
       FORMAT raw COMPRESSION GZip COMPRESSION_LEVEL 9)
  file(RENAME "${SWEET_DOCS_UI_GZIP_OUTPUT}.tmp" "${SWEET_DOCS_UI_GZIP_OUTPUT}")
  return()
endif()

set(SWEET_DOCS_UI AUTO CACHE STRING "Embed the Swagger UI files of the /docs page: AUTO (when npm installed them), ON (required) or OFF")
set_property(CACHE SWEET_DOCS_UI PROPERTY STRINGS AUTO ON OFF)
set(SWEET_DOCS_UI_DIR "${CMAKE_CURRENT_SOURCE_DIR}/src/app/docs-ui/node_modules/swagger-ui-dist"
    CACHE PATH "Directory holding swagger-ui-dist's files (swagger-ui-bundle.js, swagger-ui.css, favicon-32x32.png)")

# Symbol stem -> file in SWEET_DOCS_UI_DIR. src/app/docs_ui.cpp's asset table names the same stems.
set(_sweet_docs_ui_files
    "bundle_js=swagger-ui-bundle.js"
    "css=swagger-ui.css"
    "favicon_png=favicon-32x32.png")
# Stems also embedded gzip-compressed (as <stem>_gz): text that shrinks about 4x.
set(_sweet_docs_ui_gzip_stems bundle_js css)
# Captured now: inside the macro below, CMAKE_CURRENT_LIST_FILE is the caller's file.
set(_sweet_docs_ui_module "${CMAKE_CURRENT_LIST_FILE}")

# sweet_embed_docs_ui(<target>): adds the assets to <target> (the static library) when
# SWEET_DOCS_UI asks for them and they exist; sets SWEET_DOCS_UI_EMBEDDED in the caller's scope.
# A macro, not a function: enable_language() must run at directory scope.
macro(sweet_embed_docs_ui _sweet_target)
  string(TOUPPER "${SWEET_DOCS_UI}" _sweet_docs_ui_mode)
  if(_sweet_docs_ui_mode MATCHES "^(ON|YES|TRUE|Y|1)$")
    set(_sweet_docs_ui_mode ON)
  elseif(_sweet_docs_ui_mode MATCHES "^(OFF|NO|FALSE|N|0)$")
    set(_sweet_docs_ui_mode OFF)
  elseif(NOT _sweet_docs_ui_mode STREQUAL "AUTO")
    message(FATAL_ERROR "SWEET_DOCS_UI='${SWEET_DOCS_UI}': expected AUTO, ON or OFF")
  endif()

  # Which files are missing (all are needed: the page loads each one).
  set(_sweet_docs_ui_missing "")
  foreach(_sweet_entry IN LISTS _sweet_docs_ui_files)
    string(REGEX REPLACE "^[^=]*=" "" _sweet_file "${_sweet_entry}")
    if(NOT EXISTS "${SWEET_DOCS_UI_DIR}/${_sweet_file}")
      list(APPEND _sweet_docs_ui_missing "${_sweet_file}")
    endif()
  endforeach()

  set(SWEET_DOCS_UI_EMBEDDED OFF)
  if(_sweet_docs_ui_mode STREQUAL "OFF")
    message(STATUS "Sweet: /docs page assets not embedded (SWEET_DOCS_UI=OFF)")
  elseif(_sweet_docs_ui_missing)
    string(REPLACE ";" ", " _sweet_docs_ui_missing "${_sweet_docs_ui_missing}")
    string(CONCAT _sweet_docs_ui_hint "missing in SWEET_DOCS_UI_DIR=${SWEET_DOCS_UI_DIR}: ${_sweet_docs_ui_missing}. "
           "Install them with `cd ${CMAKE_CURRENT_SOURCE_DIR}/src/app/docs-ui && npm ci --ignore-scripts` "
           "(scripts/install-deps.sh does it), or point SWEET_DOCS_UI_DIR at a swagger-ui-dist directory")
    if(_sweet_docs_ui_mode STREQUAL "ON")
      message(FATAL_ERROR "SWEET_DOCS_UI=ON but the Swagger UI files are ${_sweet_docs_ui_hint}")
    endif()
    message(STATUS "Sweet: /docs page assets not embedded (SWEET_DOCS_UI=AUTO; files ${_sweet_docs_ui_hint})")
  else()
    set(SWEET_DOCS_UI_EMBEDDED ON)
  endif()

  # AUTO notices `npm ci` run after configuring: npm ci recreates node_modules, which changes
  # the mtime of the directory holding it, and that re-runs CMake on the next build.
  if(_sweet_docs_ui_mode STREQUAL "AUTO" AND IS_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/src/app/docs-ui")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/app/docs-ui")
  endif()

  if(SWEET_DOCS_UI_EMBEDDED)
    _sweet_docs_ui_add_assets(${_sweet_target})
  endif()
endmacro()

# Generates the gzip files and the assembly file, compiles them into an object library and
# adds its object to <target>. A macro too: enable_language() must run at directory scope.
macro(_sweet_docs_ui_add_assets _sweet_target)
  set(_sweet_docs_ui_gen "${CMAKE_CURRENT_BINARY_DIR}/sweet_docs_ui")
  file(MAKE_DIRECTORY "${_sweet_docs_ui_gen}")
  set(_sweet_docs_ui_embedded "")  # "symbol=path" for every embedded file
  set(_sweet_docs_ui_inputs "")    # every embedded file (the object depends on each)
  set(_sweet_docs_ui_generated "")  # the gzip files made at build time
  foreach(_sweet_entry IN LISTS _sweet_docs_ui_files)
    string(REGEX MATCH "^[^=]*" _sweet_stem "${_sweet_entry}")
    string(REGEX REPLACE "^[^=]*=" "" _sweet_file "${_sweet_entry}")
    get_filename_component(_sweet_path "${SWEET_DOCS_UI_DIR}/${_sweet_file}" ABSOLUTE)
    list(APPEND _sweet_docs_ui_embedded "sweet_docs_ui_${_sweet_stem}=${_sweet_path}")
    list(APPEND _sweet_docs_ui_inputs "${_sweet_path}")
    if(_sweet_stem IN_LIST _sweet_docs_ui_gzip_stems)
      set(_sweet_gz "${_sweet_docs_ui_gen}/${_sweet_file}.gz")
      add_custom_command(OUTPUT "${_sweet_gz}"
        COMMAND "${CMAKE_COMMAND}" "-DSWEET_DOCS_UI_GZIP_INPUT=${_sweet_path}" "-DSWEET_DOCS_UI_GZIP_OUTPUT=${_sweet_gz}"
                -P "${_sweet_docs_ui_module}"
        DEPENDS "${_sweet_path}" "${_sweet_docs_ui_module}"
        COMMENT "Compressing ${_sweet_file} for the /docs page"
        VERBATIM)
      list(APPEND _sweet_docs_ui_embedded "sweet_docs_ui_${_sweet_stem}_gz=${_sweet_gz}")
      list(APPEND _sweet_docs_ui_inputs "${_sweet_gz}")
      list(APPEND _sweet_docs_ui_generated "${_sweet_gz}")
    endif()
  endforeach()

  set(_sweet_docs_ui_asm "${_sweet_docs_ui_gen}/assets.S")
  _sweet_docs_ui_write_assembly("${_sweet_docs_ui_asm}" "${_sweet_docs_ui_embedded}")

  # The assembler is the C++ compiler driver (it runs the preprocessor on .S files), so no C
  # compiler is needed. Set before enable_language so CMake does not go looking for `cc`.
  if(NOT CMAKE_ASM_COMPILER)
    set(CMAKE_ASM_COMPILER "${CMAKE_CXX_COMPILER}")
  endif()
  enable_language(ASM)
  # A separate object library keeps the library's C++ warning flags (-Wold-style-cast, ...)
  # away from the assembler, and keeps ASM out of the languages sweet::sweet's users link with.
  # The gzip files are listed as sources so their custom commands belong to this target.
  add_library(sweet_docs_ui_assets OBJECT "${_sweet_docs_ui_asm}" ${_sweet_docs_ui_generated})
  set_target_properties(sweet_docs_ui_assets PROPERTIES POSITION_INDEPENDENT_CODE ON)
  # .incbin'd files are not in the compiler's dependency output: name them, so a new
  # swagger-ui-dist (npm ci) rebuilds the object.
  set_source_files_properties("${_sweet_docs_ui_asm}" PROPERTIES OBJECT_DEPENDS "${_sweet_docs_ui_inputs}")
  target_sources(${_sweet_target} PRIVATE $<TARGET_OBJECTS:sweet_docs_ui_assets>)
  set_source_files_properties("${CMAKE_CURRENT_SOURCE_DIR}/src/app/docs_ui.cpp" PROPERTIES
                              COMPILE_DEFINITIONS SWEET_HAVE_DOCS_UI=1)

  set(_sweet_docs_ui_version "unknown version")
  if(EXISTS "${SWEET_DOCS_UI_DIR}/package.json")
    file(READ "${SWEET_DOCS_UI_DIR}/package.json" _sweet_docs_ui_package)
    string(JSON _sweet_docs_ui_version ERROR_VARIABLE _sweet_docs_ui_json_error GET "${_sweet_docs_ui_package}" version)
  endif()
  message(STATUS "Sweet: /docs page assets embedded (swagger-ui-dist ${_sweet_docs_ui_version} from ${SWEET_DOCS_UI_DIR})")
endmacro()

# Writes <output>, an assembly file that embeds each "symbol=path" of <embedded> between the
# symbols `symbol` and `symbol_end`.
function(_sweet_docs_ui_write_assembly output embedded)
  set(asm "/* Generated by cmake/SweetDocsUi.cmake: the /docs page's Swagger UI files. Do not edit. */\n")
  foreach(entry IN LISTS embedded)
    string(REGEX MATCH "^[^=]*" symbol "${entry}")
    string(REGEX REPLACE "^[^=]*=" "" path "${entry}")
    if(path MATCHES "[\"\\\n]")
      message(FATAL_ERROR "'${path}': the assembler's .incbin cannot name a path containing a quote, backslash or newline")
    endif()
    # .rodata: read-only, shared between processes. Hidden: the symbols are the library's own,
    # never exported from a shared object that links it. `%` (not `@`) type prefixes assemble
    # on ARM too, where `@` starts a comment.
    string(APPEND asm
      "\n\t.section .rodata.${symbol},\"a\",%progbits\n"
      "\t.balign 16\n"
      "\t.globl ${symbol}\n\t.hidden ${symbol}\n\t.type ${symbol}, %object\n"
      "${symbol}:\n"
      "\t.incbin \"${path}\"\n"
      "\t.globl ${symbol}_end\n\t.hidden ${symbol}_end\n\t.type ${symbol}_end, %object\n"
      "${symbol}_end:\n"
      "\t.size ${symbol}, ${symbol}_end - ${symbol}\n"
      "\t.size ${symbol}_end, 0\n")
  endforeach()
  # No executable stack: without this note the linker marks the whole program's stack executable.
  string(APPEND asm "\n\t.section .note.GNU-stack,\"\",%progbits\n")
  # Rewritten only when it changes, so re-running CMake does not rebuild the object.
  set(old "")
  if(EXISTS "${output}")
    file(READ "${output}" old)
  endif()
  if(NOT old STREQUAL asm)
    file(WRITE "${output}" "${asm}")
  endif()
endfunction()
