// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's own benchmark cases. Each has a twin of the same name in
// tests/reference/bench_peer.py (PyTorch's Python API) so `ganvas-cli bench` can report a ratio.
#include "core/engine/bench/Bench.h"

#include "core/engine/gan/GanTrainer.h"
#include "core/engine/nn/Device.h"
#include "core/engine/nn/TorchCompat.h"
#include "core/engine/style/Cells.h"
#include "core/engine/style/TransformerNet.h"

#include <chrono>

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

/// The cells step after a preset network (ADR 0016) on a photo-like picture: smooth shapes
/// plus noise, so the cells follow edges as they do on a photo.
BenchResult styleCells(const BenchOptions& o)
{
    ThreadCountGuard threads(o.threads);
    torch::InferenceMode guard;
    const int64_t side = o.quick ? 256 : 1024;
    torch::manual_seed(0);
    const auto shapes =
        torch::nn::functional::interpolate(torch::rand({1, 3, 16, 16}), torch::nn::functional::InterpolateFuncOptions()
                                                                            .size(std::vector<int64_t>{side, side})
                                                                            .mode(torch::kBilinear)
                                                                            .align_corners(false));
    const auto content = (shapes + 0.05 * torch::rand({1, 3, side, side})).clamp(0, 1).contiguous();
    const auto styled = torch::rand({1, 3, side, side});
    CellOptions facets;
    facets.shape = CellOptions::Shape::Facets;
    facets.across = 14;
    facets.follow = 0.6;
    facets.relief = 1.5;
    CellOptions panes;
    panes.shape = CellOptions::Shape::Panes;
    panes.across = 18;
    panes.texture = 0.15;
    panes.lines = 0.12;
    const int runs = o.quick ? 2 : 3;
    const double minSeconds = o.quick ? 0.2 : 2.0;
    const double f = medianSeconds([&] { (void)paintCells(styled, content, facets); }, torch::kCPU, runs, minSeconds);
    const double p = medianSeconds([&] { (void)paintCells(styled, content, panes); }, torch::kCPU, runs, minSeconds);
    const double seg =
        medianSeconds([&] { (void)segmentCells(content, side / 14.0, 0.6); }, torch::kCPU, runs, minSeconds);
    BenchResult r;
    r.value = f * 1e3;
    r.unit = "ms";
    r.higherIsBetter = false;
    r.details["size"] = static_cast<double>(side);
    r.details["panes_ms"] = p * 1e3;
    r.details["segmentation_ms"] = seg * 1e3;
    r.note = "runs on one thread (no peer: PyTorch has no SLIC)";
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

/// The bundled generator's architecture (64 px, latent 128, 32 base channels); bench_peer.py
/// builds the identical DCGAN (tests/reference/gan_reference.py).
GanOptions benchGan(const BenchOptions& o, GanArchitecture type)
{
    GanOptions g;
    g.resolution = o.quick ? 32 : 64;
    g.type = type;
    return g;
}

BenchResult ganSample(const BenchOptions& o, GanArchitecture type)
{
    ThreadCountGuard threads(o.threads);
    torch::manual_seed(0);
    Generator g(benchGan(o, type));
    g->to(o.device);
    g->eval();
    const auto z = torch::randn({1, g->options().latentDim}, torch::TensorOptions().device(o.device));
    const double s = medianSeconds(
        [&] {
            torch::InferenceMode guard;
            (void)g->forward(z);
        },
        o.device, o.quick ? 5 : 50, o.quick ? 0.2 : 2.0);
    BenchResult r;
    r.value = s * 1e3;
    r.unit = "ms";
    r.higherIsBetter = false;
    r.details["resolution"] = static_cast<double>(g->options().resolution);
    r.details["fps"] = 1.0 / s;
    r.details["gflop_per_image"] = 2 * g->macsPerImage() / 1e9;
    return r;
}

BenchResult ganTrain(const BenchOptions& o, Precision precision, GanArchitecture type)
{
    ThreadCountGuard threads(o.threads);
    torch::manual_seed(0);
    GanTrainOptions t;
    t.network = benchGan(o, type);
    t.batch = 32;
    t.precision = precision;
    Generator g(t.network);
    Discriminator d(t.network);
    initGanWeights(*g);
    initGanWeights(*d);
    g->to(o.device);
    d->to(o.device);
    GanStepper stepper(t, g, d);
    const auto real = torch::rand({t.batch, 3, t.network.resolution, t.network.resolution},
                                  torch::TensorOptions().device(o.device)) * 2 - 1;
    int64_t step = 0;
    for (; step < 3; ++step)
        (void)stepper.step(real, step % t.r1Every == 0);
    const auto t0 = std::chrono::steady_clock::now();
    int64_t steps = 0;
    const double minSeconds = o.quick ? 0.5 : 8.0;
    double seconds = 0;
    // Whole R1 intervals, so the lazy penalty's share is what training sees.
    while (steps < 16 || seconds < minSeconds) {
        (void)stepper.step(real, step % t.r1Every == 0);
        ++step;
        ++steps;
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    BenchResult r;
    r.value = static_cast<double>(steps * t.batch) / seconds;
    r.unit = "img/s";
    r.details["resolution"] = static_cast<double>(t.network.resolution);
    r.details["batch"] = static_cast<double>(t.batch);
    // FLOPs of one step: D on 2 batches forward+backward (3x forward), G forward+backward twice
    // through D's input, ~ (G + 2 D) x 3 x batch, plus R1's share; reported as GFLOP/s.
    const double flopsPerImage = 2.0 * 3.0 * (g->macsPerImage() + 3.0 * d->macsPerImage());
    r.details["gflop_per_s"] = r.value * flopsPerImage / 1e9;
    return r;
}

} // namespace

void registerEngineBenchCases(BenchRegistry& registry)
{
    registry.add(makeBenchCase("matmul-fp32", "fp32 matrix product, 2048x2048 (512 quick)", &matmul));
    registry.add(makeBenchCase("stylenet-fp32", "16-32-64 style network forward, 512x512 (128 quick), fp32", &styleFp32));
    registry.add(makeBenchCase("stylenet-bf16", "same network with bf16 autocast", &styleBf16));
    constexpr auto dcgan = GanArchitecture::DCGAN;
    constexpr auto fastgan = GanArchitecture::FastGAN;
    registry.add(makeBenchCase("gan-sample", "64 px generator (32 quick), one image, fp32",
                               [](const BenchOptions& o) { return ganSample(o, dcgan); }));
    registry.add(makeBenchCase("gan-train-fp32", "GAN training step, 64 px (32 quick), batch 32, fp32",
                               [](const BenchOptions& o) { return ganTrain(o, Precision::Float32, dcgan); }));
    registry.add(makeBenchCase("gan-train-bf16", "same training step with bf16 autocast",
                               [](const BenchOptions& o) { return ganTrain(o, Precision::BFloat16, dcgan); }));
    registry.add(makeBenchCase("fastgan-sample", "the same sample from a FastGAN generator of the same base, fp32",
                               [](const BenchOptions& o) { return ganSample(o, fastgan); }));
    registry.add(makeBenchCase("fastgan-train-fp32", "FastGAN training step (with its decoder), same size, fp32",
                               [](const BenchOptions& o) { return ganTrain(o, Precision::Float32, fastgan); }));
    registry.add(makeBenchCase("fastgan-train-bf16", "same FastGAN step with bf16 autocast",
                               [](const BenchOptions& o) { return ganTrain(o, Precision::BFloat16, fastgan); }));
    registry.add(makeBenchCase("stylenet-threads", "same network: 1 thread vs all threads (speed-up)", &styleThreads));
    registry.add(
        makeBenchCase("style-cells", "cells after the network (ADR 0016): Cubist facets at 1024^2, fp32", &styleCells));
}

} // namespace ganvas::engine
