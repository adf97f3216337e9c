// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's own benchmark cases. Each has a twin of the same name in
// tests/reference/bench_peer.py (PyTorch's Python API) so `ganvas-cli bench` can report a ratio.
#include "core/engine/bench/Bench.h"

#include "core/engine/nn/Device.h"
#include "core/engine/nn/TorchCompat.h"
#include "core/engine/style/TransformerNet.h"

namespace ganvas::engine {

namespace {


int styleSize(const BenchOptions& o)
{
    return o.quick ? 128 : 512;
}

struct StyleNetSetup {
    /// The presets' network (Johnson et al. 2016 shape, 16-32-64 channels, 3 residual blocks,
    /// zero padding, instance norm, sigmoid head); bench_peer.py builds the identical network.
    TransformerNet net{TransformerOptions{{16, 32, 64}, 3, "sigmoid"}};
    torch::Tensor input;
    explicit StyleNetSetup(const BenchOptions& o)
    {
        torch::manual_seed(0);
        net->to(o.device);
        net->eval();
        input = torch::rand({1, 3, styleSize(o), styleSize(o)}, torch::TensorOptions().device(o.device));
    }
    double seconds(const BenchOptions& o, Precision precision)
    {
        return medianSeconds(
            [&] {
                torch::InferenceMode guard;
                AutocastGuard autocast(o.device, precision);
                (void)net->forward(input);
            },
            o.device, o.quick ? 2 : 3, o.quick ? 0.2 : 2.0);
    }
};

BenchResult matmul(const BenchOptions& o)
{
    ThreadCountGuard threads(o.threads);
    torch::InferenceMode guard;
    const int64_t n = o.quick ? 512 : 2048;
    torch::manual_seed(0);
    const auto a = torch::rand({n, n}, torch::TensorOptions().device(o.device));
    const auto b = torch::rand({n, n}, torch::TensorOptions().device(o.device));
    const double s = medianSeconds([&] { (void)torch::mm(a, b); }, o.device, 3, o.quick ? 0.2 : 1.5);
    BenchResult r;
    r.value = 2.0 * n * n * n / s / 1e9;
    r.unit = "GFLOP/s";
    r.details["n"] = static_cast<double>(n);
    r.details["ms"] = s * 1e3;
    if (o.device.is_cpu() && blasIsReference())
        r.note = "reference BLAS in use: install libopenblas0-pthread";
    return r;
}

BenchResult styleFp32(const BenchOptions& o)
{
    ThreadCountGuard threads(o.threads);
    StyleNetSetup setup(o);
    BenchResult r;
    r.value = setup.seconds(o, Precision::Float32) * 1e3;
    r.unit = "ms";
    r.higherIsBetter = false;
    r.details["size"] = styleSize(o);
    return r;
}

BenchResult styleBf16(const BenchOptions& o)
{
    ThreadCountGuard threads(o.threads);
    StyleNetSetup setup(o);
    const double fp32 = setup.seconds(o, Precision::Float32);
    const double bf16 = setup.seconds(o, Precision::BFloat16);
    BenchResult r;
    r.value = bf16 * 1e3;
    r.unit = "ms";
    r.higherIsBetter = false;
    r.details["size"] = styleSize(o);
    r.details["fp32_ms"] = fp32 * 1e3;
    r.details["speedup_vs_fp32"] = fp32 / bf16;
    if (o.device.is_cpu() && !cpuSupportsBf16())
        r.note = "this CPU has no native bf16 (emulated)";
    return r;
}

BenchResult styleThreads(const BenchOptions& o)
{
    StyleNetSetup setup(o);
    double one = 0, many = 0;
    {
        ThreadCountGuard threads(1);
        one = setup.seconds(o, Precision::Float32);
    }
    {
        ThreadCountGuard threads(o.threads);
        many = setup.seconds(o, Precision::Float32);
    }
    BenchResult r;
    r.value = one / many;
    r.unit = "x";
    r.details["threads"] = o.threads;
    r.details["ms_1_thread"] = one * 1e3;
    r.details["ms_n_threads"] = many * 1e3;
    if (o.threads <= 1)
        r.note = "only one thread available";
    return r;
}

} // namespace

void registerEngineBenchCases(BenchRegistry& registry)
{
    registry.add(makeBenchCase("matmul-fp32", "fp32 matrix product, 2048x2048 (512 quick)", &matmul));
    registry.add(makeBenchCase("stylenet-fp32", "16-32-64 style network forward, 512x512 (128 quick), fp32", &styleFp32));
    registry.add(makeBenchCase("stylenet-bf16", "same network with bf16 autocast", &styleBf16));
    registry.add(makeBenchCase("stylenet-threads", "same network: 1 thread vs all threads (speed-up)", &styleThreads));
}

} // namespace ganvas::engine
