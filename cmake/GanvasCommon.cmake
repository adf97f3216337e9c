# SPDX-License-Identifier: GPL-3.0-or-later
# Settings and helpers shared by the whole build and by the standalone engine build
# (`cmake -S core/engine`). Included once, from whichever CMakeLists.txt is the top level.
include_guard(GLOBAL)

if(CMAKE_SOURCE_DIR STREQUAL CMAKE_BINARY_DIR)
    message(FATAL_ERROR "In-source builds are refused: use `cmake -S . -B build`.")
endif()

set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
    set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

option(GANVAS_USE_CCACHE "Use ccache when it is installed" ON)
option(GANVAS_BUILD_TESTS "Build the test suites" ON)
option(GANVAS_USE_PCH "Precompile the LibTorch (and Qt) headers" ON)
option(GANVAS_FUZZ "Build libFuzzer targets; instruments all code with ASan+UBSan (clang only)" OFF)
set(GANVAS_SANITIZE "" CACHE STRING
    "Instrument everything we compile: 'address,undefined' (ASan + UBSan) or 'thread' (TSan); empty for none")
set_property(CACHE GANVAS_SANITIZE PROPERTY STRINGS "" "address,undefined" "thread")
if(GANVAS_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "GANVAS_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++-14")
    endif()
    if(GANVAS_SANITIZE AND NOT GANVAS_SANITIZE STREQUAL "address,undefined")
        message(FATAL_ERROR "GANVAS_FUZZ instruments with address,undefined; it cannot be combined with GANVAS_SANITIZE=${GANVAS_SANITIZE}")
    endif()
    # Coverage and sanitizers in the parsers themselves, not only in the fuzz harnesses.
    add_compile_options(-fsanitize=fuzzer-no-link)
    set(GANVAS_SANITIZE "address,undefined")
endif()
if(GANVAS_SANITIZE)
    if(NOT GANVAS_SANITIZE MATCHES "^(address,undefined|thread)$")
        message(FATAL_ERROR "GANVAS_SANITIZE must be 'address,undefined' or 'thread', not '${GANVAS_SANITIZE}'")
    endif()
    # Our code is instrumented; Qt, LibTorch and OpenCV are Debian's uninstrumented builds.
    # UBSan findings are errors (the process stops), not log lines a passing test would hide.
    add_compile_options(-fsanitize=${GANVAS_SANITIZE} -fno-omit-frame-pointer)
    if(GANVAS_SANITIZE MATCHES "undefined")
        add_compile_options(-fno-sanitize-recover=undefined)
    endif()
    add_link_options(-fsanitize=${GANVAS_SANITIZE})
    message(STATUS "Ganvas: sanitizers ${GANVAS_SANITIZE}")
endif()
option(GANVAS_BUILD_GUI "Build the Widgets layer, the studio and the CLI (OFF: engine and core only, e.g. for sanitizer builds)" ON)

if(GANVAS_USE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    find_program(GANVAS_CCACHE ccache)
    if(GANVAS_CCACHE)
        # Precompiled headers need these sloppiness settings to be cacheable at all.
        set(CMAKE_CXX_COMPILER_LAUNCHER
            ${CMAKE_COMMAND} -E env "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
            ${GANVAS_CCACHE})
        message(STATUS "Ganvas: compiling through ccache (${GANVAS_CCACHE})")
    endif()
endif()

# The repository root is the one include root: `#include "core/engine/jobs/Job.h"`,
# `#include "core/jobs/JobRunner.h"`, `#include "ui/MainWindow.h"` say which layer they use.
get_filename_component(GANVAS_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

# LibTorch: Debian's 1.13 CPU build by default; point CMake at another (e.g. a CUDA build from a
# PyTorch install) with -DTorch_DIR=... or -DCMAKE_PREFIX_PATH=$(python3 -c 'import torch;
# print(torch.utils.cmake_prefix_path)').
if(NOT TARGET torch)
    find_package(Torch REQUIRED)
endif()
find_package(nlohmann_json 3.9 REQUIRED)
find_package(Threads REQUIRED)

function(ganvas_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
    endif()
    # Torch uses `slots` as an identifier: Qt keywords are off everywhere (DESIGN.md §1).
    target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS)
endfunction()

# Precompile <torch/torch.h> once for the engine; targets with the same flags reuse it.
function(ganvas_torch_pch target)
    if(GANVAS_USE_PCH)
        target_precompile_headers(${target} PRIVATE <torch/torch.h> <string> <vector> <memory>)
    endif()
endfunction()

# Reuse another target's precompiled header. GCC skips a PCH whose definitions differ from the
# target's (QT_NO_KEYWORDS missing, say) with a mere warning and compiles every file from scratch,
# tens of seconds each: here that is a build error. A target's own PCH always matches it.
function(ganvas_reuse_pch target from)
    if(GANVAS_USE_PCH)
        target_precompile_headers(${target} REUSE_FROM ${from})
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
            target_compile_options(${target} PRIVATE -Werror=invalid-pch)
        endif()
    endif()
endfunction()

# ganvas_add_test(NAME name COMMAND exe args... [LABELS l...] [TIMEOUT s])
# GUI tests run offscreen; every test runs with a private HOME/XDG tree so it never touches the
# user's settings or model folders.
function(ganvas_add_test)
    cmake_parse_arguments(T "" "NAME;TIMEOUT" "COMMAND;LABELS" ${ARGN})
    add_test(NAME ${T_NAME} COMMAND ${T_COMMAND})
    set(env "QT_QPA_PLATFORM=offscreen"
            "XDG_CONFIG_HOME=${CMAKE_BINARY_DIR}/test-home/${T_NAME}/config"
            "XDG_DATA_HOME=${CMAKE_BINARY_DIR}/test-home/${T_NAME}/data"
            "XDG_CACHE_HOME=${CMAKE_BINARY_DIR}/test-home/${T_NAME}/cache"
            "XDG_RUNTIME_DIR=${CMAKE_BINARY_DIR}/test-home/runtime"
            "GANVAS_TEST_DATA=${GANVAS_ROOT}/tests/data"
            "GANVAS_SOURCE_DIR=${GANVAS_ROOT}")
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 600)
    endif()
    set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT "${env}" TIMEOUT ${T_TIMEOUT}
                         LABELS "${T_LABELS}")
endfunction()

# The Python that has Debian's python3-torch (reference cross-checks and benchmark peers). A
# python3 earlier on PATH (pyenv, a venv) usually has no torch, so prefer the system one.
if(NOT GANVAS_PYTHON)
    find_program(GANVAS_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
    if(NOT GANVAS_PYTHON)
        find_program(GANVAS_PYTHON NAMES python3)
    endif()
endif()
