// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's own benchmark cases. Each has a twin of the same name in
// tests/reference/bench_peer.py (PyTorch's Python API) so `ganvas-cli bench` can report a ratio.
#include "core/engine/bench/Bench.h"

#include "core/engine/nn/Device.h"
#include "core/engine/nn/TorchCompat.h"

namespace ganvas::engine {

namespace {

/// A feed-forward style network of the Johnson et al. (2016) shape with 16-32-64 channels and 3
/// residual blocks, zero padding and instance norm: the size class our presets will use. Only
/// for timing; bench_peer.py builds the identical network.
struct BenchStyleNetImpl : torch::nn::Module {
    static torch::nn::Conv2d conv(int in, int out, int k, int stride)
    {
        return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2));
    }
    static torch::nn::InstanceNorm2d norm(int c)
    {
        return torch::nn::InstanceNorm2d(torch::nn::InstanceNorm2dOptions(c).affine(true));
    }

    BenchStyleNetImpl(int c1, int c2, int c3, int blocks)
    {
        head = register_module("head", torch::nn::Sequential(conv(3, c1, 9, 1), norm(c1), torch::nn::ReLU(),
                                                              conv(c1, c2, 3, 2), norm(c2), torch::nn::ReLU(),
                                                              conv(c2, c3, 3, 2), norm(c3), torch::nn::ReLU()));
        for (int i = 0; i < blocks; ++i)
            res.push_back(register_module("res" + std::to_string(i),
                                          torch::nn::Sequential(conv(c3, c3, 3, 1), norm(c3), torch::nn::ReLU(),
                                                                conv(c3, c3, 3, 1), norm(c3))));
        up1 = register_module("up1", torch::nn::Sequential(conv(c3, c2, 3, 1), norm(c2), torch::nn::ReLU()));
        up2 = register_module("up2", torch::nn::Sequential(conv(c2, c1, 3, 1), norm(c1), torch::nn::ReLU()));
        tail = register_module("tail", conv(c1, 3, 9, 1));
    }

    torch::Tensor forward(torch::Tensor x)
    {
        namespace F = torch::nn::functional;
        const auto up = F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest);
        x = head->forward(x);
        for (auto& block : res)
            x = x + block->forward(x);
        x = up1->forward(F::interpolate(x, up));
        x = up2->forward(F::interpolate(x, up));
        return torch::sigmoid(tail->forward(x));
    }

    torch::nn::Sequential head{nullptr}, up1{nullptr}, up2{nullptr};
    std::vector<torch::nn::Sequential> res;
    torch::nn::Conv2d tail{nullptr};
};
TORCH_MODULE(BenchStyleNet);

int styleSize(const BenchOptions& o)
{
    return o.quick ? 128 : 512;
}

struct StyleNetSetup {
    BenchStyleNet net{16, 32, 64, 3};
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
