// SPDX-License-Identifier: GPL-3.0-or-later
// Memory pre-flight (issue #7 item 4): /proc/meminfo and cgroup v2 parsing, the
// GANVAS_MEMORY_LIMIT_MB override, fits() and scaleToFit(). The estimators themselves are
// tested in tests/ui/PreflightTest.cpp (they live in core, next to each job kind).
#include "EngineTest.h"

#include "core/engine/jobs/MemoryBudget.h"

#include <cstdlib>

using namespace ganvas::engine;

namespace {
/// Sets (or with nullptr unsets) GANVAS_MEMORY_LIMIT_MB for one scope.
struct LimitEnv {
    explicit LimitEnv(const char* value)
    {
        if (value)
            setenv("GANVAS_MEMORY_LIMIT_MB", value, 1);
        else
            unsetenv("GANVAS_MEMORY_LIMIT_MB");
    }
    ~LimitEnv() { unsetenv("GANVAS_MEMORY_LIMIT_MB"); }
};
} // namespace

GANVAS_TEST(jobs, meminfo_available_is_parsed_in_bytes)
{
    const std::string meminfo = "MemTotal:       24576000 kB\n"
                                "MemFree:        16000000 kB\n"
                                "MemAvailable:   21000000 kB\n"
                                "Buffers:          100000 kB\n";
    REQUIRE_EQ(parseMemAvailable(meminfo), int64_t(21000000) * 1024);
    REQUIRE_EQ(parseMemAvailable("MemTotal: 5 kB\n"), kUnknownMemory);         // an old kernel: no line
    REQUIRE_EQ(parseMemAvailable("MemAvailable: lots kB\n"), kUnknownMemory); // garbage
    REQUIRE_EQ(parseMemAvailable(""), kUnknownMemory);
}

GANVAS_TEST(jobs, cgroup_v2_limit_leaves_max_minus_current)
{
    REQUIRE_EQ(parseCgroupRemaining("1073741824\n", "268435456\n"), int64_t(805306368));
    REQUIRE_EQ(parseCgroupRemaining("max\n", "268435456\n"), kUnknownMemory); // no limit
    REQUIRE_EQ(parseCgroupRemaining("100\n", "200\n"), int64_t(0));           // over: nothing left
    REQUIRE_EQ(parseCgroupRemaining("", ""), kUnknownMemory);                 // no cgroup files
}

GANVAS_TEST(jobs, memory_limit_env_overrides_every_device)
{
    {
        LimitEnv env("50");
        REQUIRE_EQ(memoryLimitOverride(), int64_t(50) * 1024 * 1024);
        REQUIRE_EQ(availableBytes("cpu"), int64_t(50) * 1024 * 1024);
        REQUIRE_EQ(availableBytes("cuda:0"), int64_t(50) * 1024 * 1024);
    }
    for (const char* bad : {"", "0", "-5", "12abc", "lots"}) {
        LimitEnv env(bad);
        REQUIRE_EQ(memoryLimitOverride(), kUnknownMemory);
    }
    LimitEnv none(nullptr);
    // CUDA free memory is unknown in a build without the CUDA runtime; the CPU's is real here.
    REQUIRE_EQ(availableBytes("cuda"), kUnknownMemory);
    const int64_t cpu = availableBytes("cpu");
    REQUIRE(cpu > int64_t(16) * 1024 * 1024); // a test machine has more than 16 MiB free
}

GANVAS_TEST(jobs, fits_keeps_headroom_and_never_blocks_on_unknown)
{
    const int64_t gb = 1000 * 1000 * 1000;
    REQUIRE(fits({gb, ""}, 2 * gb));
    REQUIRE(!fits({gb, ""}, gb));              // 90 % of 1 GB is not enough for 1 GB
    REQUIRE(fits({gb, ""}, gb, 1.0));
    REQUIRE(fits({100 * gb, ""}, kUnknownMemory)); // unknown: do not block
    REQUIRE(formatBytes(1400 * 1000 * 1000) == "1.4 GB");
    REQUIRE(formatBytes(52 * 1000 * 1000) == "52 MB");
}

GANVAS_TEST(jobs, scale_to_fit_finds_the_largest_scale_that_fits)
{
    // 100 MB fixed + 900 MB at full size, growing with the area.
    const auto estimate = [](double s) { return static_cast<int64_t>(100e6 + 900e6 * s * s); };
    REQUIRE_NEAR(scaleToFit(estimate, int64_t(2e9)), 1.0, 1e-9);    // fits as it is
    const double s = scaleToFit(estimate, int64_t(500e6));           // 450 MB usable: s² ≤ 350/900
    REQUIRE(fits({estimate(s), ""}, int64_t(500e6)));
    REQUIRE(s > 0.61 && s < 0.624);
    REQUIRE_NEAR(scaleToFit(estimate, int64_t(100e6)), 0.0, 1e-9);   // even the fixed part does not fit
    REQUIRE_NEAR(scaleToFit(estimate, kUnknownMemory), 1.0, 1e-9);
}
