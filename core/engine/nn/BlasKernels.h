// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file BlasKernels.h
/// Which kernels OpenBLAS (LibTorch's BLAS on Debian) runs, and making them match the CPU.
///
/// OpenBLAS built with DYNAMIC_ARCH picks its kernel family once, when the library is loaded
/// (before main), from a table of CPU models it knows. A CPU newer than the OpenBLAS release is
/// not in that table and gets the oldest x86-64 family, Prescott (SSE3): Debian 12's OpenBLAS
/// 0.3.21 does this on Intel's Emerald Rapids Xeon (family 6, model 207) although it has AVX-512.
/// Measured there in one loss-network evaluation at 512 px (issue #13): the Gram matrix products
/// took 401 ms with Prescott's kernels and 150 ms with SkylakeX's. OpenBLAS reads
/// OPENBLAS_CORETYPE only at load time, so the fix has to restart the program with it set.
///
/// Any thread may call the queries; chooseBlasKernels() belongs first in main().

#include <string>

namespace ganvas::engine {

/// OpenBLAS's name for the kernel family in use ("SkylakeX", "Haswell", "Prescott"…), or "" when
/// the BLAS in this process is not OpenBLAS.
std::string blasCoreName();

/// The kernel family to ask OpenBLAS for when it chose @p current on a CPU with the given
/// features, or "" to keep its choice. Only a fallback is replaced: a family without AVX2 on a
/// CPU with AVX2 and FMA (SkylakeX where the CPU also has AVX-512 F/DQ/BW/VL, else Haswell).
/// A family OpenBLAS chose on purpose (Zen, SkylakeX, Cooperlake…) is kept.
std::string betterBlasCoreType(const std::string& current, bool avx2Fma, bool avx512Core);

/// When OPENBLAS_CORETYPE is unset and betterBlasCoreType() names a better family for this CPU,
/// sets OPENBLAS_CORETYPE (and GANVAS_BLAS_CHOSEN, the family OpenBLAS had picked) and restarts
/// this program (/proc/self/exe with @p argv and the environment); returns when nothing is to be
/// done or the restart failed. Linux only (elsewhere it returns at once). A variable the user or
/// scripts/cpu-level.sh set is never overridden.
void chooseBlasKernels(char** argv);

/// "SkylakeX" or "SkylakeX (chosen by Ganvas: OpenBLAS picked Prescott for this CPU)": for
/// `ganvas-cli info` and the About box. "" when the BLAS is not OpenBLAS.
std::string blasCoreDescription();

} // namespace ganvas::engine
