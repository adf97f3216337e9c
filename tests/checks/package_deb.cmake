# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the .deb with CPack and checks that it holds what an installed Ganvas needs.
#   cmake -DCPACK_CONFIG=<build>/CPackConfig.cmake -DOUT=<dir> -P package_deb.cmake
cmake_minimum_required(VERSION 3.22)
file(REMOVE_RECURSE "${OUT}")
execute_process(COMMAND cpack -G DEB --config "${CPACK_CONFIG}" -B "${OUT}" RESULT_VARIABLE rc OUTPUT_VARIABLE log
                ERROR_VARIABLE log)
if(rc)
    message(FATAL_ERROR "cpack failed (${rc}):\n${log}")
endif()
file(GLOB debs "${OUT}/*.deb")
list(LENGTH debs n)
if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected one .deb in ${OUT}, found ${n}")
endif()
execute_process(COMMAND dpkg-deb -c ${debs} OUTPUT_VARIABLE contents RESULT_VARIABLE rc)
execute_process(COMMAND dpkg-deb -f ${debs} Package Depends OUTPUT_VARIABLE control)
if(rc)
    message(FATAL_ERROR "dpkg-deb cannot read ${debs}")
endif()
foreach(path ./usr/bin/ganvas ./usr/bin/ganvas-cli ./usr/share/applications/ganvas.desktop
             ./usr/share/icons/hicolor/scalable/apps/ganvas.svg ./usr/share/ganvas/resources.json
             ./usr/share/metainfo/ganvas.metainfo.xml ./usr/share/ganvas/styles/classic-oil/config.json
             ./usr/share/ganvas/styles/impasto-swirls/weights.safetensors
             ./usr/share/ganvas/generators/noto-emoji/weights.safetensors
             ./usr/share/ganvas/generators/noto-emoji/directions.safetensors)
    string(FIND "${contents}" " ${path}\n" found)
    if(found EQUAL -1)
        message(FATAL_ERROR "${debs} lacks ${path}:\n${contents}")
    endif()
endforeach()
foreach(dep libtorch libopenblas0 libqt6widgets6)
    string(FIND "${control}" "${dep}" found)
    if(found EQUAL -1)
        message(FATAL_ERROR "${debs} does not depend on ${dep}:\n${control}")
    endif()
endforeach()
message(STATUS "package ok: ${debs}")
