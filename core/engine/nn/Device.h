// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Device.h
/// The one place that decides where tensors run and how many CPU threads LibTorch uses.
/// Jobs take their device from their own configuration (never from a global); these functions
/// turn a user's request ("auto", "cpu", "cuda", "cuda:1") into a torch::Device.

#include "core/engine/nn/TorchCompat.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace ganvas::engine {

/// Parses a device request. "auto" (or "") gives CUDA device 0 when LibTorch was built with CUDA
/// and a GPU is visible, else the CPU. "cuda" / "cuda:N" when no such GPU exists, or any other
/// text, throws std::invalid_argument with a message a user can act on. Any thread may call.
torch::Device resolveDevice(const std::string& request);

/// "cpu", "cuda:0" ... (what resolveDevice accepts back).
std::string deviceString(const torch::Device& device);

/// Logical CPUs this process may run on (its affinity mask; falls back to
/// std::thread::hardware_concurrency). Always >= 1.
int machineCores();

/// Sets LibTorch's intra-op thread count for the whole process: @p requested when > 0, else
/// machineCores(). Debian's LibTorch 1.13 starts with 1 thread; the same network ran 1.8x faster
/// with 2 on a 2-core machine. Returns torch::get_num_threads() afterwards.
/// Call once at start-up, from the main thread, before any job runs. Also calls
/// configureAllocator() (once).
int initThreads(int requested = 0);

/// Keeps freed tensor memory in the process for reuse instead of handing it back to the kernel
/// after every operation (glibc: mmap threshold 32 MiB, trim threshold 512 MiB). With glibc's
/// defaults a 512² style-network forward page-faulted 385k-722k times (1.5-3 GB of fresh zeroed
/// pages per 5 s run), and page faults from two threads contend in the kernel: that, not OpenMP,
/// was why a second thread gained so little and so unevenly (issue #18). Does nothing when
/// GLIBC_TUNABLES already sets malloc tunables or GANVAS_DEFAULT_MALLOC=1, or off glibc. Returns
/// true when it changed the allocator. Thread-safe; only the first call acts.
bool configureAllocator();

/// The SIMD level of LibTorch's own CPU kernels in this process (ATen picks it once at start-up).
enum class CpuLevel { Baseline, Avx2, Avx512 };

/// What ATen runs at, as LibTorch reports it in its build summary ("CPU capability usage: AVX2"):
/// the CPU's best level, lowered by ATEN_CPU_CAPABILITY ("default", "avx2", "avx512"). LibTorch
/// 1.13 makes AVX-512 opt-in, so this is avx2 on AVX-512 CPUs unless the variable asks for more.
CpuLevel atenCpuLevel();

/// "default" (baseline SSE), "avx2", "avx512": the names ATEN_CPU_CAPABILITY takes.
const char* cpuLevelName(CpuLevel level);

/// True when the CPU has bf16 dot-product instructions (x86 AVX512_BF16 or AMX-BF16), whatever
/// the kernels in this process are allowed to use.
bool cpuHasBf16Instructions();

/// True when bf16 is native for this process: the CPU has the instructions, ATen runs at AVX-512
/// level and oneDNN is not capped below AVX512_CORE_BF16 (ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA).
/// Only then does bf16 autocast pay off (measured 2.5-3x over fp32 on an AVX512_BF16 Xeon). On
/// other CPUs LibTorch 1.13 hands bf16 convolutions to a reference path: measured 8.4x slower than
/// fp32 on an AVX2 EPYC, and its partial sums are rounded to bf16 (issue #18).
bool cpuSupportsBf16();

/// True when oneDNN has been capped (ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA) below AVX512_CORE on
/// a CPU that has AVX512_CORE. LibTorch 1.13 decides from the CPU alone to give bf16 convolutions
/// to oneDNN, which then refuses them ("could not create a primitive descriptor"): bf16 cannot
/// run on the CPU in such a process. Only developers emulating a lower CPU set these variables.
bool cpuBf16Blocked();

/// The precision a job runs in for @p request ("auto", "fp32", "bf16"; "" = "auto") on @p device:
/// "auto" is bf16 on CUDA and on CPUs with native bf16 (cpuSupportsBf16), fp32 elsewhere. A bf16
/// request on a CPU without native bf16 is honoured, and @p warning (when given) receives its
/// measured cost; it is cleared otherwise. Throws std::invalid_argument for other text and when
/// bf16 is requested where cpuBf16Blocked(). Any thread may call.
Precision resolvePrecision(const std::string& request, const torch::Device& device, std::string* warning = nullptr);

/// Why "auto" chose what it chose on @p device, for the About box and status bar, e.g.
/// "fp32: this CPU has no native bf16 (ATen avx2)".
std::string precisionReason(Precision resolved, const torch::Device& device);

/// The BLAS library that LibTorch's CPU matrix products call, as loaded in this process, e.g.
/// "OpenBLAS (pthreads) /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3".
/// A reference BLAS is named as such: it is ~35x slower.
std::string blasInUse();

/// True when blasInUse() is the unoptimised reference BLAS.
bool blasIsReference();

/// What `ganvas-cli info` and the About dialog show.
struct RuntimeInfo {
    std::string torchVersion;
    bool cudaBuilt = false;          ///< LibTorch has CUDA support compiled in
    int cudaDeviceCount = 0;         ///< visible CUDA devices (0 without CUDA)
    std::string defaultDevice;       ///< what "auto" resolves to
    int threads = 1;                 ///< torch::get_num_threads() now
    int cores = 1;                   ///< machineCores()
    std::string blas;                ///< blasInUse()
    std::string blasCore;            ///< blasCoreDescription() (OpenBLAS kernel family), "" for another BLAS
    bool blasReference = false;
    bool cpuBf16 = false;            ///< cpuSupportsBf16()
    bool cpuBf16Instructions = false; ///< cpuHasBf16Instructions()
    std::string cpuLevel;            ///< cpuLevelName(atenCpuLevel())
    bool allocatorTuned = false;     ///< configureAllocator() changed glibc's malloc
};

RuntimeInfo runtimeInfo();

} // namespace ganvas::engine
