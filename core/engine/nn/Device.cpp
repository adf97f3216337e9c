// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/nn/Device.h"
#include "core/engine/nn/BlasKernels.h"
#include "core/engine/nn/TorchCompat.h"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace ganvas::engine {

torch::Device resolveDevice(const std::string& request)
{
    if (request.empty() || request == "auto")
        return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (request == "cpu")
        return torch::Device(torch::kCPU);
    if (request.rfind("cuda", 0) == 0) {
        int index = 0;
        if (request.size() > 4) {
            if (request[4] != ':' || request.size() == 5 || request.size() > 8)
                throw std::invalid_argument("unknown device '" + request + "' (expected auto, cpu, cuda or cuda:N)");
            for (size_t i = 5; i < request.size(); ++i) {
                if (request[i] < '0' || request[i] > '9')
                    throw std::invalid_argument("unknown device '" + request + "' (expected auto, cpu, cuda or cuda:N)");
                index = index * 10 + (request[i] - '0');
            }
        }
        if (!torch::cuda::is_available())
            throw std::invalid_argument("device '" + request + "' was requested, but this LibTorch build " +
                                        "has no CUDA support or no GPU is visible; use --device cpu");
        const auto count = static_cast<int>(torch::cuda::device_count());
        if (index >= count)
            throw std::invalid_argument("device '" + request + "' does not exist: " + std::to_string(count) +
                                        " CUDA device(s) visible");
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    throw std::invalid_argument("unknown device '" + request + "' (expected auto, cpu, cuda or cuda:N)");
}

std::string deviceString(const torch::Device& device)
{
    return device.str();
}

int machineCores()
{
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int count = CPU_COUNT(&set);
        if (count > 0)
            return count;
    }
#endif
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? static_cast<int>(hw) : 1;
}

bool configureAllocator()
{
    static const bool changed = [] {
#if defined(__GLIBC__)
        const char* tunables = std::getenv("GLIBC_TUNABLES");
        if (tunables != nullptr && std::string(tunables).find("malloc") != std::string::npos)
            return false;
        const char* opt = std::getenv("GANVAS_DEFAULT_MALLOC");
        if (opt != nullptr && std::string(opt) == "1")
            return false;
        // 32 MiB is glibc's largest dynamic mmap threshold on 64-bit; larger blocks are still
        // mapped (and unmapped on free). Freed memory up to 512 MiB stays for the next tensor.
        const bool a = mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024) == 1;
        const bool b = mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024) == 1;
        return a && b;
#else
        return false;
#endif
    }();
    return changed;
}

int initThreads(int requested)
{
    configureAllocator();
    const int threads = requested > 0 ? requested : machineCores();
    torch::set_num_threads(threads);
    return torch::get_num_threads();
}

namespace {

#if defined(__x86_64__) || defined(__i386__)
struct CpuidBits {
    bool avx512Core = false; ///< AVX512 F, BW, VL, DQ with the OS saving ZMM state (oneDNN's avx512_core)
    bool bf16 = false;       ///< AVX512_BF16 or AMX-BF16
};

CpuidBits readCpuid()
{
    CpuidBits bits;
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid_max(0, nullptr) < 7)
        return bits;
    __cpuid_count(1, 0, eax, ebx, ecx, edx);
    const bool osxsave = (ecx & (1u << 27)) != 0;
    unsigned long long xcr0 = 0;
    if (osxsave) {
        unsigned lo = 0, hi = 0;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = (static_cast<unsigned long long>(hi) << 32) | lo;
    }
    // XMM, YMM, opmask, ZMM_Hi256 and Hi16_ZMM state saved by the OS.
    const bool zmmState = (xcr0 & 0xE6) == 0xE6;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const bool f = ebx & (1u << 16), dq = ebx & (1u << 17), bw = ebx & (1u << 30), vl = ebx & (1u << 31);
    bits.avx512Core = zmmState && f && dq && bw && vl;
    const bool amxBf16 = (edx & (1u << 22)) != 0;
    // Leaf 7 sub-leaf 1, EAX bit 5: AVX512_BF16.
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    bits.bf16 = (bits.avx512Core && (eax & (1u << 5))) || amxBf16;
    return bits;
}
#else
struct CpuidBits {
    bool avx512Core = false;
    bool bf16 = false;
};
CpuidBits readCpuid()
{
    return {};
}
#endif

const CpuidBits& cpuid()
{
    static const CpuidBits bits = readCpuid();
    return bits;
}

/// oneDNN's ISA ladder (dnnl_cpu_isa_t, as ONEDNN_MAX_CPU_ISA names it) from the bottom; the
/// value of the cap in this ladder, or -1 when no cap is set (or one oneDNN would ignore).
int onednnCap()
{
    static const int cap = [] {
        const char* value = std::getenv("ONEDNN_MAX_CPU_ISA");
        if (value == nullptr || *value == 0)
            value = std::getenv("DNNL_MAX_CPU_ISA");
        if (value == nullptr || *value == 0)
            return -1;
        std::string v(value);
        for (auto& c : v)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        static const char* const ladder[] = {"SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX512_CORE", "AVX512_CORE_VNNI",
                                             "AVX512_CORE_BF16", "AVX512_CORE_FP16", "AVX512_CORE_AMX", "ALL"};
        for (int i = 0; i < static_cast<int>(std::size(ladder)); ++i)
            if (v == ladder[i])
                return i;
        return -1;
    }();
    return cap;
}

constexpr int kCapAvx512Core = 4;
constexpr int kCapAvx512CoreBf16 = 6;

} // namespace

CpuLevel atenCpuLevel()
{
    // ATen prints the level it chose in its build summary ("CPU capability usage: AVX2"); that
    // is its own decision, ATEN_CPU_CAPABILITY and LibTorch 1.13's opt-in AVX-512 included.
    static const CpuLevel level = [] {
        const std::string config = at::show_config();
        const auto pos = config.find("CPU capability usage:");
        if (pos == std::string::npos)
            return CpuLevel::Baseline;
        const std::string value = config.substr(pos + 21, config.find('\n', pos) - pos - 21);
        if (value.find("AVX512") != std::string::npos)
            return CpuLevel::Avx512;
        if (value.find("AVX2") != std::string::npos)
            return CpuLevel::Avx2;
        return CpuLevel::Baseline;
    }();
    return level;
}

const char* cpuLevelName(CpuLevel level)
{
    switch (level) {
    case CpuLevel::Avx512:
        return "avx512";
    case CpuLevel::Avx2:
        return "avx2";
    case CpuLevel::Baseline:
        break;
    }
    return "default";
}

bool cpuHasBf16Instructions()
{
    return cpuid().bf16;
}

bool cpuSupportsBf16()
{
    // bf16 convolutions and matrix products go to oneDNN, which uses the bf16 instructions when
    // it may: ATen's own level does not matter (LibTorch 1.13 stays at AVX2 unless told).
    return cpuid().bf16 && (onednnCap() < 0 || onednnCap() >= kCapAvx512CoreBf16);
}

bool cpuBf16Blocked()
{
    return cpuid().avx512Core && onednnCap() >= 0 && onednnCap() < kCapAvx512Core;
}

Precision resolvePrecision(const std::string& request, const torch::Device& device, std::string* warning)
{
    if (warning != nullptr)
        warning->clear();
    if (request.empty() || request == "auto")
        return (device.is_cuda() || cpuSupportsBf16()) ? Precision::BFloat16 : Precision::Float32;
    const Precision precision = parsePrecision(request);
    if (precision != Precision::BFloat16 || device.is_cuda() || cpuSupportsBf16())
        return precision;
    if (cpuBf16Blocked())
        throw std::invalid_argument("bf16 cannot run on the CPU in this process: ONEDNN_MAX_CPU_ISA (or "
                                    "DNNL_MAX_CPU_ISA) caps oneDNN below AVX512_CORE, and LibTorch hands "
                                    "bf16 convolutions to it anyway; use fp32");
    if (warning != nullptr)
        *warning = "this CPU has no native bf16 (AVX512_BF16 or AMX): LibTorch emulates it, measured 8.4x "
                   "slower than fp32 on an AVX2 CPU and less exact (its partial sums are rounded to bf16); "
                   "fp32 is faster here";
    return precision;
}

std::string precisionReason(Precision resolved, const torch::Device& device)
{
    const std::string name = precisionName(resolved);
    if (device.is_cuda())
        return name + " on " + device.str();
    if (cpuSupportsBf16())
        return resolved == Precision::BFloat16 ? name + ": native on this CPU" : name + " (this CPU also has native bf16)";
    const std::string why = cpuHasBf16Instructions() ? "oneDNN is capped below bf16 (ONEDNN_MAX_CPU_ISA)"
                                                     : "this CPU has no native bf16";
    return resolved == Precision::BFloat16 ? name + " emulated: " + why : name + ": " + why;
}

namespace {

/// Path of the first mapped shared object whose file name contains "blas" (or an MKL/BLIS
/// library), read from /proc/self/maps. Empty where that does not exist.
std::string loadedBlasPath()
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto slash = line.find('/');
        if (slash == std::string::npos)
            continue;
        const std::string path = line.substr(slash);
        const auto base = path.substr(path.rfind('/') + 1);
        if (base.find("blas") != std::string::npos || base.find("libmkl") == 0 || base.find("libblis") == 0)
            return path;
    }
    return {};
}

} // namespace

std::string blasInUse()
{
    // Make sure the BLAS is loaded (it is linked, but keep this robust against lazy loading).
    (void)torch::mm(torch::ones({2, 2}), torch::ones({2, 2}));
    const std::string path = loadedBlasPath();
    if (path.find("openblas") != std::string::npos) {
        const bool pthread = path.find("pthread") != std::string::npos;
        const bool openmp = path.find("openmp") != std::string::npos;
        return std::string("OpenBLAS") + (pthread ? " (pthreads)" : openmp ? " (OpenMP)" : "") + " " + path;
    }
    if (path.find("mkl") != std::string::npos)
        return "Intel MKL " + path;
    if (path.find("blis") != std::string::npos)
        return "BLIS " + path;
    if (path.find("atlas") != std::string::npos)
        return "ATLAS " + path;
    if (!path.empty())
        return "reference BLAS (unoptimised, ~35x slower: install libopenblas0-pthread) " + path;
    // Statically linked BLAS (e.g. PyPI wheels bundle MKL): ask the build configuration.
    const std::string config = at::show_config();
    const auto pos = config.find("BLAS_INFO=");
    if (pos != std::string::npos) {
        const auto end = config.find_first_of(", \n", pos);
        return "built-in (" + config.substr(pos + 10, end - pos - 10) + ")";
    }
    return "unknown";
}

bool blasIsReference()
{
    return blasInUse().rfind("reference BLAS", 0) == 0;
}

RuntimeInfo runtimeInfo()
{
    RuntimeInfo info;
    info.torchVersion = torchVersionString();
    info.cudaBuilt = at::hasCUDA();
    info.cudaDeviceCount = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
    info.defaultDevice = deviceString(resolveDevice("auto"));
    info.threads = torch::get_num_threads();
    info.cores = machineCores();
    info.blas = blasInUse();
    info.blasCore = blasCoreDescription();
    info.blasReference = info.blas.rfind("reference BLAS", 0) == 0;
    info.cpuBf16 = cpuSupportsBf16();
    info.cpuBf16Instructions = cpuHasBf16Instructions();
    info.cpuLevel = cpuLevelName(atenCpuLevel());
    info.allocatorTuned = configureAllocator();
    return info;
}

} // namespace ganvas::engine
