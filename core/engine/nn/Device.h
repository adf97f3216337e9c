// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Device.h
/// The one place that decides where tensors run and how many CPU threads LibTorch uses.
/// Jobs take their device from their own configuration (never from a global); these functions
/// turn a user's request ("auto", "cpu", "cuda", "cuda:1") into a torch::Device.

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
/// Call once at start-up, from the main thread, before any job runs.
int initThreads(int requested = 0);

/// True when this CPU executes bf16 dot products natively (x86 AVX512_BF16 or AMX-BF16), where
/// bf16 autocast pays off (measured 1.4x on a style network on an AVX512_BF16 EPYC).
bool cpuSupportsBf16();

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
    bool blasReference = false;
    bool cpuBf16 = false;            ///< cpuSupportsBf16()
};

RuntimeInfo runtimeInfo();

} // namespace ganvas::engine
