// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file CoreBenchCases.h
/// Benchmark cases of the painting core (no Torch): dab throughput, input-to-pixels latency and
/// undo memory on a 4096x4096 canvas with 10 layers.

namespace ganvas::engine {
class BenchRegistry;
}

namespace ganvas::core {

void registerCoreBenchCases(engine::BenchRegistry& registry);

} // namespace ganvas::core
