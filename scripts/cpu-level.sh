#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the engine and core test suites of an existing build (./build or $GANVAS_BUILD_DIR) as a
# lower x86-64 CPU would run them (issue #18):
#   scripts/cpu-level.sh avx2 [ctest args…]       an AVX2 + FMA CPU without AVX-512 (most laptops)
#   scripts/cpu-level.sh baseline [ctest args…]   SSE4.1 only
# Each library that picks its kernels at run time is capped: LibTorch's ATen
# (ATEN_CPU_CAPABILITY; LibTorch 1.13 already stays at AVX2 unless told), OpenBLAS
# (OPENBLAS_CORETYPE: its GEMM kernels round differently per core type), oneDNN (ONEDNN_MAX_CPU_ISA
# and the older DNNL_MAX_CPU_ISA: convolutions) and OpenCV (OPENCV_CPU_DISABLE). .ci/run runs the
# avx2 level after the README's test command.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${GANVAS_BUILD_DIR:-$here/build}"
level="${1:-}"
shift || true
case "$level" in
    avx2)
        export ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell ONEDNN_MAX_CPU_ISA=AVX2 DNNL_MAX_CPU_ISA=AVX2
        export OPENCV_CPU_DISABLE=AVX512_COMMON,AVX512_SKX,AVX512_KNL,AVX512_KNM,AVX512_CNL,AVX512_CLX,AVX512_ICL
        ;;
    baseline)
        export ATEN_CPU_CAPABILITY=default OPENBLAS_CORETYPE=Nehalem ONEDNN_MAX_CPU_ISA=SSE41 DNNL_MAX_CPU_ISA=SSE41
        export OPENCV_CPU_DISABLE=AVX,AVX2,FMA3,FP16,AVX512_COMMON,AVX512_SKX,AVX512_KNL,AVX512_KNM,AVX512_CNL,AVX512_CLX,AVX512_ICL
        ;;
    *) echo "usage: scripts/cpu-level.sh avx2|baseline [ctest arguments]" >&2; exit 2 ;;
esac
[[ -x "$build/app/ganvas-cli" || -d "$build/tests" ]] || { echo "cpu-level.sh: no build in $build (run scripts/build.sh)" >&2; exit 2; }
echo "cpu-level.sh: engine and core suites at the $level level:" \
     "ATEN_CPU_CAPABILITY=$ATEN_CPU_CAPABILITY OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE ONEDNN_MAX_CPU_ISA=$ONEDNN_MAX_CPU_ISA"
cd "$build"
start=$(date +%s)
set +e
ctest --output-on-failure --no-label-summary --parallel "${GANVAS_JOBS:-$(nproc)}" --timeout 900 -L "engine|core" "$@"
rc=$?
set -e
echo "cpu-level.sh: $level tests took $(( $(date +%s) - start )) s"
exit $rc
