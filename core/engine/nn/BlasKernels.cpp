// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/nn/BlasKernels.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#if defined(__linux__)
#include <dlfcn.h>
#include <unistd.h>
#endif

namespace ganvas::engine {

std::string blasCoreName()
{
#if defined(__linux__)
    using CoreName = char* (*)();
    // OpenBLAS is loaded with LibTorch; look the symbol up rather than link against it, so
    // another BLAS (MKL in a PyPI LibTorch) simply yields "".
    const auto fn = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    if (fn == nullptr)
        return {};
    const char* name = fn();
    return name == nullptr ? std::string() : std::string(name);
#else
    return {};
#endif
}

std::string betterBlasCoreType(const std::string& current, bool avx2Fma, bool avx512Core)
{
    // OpenBLAS's x86-64 families without AVX2 (param.h / dynamic.c of 0.3.21): what it falls
    // back to for a CPU it does not know, or what an old CPU really is.
    static constexpr std::array<std::string_view, 22> withoutAvx2{
        "Prescott",  "Core2",      "Penryn",    "Dunnington", "Nehalem",    "Atom",     "Sandybridge", "Barcelona",
        "Bobcat",    "Bulldozer",  "Piledriver", "Steamroller", "Opteron", "Opteron_SSE3", "Katmai", "Coppermine",
        "Northwood", "Banias",     "Athlon",    "Unknown",    "Nano",       "Silvermont"};
    if (current.empty() || !avx2Fma)
        return {};
    bool fallback = false;
    for (const auto name : withoutAvx2)
        if (current == name)
            fallback = true;
    if (!fallback)
        return {};
    return avx512Core ? "SkylakeX" : "Haswell";
}

void chooseBlasKernels(char** argv)
{
#if defined(__linux__) && (defined(__x86_64__) || defined(__i386__))
    const char* set = std::getenv("OPENBLAS_CORETYPE");
    if (set != nullptr && *set != 0)
        return;
    __builtin_cpu_init();
    const bool avx2Fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    const std::string current = blasCoreName();
    const std::string better = betterBlasCoreType(current, avx2Fma, avx512);
    if (better.empty() || argv == nullptr)
        return;
    setenv("OPENBLAS_CORETYPE", better.c_str(), 1);
    setenv("GANVAS_BLAS_CHOSEN", current.c_str(), 1);
    std::fflush(nullptr);
    execv("/proc/self/exe", argv);
    // The restart failed (no /proc?): carry on with OpenBLAS's own kernels, slower but right.
    unsetenv("OPENBLAS_CORETYPE");
    unsetenv("GANVAS_BLAS_CHOSEN");
#else
    (void)argv;
#endif
}

std::string blasCoreDescription()
{
    const std::string core = blasCoreName();
    if (core.empty())
        return {};
    const char* picked = std::getenv("GANVAS_BLAS_CHOSEN");
    if (picked != nullptr && *picked != 0)
        return core + " (chosen by Ganvas: OpenBLAS picked " + picked + " for this CPU)";
    const char* set = std::getenv("OPENBLAS_CORETYPE");
    if (set != nullptr && *set != 0)
        return core + " (OPENBLAS_CORETYPE=" + set + ")";
    return core;
}

} // namespace ganvas::engine
