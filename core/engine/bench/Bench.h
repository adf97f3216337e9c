// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Bench.h
/// The benchmark harness: cases register here and print figures; `ganvas-cli bench` runs them,
/// runs the same cases in PyTorch's Python API (tests/reference/bench_peer.py) in the same run,
/// and reports the ratio. Benchmarks are commands, never timed tests.

#include <torch/torch.h>

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganvas::engine {

struct BenchOptions {
    torch::Device device = torch::Device(torch::kCPU);
    int threads = 1;      ///< intra-op threads the case should use (it restores the previous count)
    bool quick = false;   ///< smaller inputs and fewer repetitions (smoke runs, CI)
};

struct BenchResult {
    std::string name;
    std::string description;
    double value = 0;                       ///< the headline figure
    std::string unit;                       ///< "GFLOP/s", "ms", "x"
    bool higherIsBetter = true;
    std::map<std::string, double> details;  ///< secondary figures ("fp32_ms", "runs", ...)
    std::string note;                       ///< e.g. "CPU has no native bf16"
};

/// Thrown by a case whose prerequisite is missing on this machine (a model that is not
/// installed): the case is reported as skipped with this reason, the others run, and a run whose
/// cases only skipped still succeeds. Anything else a case throws is a failure.
class BenchSkipped : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct BenchCase {
    std::string name;         ///< stable id, shared with the Python peer ("matmul-fp32")
    std::string description;
    std::function<BenchResult(const BenchOptions&)> run;
};

/// Holds the cases in registration order. Registration is explicit (registerEngineBenchCases and
/// friends), because static initialisers in static libraries are dropped by the linker.
class BenchRegistry {
public:
    void add(BenchCase benchCase);
    const std::vector<BenchCase>& cases() const { return m_cases; }
    /// Cases whose name contains @p filter (all when empty).
    std::vector<const BenchCase*> select(const std::string& filter) const;

private:
    std::vector<BenchCase> m_cases;
};

/// Median wall time in seconds of @p fn over at least @p minRuns runs and @p minSeconds in total,
/// after one warm-up run. Synchronises CUDA around each run when @p device is a GPU.
double medianSeconds(const std::function<void()>& fn, const torch::Device& device, int minRuns, double minSeconds);

/// A case whose result gets @p name and @p description filled in, so @p fn only measures.
BenchCase makeBenchCase(std::string name, std::string description, BenchResult (*fn)(const BenchOptions&));

/// Adds the engine's own cases: matmul throughput, a style-transfer-sized conv net in fp32 and
/// bf16 autocast, and its thread scaling.
void registerEngineBenchCases(BenchRegistry& registry);

/// Sets intra-op threads for the lifetime of the object and restores them afterwards.
class ThreadCountGuard {
public:
    explicit ThreadCountGuard(int threads);
    ~ThreadCountGuard();
    ThreadCountGuard(const ThreadCountGuard&) = delete;
    ThreadCountGuard& operator=(const ThreadCountGuard&) = delete;

private:
    int m_previous;
};

} // namespace ganvas::engine
