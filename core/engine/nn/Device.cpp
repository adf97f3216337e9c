// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/nn/Device.h"
#include "core/engine/nn/TorchCompat.h"

#include <fstream>
#include <stdexcept>
#include <thread>

#if defined(__linux__)
#include <sched.h>
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

int initThreads(int requested)
{
    const int threads = requested > 0 ? requested : machineCores();
    torch::set_num_threads(threads);
    return torch::get_num_threads();
}

bool cpuSupportsBf16()
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (__get_cpuid_max(0, nullptr) < 7)
        return false;
    // Leaf 7 sub-leaf 1, EAX bit 5: AVX512_BF16. Leaf 7 sub-leaf 0, EDX bit 22: AMX-BF16.
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    if (eax & (1u << 5))
        return true;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    return (edx & (1u << 22)) != 0;
#else
    return false;
#endif
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
    info.blasReference = info.blas.rfind("reference BLAS", 0) == 0;
    info.cpuBf16 = cpuSupportsBf16();
    return info;
}

} // namespace ganvas::engine
