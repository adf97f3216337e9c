// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-engine-bench [--device D] [--threads N] [--quick] [--json] [FILTER]
// The engine's benchmark cases without Qt (for LibTorch-only machines such as a CUDA box).
#include "core/engine/bench/Bench.h"
#include "core/engine/nn/Device.h"
#include "core/engine/nn/BlasKernels.h"
#include "core/engine/nn/ProcessExit.h"
#include "core/engine/nn/TorchCompat.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

static int runBench(int argc, char** argv)
{
    using namespace ganvas::engine;
    std::string device = "auto", filter;
    int threads = 0;
    bool quick = false, json = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--device" && i + 1 < argc)
            device = argv[++i];
        else if (a == "--threads" && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (a == "--quick")
            quick = true;
        else if (a == "--json")
            json = true;
        else if (a == "--help" || a == "-h") {
            std::cout << "usage: ganvas-engine-bench [--device auto|cpu|cuda[:N]] [--threads N] [--quick] [--json] [FILTER]\n";
            return 0;
        } else if (!a.empty() && a[0] == '-') {
            std::cerr << "ganvas-engine-bench: unknown option " << a << "\n";
            return 2;
        } else
            filter = a;
    }
    try {
        BenchOptions options;
        options.device = resolveDevice(device);
        options.threads = initThreads(threads);
        options.quick = quick;
        BenchRegistry registry;
        registerEngineBenchCases(registry);
        nlohmann::json out = nlohmann::json::array();
        const auto info = runtimeInfo();
        if (!json)
            std::printf("LibTorch %s, device %s, %d threads, BLAS %s\n", info.torchVersion.c_str(),
                        options.device.str().c_str(), options.threads, info.blas.c_str());
        int failed = 0;
        for (const auto* c : registry.select(filter)) {
            BenchResult r;
            try {
                r = c->run(options);
            } catch (const std::exception& e) { // one case that cannot run does not discard the others
                std::fprintf(stderr, "ganvas-engine-bench: %s failed: %s\n", c->name.c_str(), e.what());
                ++failed;
                continue;
            }
            if (json)
                out.push_back({{"name", r.name}, {"value", r.value}, {"unit", r.unit}, {"details", r.details}});
            else
                std::printf("%-18s %10.2f %-8s %s\n", r.name.c_str(), r.value, r.unit.c_str(), r.note.c_str());
        }
        if (json)
            std::cout << out.dump(2) << "\n";
        if (failed > 0)
            return 1;
    } catch (const std::exception& e) {
        std::cerr << "ganvas-engine-bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}

// Ends without the libraries' finalisers, where OpenBLAS can hang (core/engine/nn/ProcessExit.h).
int main(int argc, char** argv)
{
    ganvas::engine::chooseBlasKernels(argv); // the kernels the programs run (BlasKernels.h)
    ganvas::engine::exitProcess(runBench(argc, argv));
}
