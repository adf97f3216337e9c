# SPDX-License-Identifier: GPL-3.0-or-later
# Proves that ganvas_engine configures, builds and runs with LibTorch alone: a fresh standalone
# build of core/engine with Qt and OpenCV made unfindable, then a quick benchmark run.
#   cmake -DSOURCE=<repo>/core/engine -DBINARY=<dir> [-DGENERATOR=Ninja] -P standalone_engine.cmake
cmake_minimum_required(VERSION 3.22)
file(REMOVE_RECURSE "${BINARY}")
set(gen "")
if(GENERATOR)
    set(gen -G "${GENERATOR}")
endif()
execute_process(
    COMMAND ${CMAKE_COMMAND} -S "${SOURCE}" -B "${BINARY}" ${gen} -DCMAKE_BUILD_TYPE=Release
            -DCMAKE_DISABLE_FIND_PACKAGE_Qt6=ON -DCMAKE_DISABLE_FIND_PACKAGE_OpenCV=ON -DGANVAS_BUILD_TESTS=OFF
    RESULT_VARIABLE rc)
if(rc)
    message(FATAL_ERROR "standalone engine: configure failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${BINARY}" --target ganvas-engine-bench RESULT_VARIABLE rc)
if(rc)
    message(FATAL_ERROR "standalone engine: build failed (${rc})")
endif()
# Nothing of Qt or OpenCV may have crept into the standalone build.
file(READ "${BINARY}/CMakeCache.txt" cache)
if(cache MATCHES "Qt6_DIR:PATH=/" OR cache MATCHES "OpenCV_DIR:PATH=/")
    message(FATAL_ERROR "standalone engine: the build found Qt or OpenCV")
endif()
execute_process(COMMAND "${BINARY}/tests/perf/ganvas-engine-bench" --quick --json matmul
                RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(rc OR NOT out MATCHES "\"GFLOP/s\"")
    message(FATAL_ERROR "standalone engine: ganvas-engine-bench failed (${rc}): ${out}")
endif()
message(STATUS "standalone engine: configured, built and ran without Qt and OpenCV")
