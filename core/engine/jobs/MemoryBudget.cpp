// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/jobs/MemoryBudget.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ganvas::engine {

namespace {

std::string readSmallFile(const char* path)
{
    std::ifstream in(path);
    if (!in)
        return {};
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// A whole, non-negative number filling @p text (surrounding white space allowed), or -1.
int64_t parseWhole(const std::string& text)
{
    size_t begin = text.find_first_not_of(" \t\r\n");
    size_t end = text.find_last_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return -1;
    const std::string digits = text.substr(begin, end - begin + 1);
    if (digits.empty() || digits.size() > 18 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return -1;
    return std::stoll(digits);
}

} // namespace

int64_t parseMemAvailable(const std::string& meminfo)
{
    std::istringstream in(meminfo);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("MemAvailable:", 0) != 0)
            continue;
        std::istringstream fields(line.substr(13));
        std::string number, unit;
        fields >> number >> unit;
        const int64_t value = parseWhole(number);
        if (value < 0)
            return kUnknownMemory;
        if (unit.empty())
            return value;
        if (unit == "kB" || unit == "KB")
            return value * 1024;
        return kUnknownMemory;
    }
    return kUnknownMemory;
}

int64_t parseCgroupRemaining(const std::string& max, const std::string& current)
{
    const int64_t limit = parseWhole(max); // "max" (no limit) does not parse
    const int64_t used = parseWhole(current);
    if (limit < 0 || used < 0)
        return kUnknownMemory;
    return std::max<int64_t>(0, limit - used);
}

int64_t memoryLimitOverride()
{
    const char* value = std::getenv("GANVAS_MEMORY_LIMIT_MB");
    if (!value)
        return kUnknownMemory;
    const int64_t mb = parseWhole(value);
    if (mb <= 0 || mb > (int64_t(1) << 40))
        return kUnknownMemory;
    return mb * 1024 * 1024;
}

int64_t availableBytes(const std::string& device)
{
    if (const int64_t limit = memoryLimitOverride(); limit != kUnknownMemory)
        return limit;
    if (device.rfind("cuda", 0) == 0)
        return kUnknownMemory; // see the header: needs the CUDA runtime, which CPU builds lack
    int64_t available = parseMemAvailable(readSmallFile("/proc/meminfo"));
    const int64_t cgroup =
        parseCgroupRemaining(readSmallFile("/sys/fs/cgroup/memory.max"), readSmallFile("/sys/fs/cgroup/memory.current"));
    if (cgroup != kUnknownMemory)
        available = available == kUnknownMemory ? cgroup : std::min(available, cgroup);
    return available;
}

bool fits(const MemoryEstimate& estimate, int64_t available, double headroom)
{
    if (available < 0)
        return true;
    headroom = std::clamp(headroom, 0.01, 1.0);
    return static_cast<double>(estimate.bytes) <= headroom * static_cast<double>(available);
}

double scaleToFit(const std::function<int64_t(double scale)>& estimateAt, int64_t available, double headroom,
                  double minScale)
{
    auto ok = [&](double scale) { return fits({estimateAt(scale), {}}, available, headroom); };
    if (available < 0 || ok(1.0))
        return 1.0;
    if (!ok(minScale))
        return 0.0;
    double lo = minScale, hi = 1.0; // ok(lo), !ok(hi)
    while (hi - lo > 0.005)
        (ok((lo + hi) / 2) ? lo : hi) = (lo + hi) / 2;
    return lo;
}

std::string formatBytes(int64_t bytes)
{
    char text[32];
    const double gb = static_cast<double>(bytes) / 1e9;
    if (gb >= 10)
        std::snprintf(text, sizeof text, "%.0f GB", gb);
    else if (gb >= 1)
        std::snprintf(text, sizeof text, "%.1f GB", gb);
    else
        std::snprintf(text, sizeof text, "%.0f MB", std::max(0.0, static_cast<double>(bytes) / 1e6));
    return text;
}

} // namespace ganvas::engine
