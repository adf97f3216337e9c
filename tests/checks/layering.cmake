# SPDX-License-Identifier: GPL-3.0-or-later
# Enforces the layer rule of DESIGN.md §1. Run as
#   cmake -DROOT=<repo or fixture> -DWIDGETS_DIR=<Qt6 QtWidgets include dir> -P layering.cmake
# Fails (non-zero exit) when
#  - core/engine/ includes Qt, OpenCV, or a core/ header outside core/engine/;
#  - core/ includes a Qt Widgets header or a ui/ header;
#  - ui/ includes Torch/ATen or an engine header, or a core header that includes one.
cmake_minimum_required(VERSION 3.22)
if(NOT ROOT)
    message(FATAL_ERROR "pass -DROOT=")
endif()

set(widget_headers "")
if(WIDGETS_DIR AND IS_DIRECTORY "${WIDGETS_DIR}")
    file(GLOB entries RELATIVE "${WIDGETS_DIR}" "${WIDGETS_DIR}/Q*")
    set(widget_headers ${entries})
endif()
# Always-known widget headers, so the check works even without the include dir.
list(APPEND widget_headers QWidget QMainWindow QDialog QPushButton QApplication QtWidgets QLabel QDockWidget)
list(REMOVE_DUPLICATES widget_headers)

set(errors "")

function(includes_of file out)
    file(STRINGS "${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    set(result "")
    foreach(line IN LISTS lines)
        string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" inc "${line}")
        list(APPEND result "${inc}")
    endforeach()
    set(${out} "${result}" PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE engine_files "${ROOT}/core/engine/*.h" "${ROOT}/core/engine/*.cpp" "${ROOT}/core/engine/*.in")
foreach(f IN LISTS engine_files)
    includes_of("${f}" incs)
    foreach(inc IN LISTS incs)
        if(inc MATCHES "^Q[A-Za-z]" OR inc MATCHES "^Qt" OR inc MATCHES "^opencv" OR
           (inc MATCHES "^core/" AND NOT inc MATCHES "^core/engine/") OR inc MATCHES "^ui/")
            string(APPEND errors "\n  ${f}: the engine must not include <${inc}> (LibTorch only)")
        endif()
    endforeach()
endforeach()

file(GLOB_RECURSE core_files "${ROOT}/core/*.h" "${ROOT}/core/*.cpp")
foreach(f IN LISTS core_files)
    includes_of("${f}" incs)
    foreach(inc IN LISTS incs)
        string(REGEX REPLACE "^QtWidgets/" "" base "${inc}")
        if(inc MATCHES "^QtWidgets" OR inc MATCHES "^ui/" OR base IN_LIST widget_headers)
            string(APPEND errors "\n  ${f}: core must not include <${inc}> (Qt Widgets / ui layer)")
        endif()
    endforeach()
endforeach()

file(GLOB_RECURSE ui_files "${ROOT}/ui/*.h" "${ROOT}/ui/*.cpp")
foreach(f IN LISTS ui_files)
    includes_of("${f}" incs)
    foreach(inc IN LISTS incs)
        if(inc MATCHES "^torch/" OR inc MATCHES "^ATen/" OR inc MATCHES "^c10/" OR inc MATCHES "^core/engine/")
            string(APPEND errors "\n  ${f}: ui must not include <${inc}> (Torch stays behind core facades)")
        elseif(inc MATCHES "^core/.*\\.h$" AND EXISTS "${ROOT}/${inc}")
            includes_of("${ROOT}/${inc}" inner)
            foreach(i2 IN LISTS inner)
                if(i2 MATCHES "^torch/" OR i2 MATCHES "^ATen/" OR i2 MATCHES "^core/engine/")
                    string(APPEND errors "\n  ${f}: includes ${inc}, which pulls in <${i2}> (Torch into ui)")
                endif()
            endforeach()
        endif()
    endforeach()
endforeach()

if(errors)
    message(FATAL_ERROR "Layering violations:${errors}")
endif()
message(STATUS "layering ok: engine, core and ui include only what their layer may")
