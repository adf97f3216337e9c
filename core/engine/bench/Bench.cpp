// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/bench/Bench.h"

#include <algorithm>
#include <chrono>

namespace ganvas::engine {

void BenchRegistry::add(BenchCase benchCase)
{
    m_cases.push_back(std::move(benchCase));
}

std::vector<const BenchCase*> BenchRegistry::select(const std::string& filter) const
{
    std::vector<const BenchCase*> out;
    for (const auto& c : m_cases)
        if (filter.empty() || c.name.find(filter) != std::string::npos)
            out.push_back(&c);
    return out;
}

namespace {

void synchronize(const torch::Device& device)
{
    if (device.is_cuda())
        torch::cuda::synchronize(device.index());
}

} // namespace

double medianSeconds(const std::function<void()>& fn, const torch::Device& device, int minRuns, double minSeconds)
{
    using Clock = std::chrono::steady_clock;
    fn(); // warm-up: allocator, one-time kernel selection
    synchronize(device);
    std::vector<double> runs;
    const auto start = Clock::now();
    while (static_cast<int>(runs.size()) < minRuns ||
           std::chrono::duration<double>(Clock::now() - start).count() < minSeconds) {
        const auto t0 = Clock::now();
        fn();
        synchronize(device);
        runs.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        if (runs.size() >= 1000)
            break;
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

BenchCase makeBenchCase(std::string name, std::string description, BenchResult (*fn)(const BenchOptions&))
{
    return {name, description, [name, description, fn](const BenchOptions& o) {
                BenchResult r = fn(o);
                r.name = name;
                r.description = description;
                return r;
            }};
}

ThreadCountGuard::ThreadCountGuard(int threads) : m_previous(torch::get_num_threads())
{
    torch::set_num_threads(std::max(1, threads));
}

ThreadCountGuard::~ThreadCountGuard()
{
    torch::set_num_threads(m_previous);
}

} // namespace ganvas::engine
