// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTest.h"

#include "core/engine/bench/Bench.h"
#include "core/engine/nn/Device.h"

using namespace ganvas::engine;

GANVAS_TEST(bench, registry_selects_by_name)
{
    BenchRegistry registry;
    registerEngineBenchCases(registry);
    REQUIRE(registry.cases().size() >= 4);
    REQUIRE_EQ(registry.select("").size(), registry.cases().size());
    const auto style = registry.select("stylenet");
    REQUIRE_EQ(style.size(), 3u);
    REQUIRE(registry.select("no-such-case").empty());
}

GANVAS_TEST(bench, quick_cases_produce_figures)
{
    BenchRegistry registry;
    registerEngineBenchCases(registry);
    BenchOptions options;
    options.quick = true;
    options.threads = torch::get_num_threads();
    const int before = torch::get_num_threads();
    for (const auto* c : registry.select("")) {
        if (c->name.find("bf16") != std::string::npos && cpuBf16Blocked()) {
            // The emulated-AVX2 pass (oneDNN capped on an AVX-512 CPU): bf16 cannot run, and says why.
            REQUIRE_THROWS_WITH(c->run(options), std::runtime_error, "ONEDNN_MAX_CPU_ISA");
            continue;
        }
        const auto r = c->run(options);
        REQUIRE_EQ(r.name, c->name);
        REQUIRE(r.value > 0);
        REQUIRE(!r.unit.empty());
    }
    REQUIRE_EQ(torch::get_num_threads(), before); // cases restore the thread count
}

GANVAS_TEST(bench, median_of_runs)
{
    int calls = 0;
    const double s = medianSeconds([&] { ++calls; }, torch::Device(torch::kCPU), 5, 0.0);
    REQUIRE_EQ(calls, 6); // one warm-up + five timed
    REQUIRE(s >= 0);
}
