// SPDX-License-Identifier: GPL-3.0-or-later
// Style transfer in the engine: losses against hand-computed values, the random loss network's
// determinism, colour preservation, the transformer network and its weights, Gatys optimisation
// (previews, accept-now, mask, tiling, cancel) and the trainer (checkpoint + resume == one run).
#include "EngineTest.h"

#include "core/engine/image/Pyramid.h"
#include "core/engine/jobs/Job.h"
#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/Device.h"
#include "core/engine/nn/SafeTensors.h"
#include "core/engine/style/ColourTransfer.h"
#include "core/engine/style/Gatys.h"
#include "core/engine/style/LossNetwork.h"
#include "core/engine/style/StyleMetrics.h"
#include "core/engine/style/StyleTrainer.h"
#include "core/engine/style/TransformerNet.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ganvas::engine;
namespace fs = std::filesystem;

namespace {

struct Recorder : JobObserver {
    int previews = 0;
    std::vector<int> passes;
    std::vector<int64_t> done;
    std::vector<torch::Tensor> images;
    void onProgress(int64_t d, int64_t, const std::string&) override { done.push_back(d); }
    void onPreview(const torch::Tensor& image, int pass) override
    {
        ++previews;
        passes.push_back(pass);
        images.push_back(image.clone());
    }
};

/// A smooth content picture and a striped, colourful style picture, both deterministic.
torch::Tensor contentImage(int64_t h, int64_t w)
{
    const auto y = torch::linspace(0, 1, h).view({1, 1, h, 1}).expand({1, 1, h, w});
    const auto x = torch::linspace(0, 1, w).view({1, 1, 1, w}).expand({1, 1, h, w});
    return torch::cat({x, y, 0.5 * (x + y)}, 1).contiguous();
}

torch::Tensor styleImage(int64_t side)
{
    const auto y = torch::arange(side, torch::kFloat32).view({1, 1, side, 1}).expand({1, 1, side, side});
    const auto x = torch::arange(side, torch::kFloat32).view({1, 1, 1, side}).expand({1, 1, side, side});
    const auto stripes = (torch::sin((x + y) * 0.8) > 0).to(torch::kFloat32);
    return torch::cat({stripes, 1 - stripes, 0.3 * torch::ones_like(stripes)}, 1).contiguous();
}

RandomLossNetworkOptions smallNet()
{
    RandomLossNetworkOptions o;
    o.channels = {8, 16, 16};
    o.contentStage = 1;
    return o;
}

} // namespace

GANVAS_TEST(style, gram_matrix_matches_hand_computed_values)
{
    // Two channels over two pixels: F = [[1,2],[3,4]]; F F^T = [[5,11],[11,25]]; / (C*H*W = 4).
    const auto f = torch::tensor({1.f, 2.f, 3.f, 4.f}).view({1, 2, 1, 2});
    const auto g = gramMatrix(f);
    REQUIRE_NEAR(g[0][0][0].item<double>(), 1.25, 1e-6);
    REQUIRE_NEAR(g[0][0][1].item<double>(), 2.75, 1e-6);
    REQUIRE_NEAR(g[0][1][0].item<double>(), 2.75, 1e-6);
    REQUIRE_NEAR(g[0][1][1].item<double>(), 6.25, 1e-6);
}

GANVAS_TEST(style, losses_are_zero_at_the_target_and_positive_elsewhere)
{
    auto net = makeRandomLossNetwork(smallNet());
    const auto s = styleImage(32);
    const auto grams = styleGrams(*net, s);
    REQUIRE_EQ(grams.size(), size_t(3));
    REQUIRE_NEAR(styleLoss(net->features(s).style, grams).item<double>(), 0.0, 1e-6);
    REQUIRE(styleLoss(net->features(contentImage(32, 32)).style, grams).item<double>() > 0.05);
    REQUIRE_NEAR(relativeMse(torch::ones({1, 3, 4, 4}) * 2, torch::ones({1, 3, 4, 4})).item<double>(), 1.0, 1e-6);
    // TV of a horizontal ramp 0,1,2 (one row): mean |dx| = 1, no vertical change.
    REQUIRE_NEAR(totalVariation(torch::tensor({0.f, 1.f, 2.f}).view({1, 1, 1, 3})).item<double>(), 1.0, 1e-6);
}

GANVAS_TEST(style, random_loss_network_is_reproducible_from_its_seed)
{
    const auto x = contentImage(24, 24);
    auto a = makeRandomLossNetwork(smallNet());
    auto b = makeRandomLossNetwork(smallNet());
    auto other = smallNet();
    other.seed = 1;
    auto c = makeRandomLossNetwork(other);
    const auto fa = a->features(x), fb = b->features(x), fc = c->features(x);
    REQUIRE(torch::equal(fa.content, fb.content));
    REQUIRE(!torch::allclose(fa.content, fc.content));
    REQUIRE_EQ(fa.style.size(), size_t(3));
    REQUIRE_EQ(fa.style[1].size(1), int64_t(16));
    REQUIRE_EQ(fa.style[2].size(2), int64_t(6)); // two 2x2 poolings of 24
    REQUIRE(a->describe().find("seed 20161") != std::string::npos);
    REQUIRE(a->describe().find("not ImageNet") != std::string::npos);
    REQUIRE_THROWS_WITH(makeRandomLossNetwork({1, {}, 3, 0}), std::invalid_argument, "bad options");
    // The content layer's stage (style-train --content-stage): stage 0 at full resolution, the
    // first stage's features; a stage other than the default is named in the description.
    REQUIRE_EQ(fa.content.size(2), int64_t(12)); // smallNet: stage 1, half of 24
    auto full = smallNet();
    full.contentStage = 0;
    auto d = makeRandomLossNetwork(full);
    const auto fd = d->features(x);
    REQUIRE_EQ(fd.content.size(2), int64_t(24));
    REQUIRE(torch::equal(fd.content, fd.style[0]));
    REQUIRE(d->describe().find("content stage 0") != std::string::npos);
    REQUIRE(makeRandomLossNetwork(RandomLossNetworkOptions{})->describe().find("content stage") == std::string::npos);
    full.contentStage = 3; // smallNet has three stages
    REQUIRE_THROWS_WITH(makeRandomLossNetwork(full), std::invalid_argument, "bad options");
}

GANVAS_TEST(style, blend_of_grams_is_the_weighted_mean)
{
    const std::vector<torch::Tensor> a{torch::ones({1, 2, 2})}, b{torch::ones({1, 2, 2}) * 4};
    const auto mix = blendGrams({a, b}, {1.0, 3.0}); // (1*1 + 3*4) / 4
    REQUIRE_NEAR(mix[0][0][0][0].item<double>(), 3.25, 1e-6);
    REQUIRE_THROWS_WITH(blendGrams({a, b}, {0.0, 0.0}), std::invalid_argument, "must not all be 0");
    REQUIRE_THROWS_WITH(blendGrams({a, b}, {1.0}), std::invalid_argument, "one weight per style");
}

GANVAS_TEST(style, colour_preservation_and_strength)
{
    torch::manual_seed(3);
    const auto content = torch::rand({1, 3, 16, 16});
    const auto stylised = torch::rand({1, 3, 16, 16});
    // YCbCr round trip.
    REQUIRE(torch::allclose(yCbCrToRgb(rgbToYCbCr(content)), content, 1e-5, 1e-5));
    // Luminance mode: the content's chroma wherever nothing clipped.
    const auto lum = preserveColour(stylised, content, ColourMode::Luminance);
    const auto chroma = rgbToYCbCr(lum).narrow(1, 1, 2), want = rgbToYCbCr(content).narrow(1, 1, 2);
    const auto unclipped = ((lum > 0.001) & (lum < 0.999)).all(1, true).expand_as(chroma);
    REQUIRE(unclipped.sum().item<int64_t>() > 100);
    REQUIRE((chroma - want).abs().masked_select(unclipped).max().item<double>() < 1e-4);
    // Histogram mode: each channel takes exactly the content's values.
    const auto hist = preserveColour(stylised, content, ColourMode::Histogram);
    for (int c = 0; c < 3; ++c)
        REQUIRE(torch::allclose(std::get<0>(hist[0][c].flatten().sort()), std::get<0>(content[0][c].flatten().sort())));
    // ...in the stylised image's order: the brightest stylised pixel stays the brightest.
    REQUIRE_EQ(hist[0][0].flatten().argmax().item<int64_t>(), stylised[0][0].flatten().argmax().item<int64_t>());
    REQUIRE(torch::equal(preserveColour(stylised, content, ColourMode::Style), stylised));
    // Strength and mask.
    REQUIRE(torch::allclose(blendStrength(content, stylised, 0.0), content));
    REQUIRE(torch::allclose(blendStrength(content, stylised, 1.0), stylised));
    REQUIRE(torch::allclose(blendStrength(content, stylised, 0.25), content * 0.75 + stylised * 0.25, 1e-5, 1e-6));
    auto mask = torch::zeros({1, 1, 16, 16});
    mask.narrow(3, 0, 8).fill_(1);
    const auto masked = blendStrength(content, stylised, 1.0, mask);
    REQUIRE(torch::allclose(masked.narrow(3, 0, 8), stylised.narrow(3, 0, 8)));
    REQUIRE(torch::allclose(masked.narrow(3, 8, 8), content.narrow(3, 8, 8)));
    REQUIRE(parseColourMode("luminance") == ColourMode::Luminance);
    REQUIRE_THROWS_WITH(parseColourMode("sepia"), std::invalid_argument, "unknown colour mode");
}

GANVAS_TEST(style, transformer_starts_near_identity_and_takes_any_size)
{
    torch::manual_seed(0);
    TransformerOptions residual;
    residual.output = "residual";
    TransformerNet net(residual);
    torch::NoGradGuard noGrad;
    const auto x = contentImage(37, 53);
    const auto y = net->forward(x);
    REQUIRE_EQ(y.sizes(), x.sizes());
    // Residual output with a down-scaled last layer: close to the input before training.
    REQUIRE((y - x).abs().mean().item<double>() < 0.1);
    TransformerOptions sig;
    sig.output = "sigmoid";
    TransformerNet s(sig);
    const auto z = s->forward(x);
    REQUIRE(z.min().item<double>() >= 0.0);
    REQUIRE(z.max().item<double>() <= 1.0);
}

GANVAS_TEST(style, transformer_options_and_weights_are_validated)
{
    const auto o = TransformerOptions::fromJson({{"type", "johnson"}, {"channels", {8, 16, 32}}, {"residual_blocks", 2}});
    REQUIRE_EQ(o.channels[2], int64_t(32));
    REQUIRE_EQ(o.residualBlocks, int64_t(2));
    REQUIRE(TransformerOptions::fromJson(o.toJson()).toJson() == o.toJson());
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson({{"channels", {8, 16}}}), std::invalid_argument, "three integers");
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson({{"channels", {8, 16, 9999}}}), std::invalid_argument, "1..512");
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson({{"residual_blocks", -1}}), std::invalid_argument, "0..16");
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson({{"type", "unet"}}), std::invalid_argument, "johnson");

    torch::manual_seed(1);
    TransformerNet a(o), b(o);
    auto state = transformerState(a);
    std::map<std::string, torch::Tensor> half;
    for (const auto& [k, v] : state)
        half[k] = v.to(torch::kFloat16);
    loadTransformerState(b, half);
    torch::NoGradGuard noGrad;
    const auto x = contentImage(16, 16);
    REQUIRE((a->forward(x) - b->forward(x)).abs().max().item<double>() < 5e-3);

    auto missing = state;
    missing.erase("tail.bias");
    REQUIRE_THROWS_WITH(loadTransformerState(b, missing), std::runtime_error, "missing tensor 'tail.bias'");
    auto wrong = state;
    wrong["tail.bias"] = torch::zeros({4});
    REQUIRE_THROWS_WITH(loadTransformerState(b, wrong), std::runtime_error, "wrong shape");
    auto extra = state;
    extra["evil"] = torch::zeros({1});
    REQUIRE_THROWS_WITH(loadTransformerState(b, extra), std::runtime_error, "unexpected tensor 'evil'");
    auto ints = state;
    ints["tail.bias"] = torch::zeros({3}, torch::kInt32);
    REQUIRE_THROWS_WITH(loadTransformerState(b, ints), std::runtime_error, "not floating point");
}

GANVAS_TEST(style, tiled_stylisation_covers_any_size_and_cancels)
{
    torch::manual_seed(2);
    TransformerNet net(TransformerOptions{{8, 8, 8}, 1, "residual"});
    const auto x = contentImage(150, 230);
    StyliseOptions options;
    options.tiling = {96, 16, 16, 1};
    CancelToken token;
    Recorder rec;
    JobContext ctx(token, &rec);
    const auto y = styliseTiled(net, x, options, &ctx);
    REQUIRE_EQ(y.sizes(), x.sizes());
    REQUIRE(y.min().item<double>() >= 0.0);
    REQUIRE(y.max().item<double>() <= 1.0);
    REQUIRE(rec.done.size() >= 6); // 2 rows x 3 columns of tiles
    // One tile == the plain forward pass; many tiles (instance norm sees each tile) stay close
    // to it, with no seam: neighbouring columns across a tile border differ no more than
    // neighbouring columns elsewhere.
    // (The picture is mirrored outwards by 32 px before stylising: no bands at its edges.)
    torch::NoGradGuard noGrad;
    namespace F = torch::nn::functional;
    const auto mirrored = F::pad(x, F::PadFuncOptions({32, 32, 32, 32}).mode(torch::kReflect));
    const auto whole = net->forward(mirrored).clamp(0, 1).narrow(2, 32, 150).narrow(3, 32, 230);
    StyliseOptions single;
    single.tiling = {512, 16, 16, 1};
    REQUIRE(torch::allclose(styliseTiled(net, x, single), whole, 1e-5, 1e-5));
    std::printf("tiled vs whole: mean %.4f max %.4f\n", (y - whole).abs().mean().item<double>(),
                (y - whole).abs().max().item<double>());
    REQUIRE((y - whole).abs().mean().item<double>() < 0.03);
    // (Columns near the image's own left and right edges are left out: zero padding shows there.)
    const auto colStep = (y.narrow(3, 25, 182) - y.narrow(3, 24, 182)).abs().mean({0, 1, 2});
    std::printf("column steps: max %.4f at %lld, median %.4f\n", colStep.max().item<double>(), static_cast<long long>(colStep.argmax().item<int64_t>()), colStep.median().item<double>());
    REQUIRE(colStep.max().item<double>() < 4 * colStep.median().item<double>() + 0.01);
    token.cancel();
    REQUIRE_THROWS_WITH(styliseTiled(net, x, options, &ctx), JobCancelled, "");
}

GANVAS_TEST(style, gatys_moves_statistics_towards_the_style_with_previews)
{
    auto net = makeRandomLossNetwork(smallNet());
    GatysInput input;
    input.content = contentImage(48, 64);
    input.styles = {styleImage(48)};
    GatysOptions o;
    o.optimiser = StyleOptimiser::Adam;
    o.iterations = 30;
    o.learningRate = 0.05;
    o.startSide = 32;
    o.previewEvery = 10;
    CancelToken token;
    Recorder rec;
    JobContext ctx(token, &rec);
    GatysReport report;
    const auto out = runGatys(*net, input, o, torch::kCPU, &ctx, &report);
    REQUIRE_EQ(out.sizes(), input.content.sizes());
    REQUIRE_EQ(report.sides.size(), size_t(2)); // 32, then 64
    REQUIRE_EQ(rec.previews, 6);                // every 10 of 30 iterations, two passes
    REQUIRE_EQ(rec.passes.front(), 0);
    REQUIRE_EQ(rec.passes.back(), 1);
    REQUIRE_EQ(rec.done.back(), int64_t(60));
    for (size_t i = 1; i < rec.done.size(); ++i)
        REQUIRE(rec.done[i] >= rec.done[i - 1]);
    // Closer to the style, measured in a network with another seed.
    const auto m = measureStyle(input.content, out, input.styles[0]);
    REQUIRE(m.styleGapClosed > 0.3);
    REQUIRE(m.contentSsim < 0.999);

    // L-BFGS too.
    o.optimiser = StyleOptimiser::LBFGS;
    o.iterations = 20;
    const auto lb = runGatys(*net, input, o, torch::kCPU, nullptr, &report);
    REQUIRE(measureStyle(input.content, lb, input.styles[0]).styleGapClosed > 0.3);

    // bf16 convolutions (where this CPU runs them natively): the losses stay fp32 and the result
    // moves towards the style as far.
    if (cpuSupportsBf16() && !cpuBf16Blocked()) {
        o.precision = Precision::BFloat16;
        const auto half = runGatys(*net, input, o, torch::kCPU, nullptr, &report);
        REQUIRE_EQ(half.scalar_type(), torch::kFloat32);
        const double closed = measureStyle(input.content, half, input.styles[0]).styleGapClosed;
        std::printf("bf16 L-BFGS: style gap closed %.3f\n", closed);
        REQUIRE(closed > 0.3);
    }
}

GANVAS_TEST(style, gatys_runs_a_schedule_of_iterations_per_pass)
{
    auto net = makeRandomLossNetwork(smallNet());
    GatysInput input;
    input.content = contentImage(40, 80);
    input.styles = {styleImage(40)};
    GatysOptions o;
    o.optimiser = StyleOptimiser::Adam;
    o.iterations = 99; // not used: the schedule says each pass's count
    o.passIterations = {12, 6};
    o.startSide = 20;
    o.previewEvery = 3;
    CancelToken token;
    Recorder rec;
    JobContext ctx(token, &rec);
    GatysReport report;
    runGatys(*net, input, o, torch::kCPU, &ctx, &report);
    // Passes at 20, 40 and 80 px: 12, 6 and (the last entry repeats) 6 iterations.
    REQUIRE_EQ(report.sides.size(), size_t(3));
    REQUIRE_EQ(gatysPassIterations(o, 0), 12);
    REQUIRE_EQ(gatysPassIterations(o, 2), 6);
    REQUIRE_EQ(rec.done.back(), int64_t(24));
    REQUIRE_EQ(rec.previews, 4 + 2 + 2);
    o.passIterations = {4, 0};
    REQUIRE_THROWS_WITH(runGatys(*net, input, o, torch::kCPU), std::invalid_argument, "at least one iteration");
}

GANVAS_TEST(style, gatys_coarse_previews_are_full_size_and_carry_the_marks)
{
    // The style's fine detail, mirror-tiled: the requested size, zero where the style is flat.
    const auto marks = styleMarksLayer({styleImage(32)}, {1.0}, 50, 70, 1.0, 12);
    REQUIRE_EQ(marks.sizes(), (std::vector<int64_t>{1, 3, 50, 70}));
    REQUIRE(marks.abs().mean().item<double>() > 0.1);
    REQUIRE(std::abs(marks.mean().item<double>()) < 0.05);
    const auto flat = styleMarksLayer({torch::full({1, 3, 16, 16}, 0.4)}, {1.0}, 20, 20, 1.0, 12);
    REQUIRE(flat.abs().max().item<double>() < 1e-5);
    // Two pictures: weighted like the blend; a zero weight leaves a picture out.
    const auto only = styleMarksLayer({styleImage(32), torch::full({1, 3, 16, 16}, 0.4)}, {1.0, 0.0}, 50, 70, 1.0, 12);
    REQUIRE(torch::allclose(only, marks, 1e-5, 1e-6));
    REQUIRE_THROWS_WITH(styleMarksLayer({styleImage(16)}, {1.0, 2.0}, 20, 20, 1.0, 12), std::invalid_argument, "one weight");
    // Patches from random places: another seed, another layout of the same marks.
    const auto other = styleMarksLayer({styleImage(32)}, {1.0}, 50, 70, 1.0, 12, 99);
    REQUIRE(!torch::allclose(other, marks, 1e-3, 1e-3));
    REQUIRE(std::abs(other.abs().mean().item<double>() - marks.abs().mean().item<double>()) <
            0.2 * marks.abs().mean().item<double>());

    auto net = makeRandomLossNetwork(smallNet());
    GatysInput input;
    input.content = contentImage(40, 80);
    input.styles = {styleImage(80)};
    GatysOptions o;
    o.optimiser = StyleOptimiser::Adam;
    o.iterations = 4;
    o.learningRate = 0.05;
    o.startSide = 20;
    o.previewEvery = 2;
    CancelToken token;
    Recorder rec;
    JobContext ctx(token, &rec);
    runGatys(*net, input, o, torch::kCPU, &ctx);
    // Passes at 20, 40 and 80 px, previews every 2 iterations: all at the picture's size.
    REQUIRE_EQ(rec.previews, 6);
    for (const auto& image : rec.images) {
        REQUIRE_EQ(image.size(-2), int64_t(40));
        REQUIRE_EQ(image.size(-1), int64_t(80));
    }
    // The first preview holds the stripes' fine detail; without the marks it is the 20 px pass,
    // which (enlarged) has far less.
    auto detail = [](const torch::Tensor& image) {
        const auto batch = image.dim() == 3 ? image.unsqueeze(0) : image;
        return (highPass(resizeLongestSide(batch, 80), 1.0) - 0.5).abs().mean().item<double>();
    };
    Recorder plain;
    JobContext plainCtx(token, &plain);
    o.previewMarks = false;
    runGatys(*net, input, o, torch::kCPU, &plainCtx);
    REQUIRE_EQ(plain.images.front().size(-1), int64_t(20));
    std::printf("first preview detail: with marks %.4f, without %.4f\n", detail(rec.images.front()),
                detail(plain.images.front()));
    REQUIRE(detail(rec.images.front()) > 3 * detail(plain.images.front()));

    // Passes that start from the marks (the default) end with more of the style's fine detail
    // than classic passes after the same iterations.
    o.previewMarks = true;
    const auto seeded = runGatys(*net, input, o, torch::kCPU);
    o.seedMarks = false;
    const auto classic = runGatys(*net, input, o, torch::kCPU);
    std::printf("result detail: seeded %.4f, classic %.4f\n", detail(seeded), detail(classic));
    REQUIRE(detail(seeded) > 1.5 * detail(classic));

    // Accept now during a coarse pass keeps what its preview shows (the marks), not the blur under
    // them; at the picture's size either way.
    std::atomic<bool> accept{true};
    o.acceptNow = &accept;
    o.seedMarks = true;
    o.previewMarks = true;
    const auto acceptedMarks = runGatys(*net, input, o, torch::kCPU, &ctx);
    o.previewMarks = false;
    const auto acceptedBlur = runGatys(*net, input, o, torch::kCPU, &ctx);
    REQUIRE_EQ(acceptedMarks.sizes(), input.content.sizes());
    REQUIRE_EQ(acceptedBlur.sizes(), input.content.sizes());
    std::printf("accepted at once: detail with marks %.4f, without %.4f\n", detail(acceptedMarks), detail(acceptedBlur));
    REQUIRE(detail(acceptedMarks) > 3 * detail(acceptedBlur));
}

GANVAS_TEST(style, gatys_accept_before_the_first_preview_keeps_what_was_shown)
{
    // While the user still looks at an image shown before the passes (a fast network's result),
    // accept now keeps that image; without one, the current pass; a mis-sized one is refused.
    auto net = makeRandomLossNetwork(smallNet());
    GatysInput input;
    input.content = contentImage(40, 40);
    input.styles = {styleImage(40)};
    input.shown = (torch::full({1, 3, 40, 40}, 0.5) + 0.2 * styleImage(40)).clamp(0, 1);
    GatysOptions o;
    o.optimiser = StyleOptimiser::Adam;
    o.iterations = 3;
    o.startSide = 20;
    std::atomic<bool> accept{true};
    o.acceptNow = &accept;
    CancelToken token;
    Recorder rec;
    JobContext ctx(token, &rec);
    GatysReport report;
    const auto kept = runGatys(*net, input, o, torch::kCPU, &ctx, &report);
    REQUIRE(report.acceptedEarly);
    REQUIRE(torch::allclose(kept, input.shown, 1e-6, 1e-6));
    const auto shownAway = input.shown;
    input.shown = torch::Tensor();
    const auto pass = runGatys(*net, input, o, torch::kCPU, &ctx);
    REQUIRE((pass - shownAway).abs().mean().item<double>() > 0.02);
    // Not accepted: the optimisation runs from the content as always (the shown image is not a start).
    o.acceptNow = nullptr;
    input.shown = shownAway;
    const auto with = runGatys(*net, input, o, torch::kCPU);
    input.shown = torch::Tensor();
    const auto without = runGatys(*net, input, o, torch::kCPU);
    REQUIRE(torch::allclose(with, without, 1e-5, 1e-5));
    input.shown = torch::zeros({1, 3, 20, 40});
    REQUIRE_THROWS_WITH(runGatys(*net, input, o, torch::kCPU), std::invalid_argument, "shown first");
}

GANVAS_TEST(style, gatys_accept_now_mask_and_cancel)
{
    auto net = makeRandomLossNetwork(smallNet());
    GatysInput input;
    input.content = contentImage(40, 40);
    input.styles = {styleImage(40)};
    GatysOptions o;
    o.optimiser = StyleOptimiser::Adam;
    o.iterations = 50;
    o.startSide = 20;
    o.previewEvery = 5;
    // Accept now: stops at once and keeps the image (full size).
    std::atomic<bool> accept{true};
    o.acceptNow = &accept;
    GatysReport report;
    auto out = runGatys(*net, input, o, torch::kCPU, nullptr, &report);
    REQUIRE(report.acceptedEarly);
    REQUIRE_EQ(report.sides.size(), size_t(1));
    REQUIRE_EQ(out.sizes(), input.content.sizes());
    o.acceptNow = nullptr;
    // A zero mask leaves the content untouched; a half mask changes only its half.
    o.iterations = 10;
    input.mask = torch::zeros({1, 1, 40, 40});
    input.mask.narrow(3, 0, 20).fill_(1);
    out = runGatys(*net, input, o, torch::kCPU);
    REQUIRE(torch::allclose(out.narrow(3, 20, 20), input.content.narrow(3, 20, 20), 1e-5, 1e-6));
    REQUIRE((out.narrow(3, 0, 20) - input.content.narrow(3, 0, 20)).abs().mean().item<double>() > 1e-3);
    // Cancel.
    CancelToken token;
    token.cancel();
    JobContext ctx(token);
    REQUIRE_THROWS_WITH(runGatys(*net, input, o, torch::kCPU, &ctx), JobCancelled, "");
    // Bad input.
    input.mask = torch::zeros({1, 1, 5, 5});
    REQUIRE_THROWS_WITH(runGatys(*net, input, o, torch::kCPU), std::invalid_argument, "mask");
    input.mask = torch::Tensor();
    input.styles = {};
    REQUIRE_THROWS_WITH(runGatys(*net, input, o, torch::kCPU), std::invalid_argument, "at least one style");
}

GANVAS_TEST(style, gatys_tiles_large_images_with_shared_statistics)
{
    auto net = makeRandomLossNetwork(smallNet());
    GatysInput input;
    input.content = contentImage(150, 200);
    input.styles = {styleImage(48), styleImage(32).flip({1})};
    input.styleWeights = {2.0, 1.0};
    GatysOptions o;
    o.optimiser = StyleOptimiser::Adam;
    o.iterations = 5;
    o.tileIterations = 5;
    o.startSide = 32;
    o.maxWholeSide = 64;
    o.tileSize = 64;
    o.tileOverlap = 16;
    o.previewEvery = 5;
    GatysReport report;
    Recorder rec;
    CancelToken token;
    JobContext ctx(token, &rec);
    const auto out = runGatys(*net, input, o, torch::kCPU, &ctx, &report);
    REQUIRE_EQ(out.sizes(), input.content.sizes());
    REQUIRE(report.tiles >= 12); // 4 x 3 tiles of 64 with 16 overlap over 200 x 150
    REQUIRE_EQ(rec.passes.back(), 2); // final preview after the tiled pass
    REQUIRE_EQ(rec.done.back(), int64_t(2 * 5 + report.tiles * 5));
    REQUIRE(torch::isfinite(out).all().item<bool>());
    REQUIRE(measureStyle(input.content, out, input.styles[0]).styleGapClosed > 0.1);
    REQUIRE((gatysPassSides(3000, GatysOptions{}) == std::vector<int64_t>{128, 256, 512, 1024}));
    REQUIRE((gatysPassSides(300, GatysOptions{}) == std::vector<int64_t>{128, 256, 300}));
}

GANVAS_TEST(style, ssim_is_one_for_identical_images_and_drops_with_noise)
{
    const auto a = contentImage(32, 32).narrow(1, 0, 1);
    REQUIRE_NEAR(ssim(a, a), 1.0, 1e-6);
    torch::manual_seed(0);
    REQUIRE(ssim(a, (a + 0.3 * torch::randn_like(a)).clamp(0, 1)) < 0.5);
}

namespace {

StyleTrainOptions tinyTraining(const fs::path& dir)
{
    StyleTrainOptions o;
    o.id = "tiny";
    o.name = "Tiny";
    o.outputDir = dir;
    o.network = {{4, 8, 8}, 1, "residual"};
    o.lossNetwork = smallNet();
    o.styles = {styleImage(32)};
    o.steps = 6;
    o.batch = 2;
    o.imageSize = 32;
    o.checkpointEvery = 3;
    o.previewEvery = 2;
    o.previewContent = contentImage(32, 32);
    o.extraConfig = {{"category", "Test"}};
    return o;
}

torch::Tensor batchFor(int64_t step, int64_t batch, int64_t size)
{
    auto gen = at::detail::createCPUGenerator(static_cast<uint64_t>(step) + 1);
    return at::rand({batch, 3, size, size}, gen, torch::kFloat32);
}

} // namespace

/// A runner's gate as a Background job sees it, counting how often the job offered to give way.
struct CountingGate : YieldGate {
    int calls = 0;
    double waitWhileOutranked(const CancelToken&) override { return ++calls, 0.0; }
};

GANVAS_TEST(style, trainer_writes_a_loadable_style_and_resumes_exactly)
{
    const fs::path base = ganvas::test::tempDir();
    // Uninterrupted run.
    StyleTrainJob whole(tinyTraining(base / "whole"), batchFor);
    REQUIRE(whole.priority() == JobPriority::Background);
    CancelToken token;
    Recorder rec;
    CountingGate gate;
    JobContext ctx(token, &rec, &gate);
    REQUIRE(runJob(whole, ctx).outcome == JobOutcome::Finished);
    REQUIRE_EQ(gate.calls, 6); // it offers to give way before each of its 6 steps
    REQUIRE(fs::exists(base / "whole" / "weights.safetensors"));
    REQUIRE(!fs::exists(base / "whole" / "checkpoint.safetensors"));
    REQUIRE_EQ(whole.stats().stepsDone, int64_t(6));
    REQUIRE(rec.previews >= 3);
    const auto config = nlohmann::json::parse(std::ifstream(base / "whole" / "config.json"));
    REQUIRE(config["kind"] == "style");
    REQUIRE(config["category"] == "Test");
    REQUIRE(config["training"]["steps"] == 6);
    REQUIRE(loadSafeTensors(base / "whole" / "weights.safetensors").tensors.at("tail.weight").scalar_type() ==
            torch::kFloat16);
    auto loaded = loadStyleNet(base / "whole");
    REQUIRE_EQ(loaded->options.channels[0], int64_t(4));

    // Interrupted after step 3 (cancel from the data source), then resumed.
    CancelToken stop;
    JobContext stopCtx(stop);
    StyleTrainJob first(tinyTraining(base / "split"), [&](int64_t step, int64_t b, int64_t s) {
        if (step == 3)
            stop.cancel();
        return batchFor(step, b, s);
    });
    REQUIRE(runJob(first, stopCtx).outcome == JobOutcome::Cancelled);
    REQUIRE(fs::exists(base / "split" / "checkpoint.safetensors"));
    REQUIRE(!fs::exists(base / "split" / "weights.safetensors"));
    auto resumedOptions = tinyTraining(base / "split");
    resumedOptions.resume = true;
    StyleTrainJob second(resumedOptions, batchFor);
    CancelToken t2;
    JobContext ctx2(t2);
    REQUIRE(runJob(second, ctx2).outcome == JobOutcome::Finished);
    REQUIRE_EQ(second.stats().firstStep, int64_t(4)); // the cancel came after step 4's batch was drawn
    const auto a = loadSafeTensors(base / "whole" / "weights.safetensors").tensors;
    const auto b = loadSafeTensors(base / "split" / "weights.safetensors").tensors;
    for (const auto& [name, t] : a)
        REQUIRE((t.to(torch::kFloat32) - b.at(name).to(torch::kFloat32)).abs().max().item<double>() < 2e-3);

    // Bad options are refused before anything runs.
    auto bad = tinyTraining(base / "bad");
    bad.styles.clear();
    REQUIRE_THROWS_WITH(StyleTrainJob(bad, batchFor), std::invalid_argument, "style image");
    bad = tinyTraining(base / "bad");
    bad.imageSize = 4;
    REQUIRE_THROWS_WITH(StyleTrainJob(bad, batchFor), std::invalid_argument, "out of range");
}

// A VGG-like TorchScript module made by tests/reference/make_tiny_vgg.py (Debian's python3-torch)
// with reference Grams computed there; GANVAS_TINY_VGG names its folder. Skipped when unset.
GANVAS_TEST(torchscript, user_loss_network_matches_pytorch)
{
    const char* dir = std::getenv("GANVAS_TINY_VGG");
    if (!dir) {
        std::puts("GANVAS_TINY_VGG not set: run through tests/reference/make_tiny_vgg.py");
        return;
    }
    auto net = loadTorchScriptLossNetwork(fs::path(dir) / "tiny_vgg.pt");
    const auto expected = nlohmann::json::parse(std::ifstream(fs::path(dir) / "expected.json"));
    const auto h = expected["height"].get<int64_t>(), w = expected["width"].get<int64_t>();
    const auto input = torch::linspace(0, 1, 3 * h * w).view({1, 3, h, w});
    const auto f = net->features(input);
    REQUIRE_EQ(f.style.size(), expected["style_layers"].size());
    for (size_t i = 0; i < f.style.size(); ++i) {
        const double mine = gramMatrix(f.style[i]).sum().item<double>();
        const double theirs = expected["style_layers"][i]["gram_sum"].get<double>();
        REQUIRE_NEAR(mine, theirs, 1e-4 * std::max(1.0, std::fabs(theirs)));
    }
    REQUIRE_NEAR(f.content.sum().item<double>(), expected["content_sum"].get<double>(),
                 1e-4 * std::max(1.0, std::fabs(expected["content_sum"].get<double>())));
    REQUIRE(net->describe().find("TorchScript") != std::string::npos);
    REQUIRE_THROWS_WITH(loadTorchScriptLossNetwork(fs::path(dir) / "missing.pt"), std::runtime_error, "does not exist");
    REQUIRE_THROWS_WITH(loadTorchScriptLossNetwork(fs::path(dir) / "expected.json"), std::runtime_error,
                        "not a TorchScript file");
    REQUIRE_THROWS_WITH(loadTorchScriptLossNetwork(fs::path(dir) / "not_vgg.pt"), std::runtime_error,
                        "unsupported layer");
}

GANVAS_TEST(style, only_opencv_and_gatys_styles_may_omit_weights)
{
    const auto dir = fs::path(ganvas::test::tempDir());
    const auto base = nlohmann::json{{"format", 1}, {"id", "s"}, {"name", "S"}, {"kind", "style"}, {"license", "MIT"}};
    auto gatys = base;
    gatys["architecture"] = {{"type", "gatys"}};
    REQUIRE(parseModelConfig(gatys.dump(), dir).weights.empty());
    auto opencv = base;
    opencv["architecture"] = {{"type", "opencv"}, {"filter", "oil"}};
    REQUIRE(parseModelConfig(opencv.dump(), dir).weights.empty());
    auto johnson = base;
    johnson["architecture"] = {{"type", "johnson"}};
    REQUIRE_THROWS_WITH(parseModelConfig(johnson.dump(), dir), ModelConfigError, "weights");
    auto generator = gatys;
    generator["kind"] = "generator";
    REQUIRE_THROWS_WITH(parseModelConfig(generator.dump(), dir), ModelConfigError, "weights");
    gatys["weights"] = "../escape.bin";
    REQUIRE_THROWS_WITH(parseModelConfig(gatys.dump(), dir), ModelConfigError, "must not leave");
}

GANVAS_TEST(style, bad_architectures_are_refused_with_the_key_named)
{
    const fs::path dir = fs::path(ganvas::test::testDataDir()) / "bad" / "style-architecture";
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        std::ifstream in(entry.path());
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto config = parseModelConfig(text, "/m"); // a valid config...
        ++files;
        bool threw = false;
        try {
            (void)TransformerOptions::fromJson(config.architecture); // ...with an architecture we refuse
        } catch (const std::invalid_argument& e) {
            threw = std::string(e.what()).find("architecture.") != std::string::npos;
        }
        if (!threw)
            ganvas::test::failCheck(__FILE__, __LINE__, "bad architecture accepted or unclear: " + entry.path().string());
    }
    REQUIRE(files >= 3);
}

GANVAS_TEST(style, mean_covariance_statistic_matches_hand_computed_values)
{
    // F = [[1,2],[3,4]] over two pixels: means 1.5 and 3.5, centred rows [-.5,.5] both, so the
    // covariance (divided by H*W = 2) is 0.25 everywhere.
    const auto f = torch::tensor({1.f, 2.f, 3.f, 4.f}).view({1, 2, 1, 2});
    const auto s = meanCovariance(f);
    REQUIRE_EQ(s.size(2), int64_t(3));
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            REQUIRE_NEAR(s[0][i][j].item<double>(), 0.25, 1e-6);
    REQUIRE_NEAR(s[0][0][2].item<double>(), 1.5, 1e-6);
    REQUIRE_NEAR(s[0][1][2].item<double>(), 3.5, 1e-6);

    StyleStatistic parsed = StyleStatistic::Gram;
    REQUIRE(parseStyleStatistic("mean-covariance", &parsed) && parsed == StyleStatistic::MeanCovariance);
    REQUIRE(!parseStyleStatistic("covariance", &parsed));
    REQUIRE(std::string(styleStatisticName(StyleStatistic::Gram)) == "gram");

    auto net = makeRandomLossNetwork(smallNet());
    const auto style = styleImage(32);
    const auto targets = styleGrams(*net, style, StyleStatistic::MeanCovariance);
    REQUIRE_NEAR(styleLoss(net->features(style).style, targets, StyleStatistic::MeanCovariance).item<double>(), 0.0, 1e-6);
    REQUIRE(styleLoss(net->features(contentImage(32, 32)).style, targets, StyleStatistic::MeanCovariance).item<double>() >
            0.05);
    // The mean part is weighted on its own: loss(w) = covariance part + w * mean part.
    const auto other = net->features(contentImage(32, 32)).style;
    const double cov = styleLoss(other, targets, StyleStatistic::MeanCovariance, 0.0).item<double>();
    const double one = styleLoss(other, targets, StyleStatistic::MeanCovariance, 1.0).item<double>();
    const double three = styleLoss(other, targets, StyleStatistic::MeanCovariance, 3.0).item<double>();
    REQUIRE(cov > 0 && one > cov);
    REQUIRE_NEAR(three - cov, 3 * (one - cov), 1e-4 * three);
    // Gram targets under the other statistic are refused, not silently compared.
    REQUIRE_THROWS_WITH(styleLoss(net->features(style).style, styleGrams(*net, style), StyleStatistic::MeanCovariance),
                        std::invalid_argument, "mean-covariance");
}

GANVAS_TEST(style, trainer_refuses_a_resume_with_other_settings)
{
    const fs::path dir = fs::path(ganvas::test::tempDir()) / "resume";
    CancelToken stop;
    JobContext stopCtx(stop);
    StyleTrainJob first(tinyTraining(dir), [&](int64_t step, int64_t b, int64_t s) {
        if (step == 3)
            stop.cancel();
        return batchFor(step, b, s);
    });
    REQUIRE(runJob(first, stopCtx).outcome == JobOutcome::Cancelled);
    const auto checkpoint = dir / "checkpoint.safetensors";
    const auto before = fs::file_size(checkpoint);

    auto other = tinyTraining(dir);
    other.resume = true;
    other.learningRate = 0.05;
    StyleTrainJob second(other, batchFor);
    CancelToken t;
    JobContext ctx(t);
    const auto result = runJob(second, ctx);
    REQUIRE(result.outcome == JobOutcome::Failed);
    REQUIRE(result.error.find("learning_rate") != std::string::npos);
    REQUIRE(result.error.find("without resume") != std::string::npos);
    // Nothing written: the checkpoint is untouched and no weights appeared.
    REQUIRE_EQ(fs::file_size(checkpoint), before);
    REQUIRE(!fs::exists(dir / "weights.safetensors"));

    other = tinyTraining(dir);
    other.resume = true;
    other.statistic = StyleStatistic::MeanCovariance;
    StyleTrainJob third(other, batchFor);
    const auto r3 = runJob(third, ctx);
    REQUIRE(r3.outcome == JobOutcome::Failed);
    REQUIRE(r3.error.find("statistic") != std::string::npos);

    // The same settings resume.
    other = tinyTraining(dir);
    other.resume = true;
    StyleTrainJob fourth(other, batchFor);
    REQUIRE(runJob(fourth, ctx).outcome == JobOutcome::Finished);
    REQUIRE(fourth.stats().firstStep > 0);
}

GANVAS_TEST(style, several_style_network_exports_each_style_as_a_plain_network)
{
    torch::manual_seed(3);
    TransformerOptions options{{4, 8, 8}, 1, "residual"};
    options.styles = 3;
    TransformerNet multi(options);
    {
        // Give each style its own scales and shifts (they start equal).
        torch::NoGradGuard noGrad;
        for (const auto& p : multi->named_parameters())
            if (p.key().find("_") != std::string::npos)
                p.value().add_(torch::randn_like(p.value()) * 0.5);
    }
    REQUIRE(multi->options.toJson()["styles"] == 3);
    REQUIRE(TransformerOptions::fromJson(multi->options.toJson()).styles == 3);
    const auto x = contentImage(24, 28);
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> outputs;
    for (int64_t s = 0; s < 3; ++s) {
        multi->selectStyle(s);
        outputs.push_back(multi->forward(x));
        TransformerNet plain(TransformerOptions{{4, 8, 8}, 1, "residual"});
        REQUIRE(!plain->options.toJson().contains("styles"));
        loadTransformerState(plain, styleState(multi, s));
        REQUIRE((plain->forward(x) - outputs.back()).abs().max().item<double>() < 1e-5);
    }
    REQUIRE((outputs[0] - outputs[1]).abs().max().item<double>() > 1e-3);
    REQUIRE((outputs[1] - outputs[2]).abs().max().item<double>() > 1e-3);
    REQUIRE_THROWS_WITH(multi->selectStyle(3), std::out_of_range, "no style 3");
    REQUIRE_THROWS_WITH(styleState(multi, -1), std::out_of_range, "no style -1");
    auto bad = multi->options.toJson();
    bad["styles"] = 0;
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson(bad), std::invalid_argument, "architecture.styles");
}

GANVAS_TEST(style, several_style_runs_train_every_style_once_per_round)
{
    for (const int64_t styles : {1, 2, 5, 12}) {
        std::vector<int64_t> order;
        for (int64_t round = 0; round < 4; ++round) {
            std::vector<int64_t> seen;
            for (int64_t i = 0; i < styles; ++i)
                seen.push_back(styleForStep(round * styles + i, styles, 20161));
            order.insert(order.end(), seen.begin(), seen.end());
            std::sort(seen.begin(), seen.end());
            for (int64_t i = 0; i < styles; ++i)
                REQUIRE_EQ(seen[static_cast<size_t>(i)], i);
        }
        // The same sequence every time; rounds differ in their order (12! orders: equal by chance ~never).
        for (size_t i = 0; i < order.size(); ++i)
            REQUIRE_EQ(order[i], styleForStep(static_cast<int64_t>(i), styles, 20161));
        if (styles == 12)
            REQUIRE(!std::equal(order.begin(), order.begin() + 12, order.begin() + 12));
    }
}

namespace {

StyleTrainOptions tinySeveral(const fs::path& dir)
{
    auto o = tinyTraining(dir);
    o.styles.clear();
    StyleOutput a{"stripes", "Stripes", styleImage(32), {{"category", "Test"}}};
    StyleOutput b{"flat", "Flat", torch::full({1, 3, 32, 32}, 0.8f), {{"description", "grey"}}};
    o.multiStyle = {a, b};
    return o;
}

} // namespace

GANVAS_TEST(style, several_style_training_writes_one_preset_per_style_and_resumes_exactly)
{
    const fs::path base = ganvas::test::tempDir();
    StyleTrainJob whole(tinySeveral(base / "whole"), batchFor);
    REQUIRE(whole.title() == "Train 2 styles");
    CancelToken token;
    JobContext ctx(token);
    REQUIRE(runJob(whole, ctx).outcome == JobOutcome::Finished);
    REQUIRE(!fs::exists(base / "whole" / "checkpoint.safetensors"));
    REQUIRE(!fs::exists(base / "whole" / "weights.safetensors"));
    REQUIRE_EQ(whole.stats().styleLosses.size(), size_t(2));
    for (const char* id : {"stripes", "flat"}) {
        const auto config = nlohmann::json::parse(std::ifstream(base / "whole" / id / "config.json"));
        REQUIRE(config["id"] == id);
        REQUIRE(!config["architecture"].contains("styles"));
        REQUIRE(config["training"]["steps_of_this_style"] == 3);
        REQUIRE(config["training"]["styles_trained_together"].size() == 2);
        auto net = loadStyleNet(base / "whole" / id);
        REQUIRE_EQ(net->options.styles, int64_t(1));
    }
    REQUIRE(nlohmann::json::parse(std::ifstream(base / "whole" / "stripes" / "config.json"))["category"] == "Test");
    REQUIRE(nlohmann::json::parse(std::ifstream(base / "whole" / "flat" / "config.json"))["name"] == "Flat");
    // Shared convolutions, different normalisations: the two styles paint differently.
    const auto a = loadSafeTensors(base / "whole" / "stripes" / "weights.safetensors").tensors;
    const auto b = loadSafeTensors(base / "whole" / "flat" / "weights.safetensors").tensors;
    REQUIRE(torch::equal(a.at("tail.weight"), b.at("tail.weight")));
    REQUIRE(!torch::equal(a.at("head.1.weight"), b.at("head.1.weight")));

    // Cancelled after step 3, resumed: the same networks as the uninterrupted run.
    CancelToken stop;
    JobContext stopCtx(stop);
    StyleTrainJob first(tinySeveral(base / "split"), [&](int64_t step, int64_t n, int64_t s) {
        if (step == 3)
            stop.cancel();
        return batchFor(step, n, s);
    });
    REQUIRE(runJob(first, stopCtx).outcome == JobOutcome::Cancelled);
    auto resumed = tinySeveral(base / "split");
    resumed.resume = true;
    StyleTrainJob second(resumed, batchFor);
    REQUIRE(runJob(second, ctx).outcome == JobOutcome::Finished);
    for (const char* id : {"stripes", "flat"}) {
        const auto x = loadSafeTensors(base / "whole" / id / "weights.safetensors").tensors;
        const auto y = loadSafeTensors(base / "split" / id / "weights.safetensors").tensors;
        for (const auto& [name, t] : x)
            REQUIRE((t.to(torch::kFloat32) - y.at(name).to(torch::kFloat32)).abs().max().item<double>() < 2e-3);
    }

    // A resume with another list of styles is refused and changes nothing.
    CancelToken stop2;
    JobContext stopCtx2(stop2);
    StyleTrainJob third(tinySeveral(base / "other"), [&](int64_t step, int64_t n, int64_t s) {
        if (step == 2)
            stop2.cancel();
        return batchFor(step, n, s);
    });
    REQUIRE(runJob(third, stopCtx2).outcome == JobOutcome::Cancelled);
    auto swapped = tinySeveral(base / "other");
    swapped.multiStyle[1].id = "grey";
    swapped.resume = true;
    StyleTrainJob fourth(swapped, batchFor);
    const auto refused = runJob(fourth, ctx);
    REQUIRE(refused.outcome == JobOutcome::Failed);
    REQUIRE(refused.error.find("style_ids") != std::string::npos);
    REQUIRE(!fs::exists(base / "other" / "grey"));

    // Ids that cannot name a folder, or name one twice, are refused before anything runs.
    auto bad = tinySeveral(base / "bad");
    bad.multiStyle[1].id = "../escape";
    REQUIRE_THROWS_WITH(StyleTrainJob(bad, batchFor), std::invalid_argument, "cannot name a folder");
    bad = tinySeveral(base / "bad");
    bad.multiStyle[1].id = "stripes";
    REQUIRE_THROWS_WITH(StyleTrainJob(bad, batchFor), std::invalid_argument, "given twice");
}

GANVAS_TEST(style, a_time_limited_run_writes_its_networks_and_keeps_its_checkpoint)
{
    const fs::path dir = fs::path(ganvas::test::tempDir()) / "timed";
    auto o = tinyTraining(dir);
    o.maxSeconds = 1e-9; // stops after its first step
    StyleTrainJob first(o, batchFor);
    CancelToken token;
    JobContext ctx(token);
    REQUIRE(runJob(first, ctx).outcome == JobOutcome::Finished);
    REQUIRE_EQ(first.stats().stepsDone, int64_t(1));
    REQUIRE(fs::exists(dir / "weights.safetensors"));
    REQUIRE(fs::exists(dir / "checkpoint.safetensors")); // --resume goes on from here
    o.maxSeconds = 0;
    o.resume = true;
    StyleTrainJob second(o, batchFor);
    REQUIRE(runJob(second, ctx).outcome == JobOutcome::Finished);
    REQUIRE_EQ(second.stats().firstStep, int64_t(1));
    REQUIRE_EQ(second.stats().stepsDone, int64_t(6));
    REQUIRE(!fs::exists(dir / "checkpoint.safetensors"));
}

GANVAS_TEST(style, marks_input_network_reads_its_style_pictures_marks)
{
    TransformerOptions o{{4, 8, 8}, 1, "residual"};
    o.marksInput = true;
    REQUIRE(o.toJson()["marks_input"] == true);
    REQUIRE(TransformerOptions::fromJson(o.toJson()).marksInput);
    REQUIRE(!TransformerOptions::fromJson(TransformerOptions{}.toJson()).marksInput);
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson({{"marks_input", 1}}), std::invalid_argument, "true or false");

    // The marks: zero where the style picture is flat, the picture's detail where it is not.
    const auto flat = torch::full({1, 3, 40, 40}, 0.6);
    REQUIRE(networkMarks(flat, 24, 30).abs().max().item<double>() < 1e-5);
    const auto marks = networkMarks(styleImage(40), 24, 30);
    REQUIRE_EQ(marks.sizes(), (std::vector<int64_t>{1, 3, 24, 30}));
    REQUIRE(marks.abs().mean().item<double>() > 0.05);
    REQUIRE(torch::equal(marks, networkMarks(styleImage(40), 24, 30)));    // seeded
    REQUIRE(!torch::equal(marks, networkMarks(styleImage(40), 24, 30, 7))); // another draw

    torch::manual_seed(3);
    TransformerNet net(o);
    const auto x = contentImage(24, 30);
    {
        torch::NoGradGuard noGrad;
        REQUIRE_THROWS_WITH(net->forward(x), std::invalid_argument, "[N,6,H,W]");
        TransformerNet plain(TransformerOptions{{4, 8, 8}, 1, "residual"});
        REQUIRE_THROWS_WITH(plain->forward(torch::cat({x, marks}, 1)), std::invalid_argument, "[N,3,H,W]");
        // Before training it is the picture with the marks laid over it.
        const auto y = net->forward(torch::cat({x, marks}, 1));
        REQUIRE((y - (x + marks)).abs().mean().item<double>() < 0.1);
        REQUIRE((y - x).abs().mean().item<double>() > 0.05);
    }

    // Stylising needs the picture; the marks are made once for the whole picture, so tiles agree.
    StyliseOptions options;
    REQUIRE_THROWS_WITH(styliseTiled(net, contentImage(60, 90), options), std::invalid_argument, "style picture");
    options.marks = styleImage(48);
    options.tiling = {512, 16, 16, 1};
    const auto whole = styliseTiled(net, contentImage(60, 90), options);
    REQUIRE_EQ(whole.sizes(), (std::vector<int64_t>{1, 3, 60, 90}));
    REQUIRE(torch::equal(whole, styliseTiled(net, contentImage(60, 90), options)));
    StyliseOptions tiles = options;
    tiles.tiling = {64, 16, 16, 1};
    const auto tiled = styliseTiled(net, contentImage(60, 90), tiles);
    REQUIRE((tiled - whole).abs().mean().item<double>() < 0.03);
    StyliseOptions other = options;
    other.marks = torch::full({1, 3, 48, 48}, 0.5);
    REQUIRE((styliseTiled(net, contentImage(60, 90), other) - whole).abs().mean().item<double>() > 0.02);

    // The picture's palette: each channel of the result takes the picture's distribution.
    TransformerOptions p{{4, 8, 8}, 1, "residual"};
    p.paletteFromPicture = true;
    REQUIRE(p.toJson()["palette"] == "picture");
    REQUIRE(TransformerOptions::fromJson(p.toJson()).paletteFromPicture);
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson({{"palette", "vivid"}}), std::invalid_argument, "architecture.palette");
    TransformerNet paletted(p);
    REQUIRE_THROWS_WITH(styliseTiled(paletted, contentImage(60, 90), StyliseOptions{}), std::invalid_argument, "style picture");
    const auto toned = styliseTiled(paletted, contentImage(60, 90), options);
    for (int64_t c = 0; c < 3; ++c) {
        const auto mine = std::get<0>(toned[0][c].flatten().sort());
        const auto theirs = std::get<0>(options.marks[0][c].flatten().sort());
        const auto at = torch::linspace(0, static_cast<double>(theirs.numel() - 1), mine.numel()).round().to(torch::kLong);
        REQUIRE((mine - theirs.index_select(0, at)).abs().max().item<double>() < 0.02);
    }
}

GANVAS_TEST(style, luminance_palette_moves_the_pictures_chroma_onto_the_styles)
{
    // transferChroma: the luminance of the first, the chroma of the second with the palette's
    // mean and covariance.
    torch::manual_seed(11);
    const auto picture = torch::rand({1, 3, 40, 50}) * 0.6 + 0.2; // colours in every direction
    const auto luma = torch::rand({1, 3, 40, 50}) * 0.2 + 0.4; // mid-grey: the moved colours stay in gamut
    const auto palette = torch::stack({torch::rand({1, 60, 60}) * 0.5 + 0.5, torch::rand({1, 60, 60}) * 0.3,
                                       torch::rand({1, 60, 60}) * 0.6 + 0.2},
                                      1);
    const auto moved = transferChroma(luma, picture, palette);
    REQUIRE_EQ(moved.sizes(), picture.sizes());
    REQUIRE((luminance(moved) - luminance(luma)).abs().mean().item<double>() < 0.02); // clamped at the edges only
    const auto chroma = [](const torch::Tensor& rgb) { return rgbToYCbCr(rgb).narrow(1, 1, 2).flatten(2)[0]; };
    const auto mine = chroma(moved), theirs = chroma(palette), before = chroma(picture);
    REQUIRE((mine.mean(1) - theirs.mean(1)).abs().max().item<double>() < 0.02);
    REQUIRE((mine.std(1) - theirs.std(1)).abs().max().item<double>() < 0.02);
    REQUIRE((before.mean(1) - theirs.mean(1)).abs().max().item<double>() > 0.05); // it did move
    // Hues keep their order: the moved chroma follows the picture's.
    REQUIRE(torch::corrcoef(torch::stack({mine[1], before[1]}))[0][1].item<double>() > 0.5);
    // A grey palette gives grey.
    const auto grey = transferChroma(luma, picture, torch::rand({1, 1, 30, 30}).expand({1, 3, 30, 30}));
    REQUIRE(chroma(grey).abs().max().item<double>() < 0.02);
    // withChromaOf: the first's luminance, the second's chroma.
    const auto kept = withChromaOf(luma, picture);
    REQUIRE((luminance(kept) - luminance(luma)).abs().max().item<double>() < 1e-5);
    REQUIRE((chroma(kept) - before).abs().max().item<double>() < 1e-5);

    // "palette":"luminance": read and written, needs the style picture, runs to the palette.
    TransformerOptions o{{4, 8, 8}, 1, "residual"};
    o.marksInput = true;
    o.luminancePalette = true;
    REQUIRE(o.toJson()["palette"] == "luminance");
    const auto read = TransformerOptions::fromJson(o.toJson());
    REQUIRE(read.luminancePalette && !read.paletteFromPicture);
    TransformerNet net(o);
    REQUIRE_THROWS_WITH(styliseTiled(net, picture, StyliseOptions{}), std::invalid_argument, "style picture");
    StyliseOptions options;
    options.marks = torch::rand({1, 1, 48, 48}).expand({1, 3, 48, 48}).contiguous(); // a grey style
    const auto out = styliseTiled(net, picture, options);
    REQUIRE(chroma(out).abs().max().item<double>() < 0.02);
    REQUIRE(chroma(picture).abs().max().item<double>() > 0.1);

    // Training: what the network draws takes the training picture's colours, and it trains.
    const fs::path base = ganvas::test::tempDir();
    auto t = tinyTraining(base / "lum");
    t.network.marksInput = true;
    t.network.luminancePalette = true;
    t.styleLuminance = true;
    StyleTrainJob job(t, batchFor);
    CancelToken token;
    JobContext ctx(token);
    REQUIRE(runJob(job, ctx).outcome == JobOutcome::Finished);
    REQUIRE(loadStyleNet(base / "lum")->options.luminancePalette);
}

GANVAS_TEST(style, tone_from_style_gives_the_result_the_style_pictures_paper)
{
    // transferTone: the luminance takes the tone picture's mean and spread; chroma is kept.
    torch::manual_seed(12);
    const auto dark = torch::rand({2, 3, 40, 50}) * 0.4 + 0.1;                            // a dark photo
    const auto paper = (torch::rand({1, 1, 64, 64}) * 0.25 + 0.7).expand({1, 3, 64, 64}); // light, low contrast
    const auto toned = transferTone(dark, paper);
    REQUIRE_EQ(toned.sizes(), dark.sizes());
    const auto y = luminance(toned).flatten(1), target = luminance(paper).flatten(1);
    for (int64_t i = 0; i < 2; ++i) {
        REQUIRE(std::abs(y[i].mean().item<double>() - target[0].mean().item<double>()) < 0.01);
        REQUIRE(std::abs(y[i].std().item<double>() - target[0].std().item<double>()) < 0.01);
    }
    REQUIRE(luminance(dark).mean().item<double>() < 0.4); // it did move
    const auto chroma = [](const torch::Tensor& rgb) { return rgbToYCbCr(rgb).narrow(1, 1, 2); };
    REQUIRE((chroma(toned) - chroma(dark)).abs().max().item<double>() < 0.02); // clamped at the edges only
    // A flat picture's noise is enlarged at most twice, not to the tone picture's spread.
    const auto flat = torch::full({1, 3, 20, 20}, 0.5) + torch::rand({1, 1, 20, 20}).expand({1, 3, 20, 20}) * 0.01;
    const double before = luminance(flat).std().item<double>();
    REQUIRE(luminance(transferTone(flat, torch::rand({1, 3, 20, 20}))).std().item<double>() <= 2 * before + 1e-4);

    // "tone":"style": read and written, needs the style picture, runs to its paper.
    TransformerOptions o{{4, 8, 8}, 1, "residual"};
    o.toneFromStyle = true;
    REQUIRE(o.toJson()["tone"] == "style");
    REQUIRE(TransformerOptions::fromJson(o.toJson()).toneFromStyle);
    REQUIRE(!TransformerOptions::fromJson(TransformerOptions{{4, 8, 8}, 1, "residual"}.toJson()).toneFromStyle);
    auto bad = o.toJson();
    bad["tone"] = "sepia";
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson(bad), std::invalid_argument, "architecture.tone");
    TransformerNet net(o);
    REQUIRE_THROWS_WITH(styliseTiled(net, dark.narrow(0, 0, 1), StyliseOptions{}), std::invalid_argument,
                        "style picture");
    StyliseOptions options;
    options.marks = paper.contiguous();
    const auto out = styliseTiled(net, dark.narrow(0, 0, 1), options);
    REQUIRE(std::abs(luminance(out).mean().item<double>() - target[0].mean().item<double>()) < 0.01);
}

GANVAS_TEST(style, trainer_colour_term_pulls_the_palette_towards_the_style_picture)
{
    // A red style picture with marks, grey content; the style loss sees luminance only, so
    // without the colour term nothing asks for red.
    const fs::path base = ganvas::test::tempDir();
    const auto red = torch::cat({0.8 + 0.2 * styleImage(32).narrow(1, 0, 1), 0.1 * torch::ones({1, 1, 32, 32}),
                                 0.1 * torch::ones({1, 1, 32, 32})}, 1);
    auto options = [&](const char* name, double colour) {
        auto o = tinyTraining(base / name);
        o.styles = {red};
        o.steps = 40;
        o.learningRate = 1e-2;
        o.styleLuminance = true;
        o.colourWeight = colour;
        o.network.marksInput = true;
        o.previewEvery = 0;
        o.checkpointEvery = 0;
        return o;
    };
    auto redness = [&](const char* name) {
        StyleTrainJob job(options(name, std::string(name) == "colour" ? 1e4 : 0.0), batchFor);
        CancelToken token;
        JobContext ctx(token);
        REQUIRE(runJob(job, ctx).outcome == JobOutcome::Finished);
        auto net = loadStyleNet(base / name);
        REQUIRE(net->options.marksInput); // written to config.json and read back
        StyliseOptions stylise;
        stylise.marks = red;
        const auto y = styliseTiled(net, contentImage(32, 32), stylise);
        return (y.select(1, 0).mean() - 0.5 * (y.select(1, 1) + y.select(1, 2)).mean()).item<double>();
    };
    auto blend = options("blend", 0);
    blend.styles = {red, styleImage(32)};
    REQUIRE_THROWS_WITH(StyleTrainJob(blend, batchFor), std::invalid_argument, "not a blend");
    blend.network.marksInput = false;
    blend.colourWeight = -1;
    REQUIRE_THROWS_WITH(StyleTrainJob(blend, batchFor), std::invalid_argument, "colour weight");
    const double without = redness("plain"), with = redness("colour");
    std::printf("red minus green-blue: %.3f without the colour term, %.3f with it\n", without, with);
    REQUIRE(with > without + 0.1);
}

namespace {
// True when every label of @p labels ([H,W] int32) is one 4-connected piece.
bool cellsAreConnected(const torch::Tensor& labels)
{
    const int64_t h = labels.size(0), w = labels.size(1);
    const int32_t* l = labels.data_ptr<int32_t>();
    std::vector<uint8_t> seen(static_cast<size_t>(h * w), 0);
    std::vector<uint8_t> started(static_cast<size_t>(labels.max().item<int64_t>() + 1), 0);
    for (int64_t s = 0; s < h * w; ++s) {
        if (seen[s])
            continue;
        if (started[l[s]])
            return false; // a second piece of a label already walked
        started[l[s]] = 1;
        std::vector<int64_t> todo{s};
        seen[s] = 1;
        while (!todo.empty()) {
            const int64_t p = todo.back();
            todo.pop_back();
            const int64_t y = p / w, x = p % w;
            for (const int64_t n :
                 {x > 0 ? p - 1 : -1, x + 1 < w ? p + 1 : -1, y > 0 ? p - w : -1, y + 1 < h ? p + w : -1})
                if (n >= 0 && !seen[n] && l[n] == l[s])
                    seen[n] = 1, todo.push_back(n);
        }
    }
    return true;
}
} // namespace

GANVAS_TEST(style, cells_follow_the_pictures_shapes_each_one_piece)
{
    // Red left, blue right, a little noise: cells of about 12 px that never cross the edge.
    torch::manual_seed(3);
    auto picture = torch::zeros({1, 3, 64, 96});
    picture.index_put_({0, 0, torch::indexing::Slice(), torch::indexing::Slice(0, 45)}, 0.9);
    picture.index_put_({0, 2, torch::indexing::Slice(), torch::indexing::Slice(45, 96)}, 0.9);
    picture = (picture + torch::rand({1, 3, 64, 96}) * 0.05).clamp(0, 1);
    const auto labels = segmentCells(picture, 12.0, 0.6);
    REQUIRE(labels.dim() == 2 && labels.size(0) == 64 && labels.size(1) == 96);
    REQUIRE(labels.scalar_type() == torch::kInt32);
    const int64_t cells = labels.max().item<int64_t>() + 1;
    REQUIRE(labels.min().item<int64_t>() == 0);
    REQUIRE(cells >= 25);
    REQUIRE(cells <= 70); // about (64/12)·(96/12) = 43
    REQUIRE(cellsAreConnected(labels));
    const auto left = labels.narrow(1, 0, 45), right = labels.narrow(1, 45, 51);
    for (int64_t k = 0; k < cells; ++k)
        REQUIRE(!((left == k).any().item<bool>() && (right == k).any().item<bool>()));
    REQUIRE(torch::equal(labels, segmentCells(picture, 12.0, 0.6))); // the same cells every run

    // On a flat picture compact cells come out of similar sizes: none tiny, none huge.
    const auto flat = segmentCells(torch::full({1, 3, 60, 80}, 0.5), 10.0, 0.0);
    REQUIRE(cellsAreConnected(flat));
    const auto sizes = torch::bincount(flat.flatten().to(torch::kLong)).to(torch::kDouble);
    const double mean = sizes.mean().item<double>();
    REQUIRE(sizes.min().item<double>() >= 0.25 * mean);
    REQUIRE(sizes.max().item<double>() <= 3.0 * mean);
    REQUIRE_THROWS_WITH(segmentCells(torch::rand({3, 8, 8}), 4.0, 0.5), std::invalid_argument, "[1,3,H,W]");
}

GANVAS_TEST(style, facets_are_fitted_planes_and_panes_have_lead_lines)
{
    const int64_t h = 60, w = 90;
    auto ys = torch::linspace(0, 1, h).view({1, 1, h, 1}).expand({1, 1, h, w});
    auto xs = torch::linspace(0, 1, w).view({1, 1, 1, w}).expand({1, 1, h, w});
    const auto ramp = torch::cat({xs, ys, torch::full({1, 1, h, w}, 0.5)}, 1).contiguous(); // a plane per channel
    torch::manual_seed(5);
    const auto content = (torch::full({1, 3, h, w}, 0.5) + torch::rand({1, 3, h, w}) * 0.1).contiguous();
    const auto labels = segmentCells(content, static_cast<double>(w) / 10.0, 0.6, 0.7);

    CellOptions facets;
    facets.shape = CellOptions::Shape::Facets;
    facets.across = 10;
    facets.texture = 0;
    facets.follow = 0.6;
    // A plane is its own best fit: the ramp comes back.
    REQUIRE((paintCells(ramp, content, facets) - ramp).abs().max().item<double>() < 1e-3);
    // More relief turns each facet more steeply around the same mean.
    facets.relief = 2;
    const auto turned = paintCells(ramp, content, facets);
    REQUIRE((turned - ramp).abs().max().item<double>() > 0.02);
    const int64_t cells = labels.max().item<int64_t>() + 1;
    for (int64_t k = 0; k < cells; ++k) {
        const auto in = (labels == k).view({1, 1, h, w}).expand({1, 3, h, w});
        if (in.sum().item<int64_t>() < 30)
            continue;
        const auto a = turned.masked_select(in).view({3, -1}).mean(1), b = ramp.masked_select(in).view({3, -1}).mean(1);
        REQUIRE((a - b).abs().max().item<double>() < 0.02); // (clamped to 0..1 at the picture's edges)
    }

    // Panes: one colour each, dark lead between them, none inside.
    CellOptions panes;
    panes.shape = CellOptions::Shape::Panes;
    panes.across = 10;
    panes.texture = 0;
    panes.follow = 0.6;
    const auto glass = paintCells(ramp, content, panes);
    for (int64_t k = 0; k < cells; ++k) {
        const auto in = (labels == k).view({1, 1, h, w}).expand({1, 3, h, w});
        const auto v = glass.masked_select(in).view({3, -1});
        REQUIRE(v.size(1) == 0 || (v.amax(1) - v.amin(1)).max().item<double>() < 1e-5);
    }
    panes.lines = 0.2;
    const auto leaded = paintCells(ramp, content, panes);
    const auto dark = (leaded.amax(1) < 0.2).flatten();
    // Lead lies where the cells meet: every boundary pixel is dark, and not every other one.
    const auto boundary = torch::zeros({h, w}, torch::kBool);
    boundary.narrow(1, 0, w - 1).logical_or_(labels.narrow(1, 0, w - 1) != labels.narrow(1, 1, w - 1));
    boundary.narrow(0, 0, h - 1).logical_or_(labels.narrow(0, 0, h - 1) != labels.narrow(0, 1, h - 1));
    REQUIRE(dark.index({boundary.flatten()}).all().item<bool>());
    const double share = dark.to(torch::kDouble).mean().item<double>();
    REQUIRE(share > 0.05);
    REQUIRE(share < 0.5);
    REQUIRE(!dark.index({(boundary.flatten() == false)}).all().item<bool>());

    // All of the network's marks kept: the result is the network's; tiny pictures are left alone.
    panes.lines = 0;
    panes.texture = 1;
    REQUIRE((paintCells(ramp, content, panes) - ramp).abs().max().item<double>() < 1e-6);
    const auto tiny = torch::rand({1, 3, 12, 12});
    REQUIRE(torch::equal(paintCells(tiny, tiny, facets), tiny));
    REQUIRE_THROWS_WITH(paintCells(ramp, tiny, facets), std::invalid_argument, "one size");
}

GANVAS_TEST(style, cells_are_read_from_the_styles_config_and_run_with_its_network)
{
    CellOptions c = CellOptions::fromJson(nlohmann::json::parse(
        R"({"shape":"panes","across":12,"texture":0,"lines":0.1,"follow":0.4,"jitter":0.5,"relief":2})"));
    REQUIRE(c.shape == CellOptions::Shape::Panes);
    REQUIRE(c.across == 12);
    REQUIRE(c.lines == 0.1);
    REQUIRE(c.relief == 2);
    REQUIRE(CellOptions::fromJson(c.toJson()).toJson() == c.toJson());
    REQUIRE(!CellOptions::fromJson(nlohmann::json::parse(R"({"shape":"none"})")).enabled());
    REQUIRE_THROWS_WITH(CellOptions::fromJson(nlohmann::json::parse(R"({"shape":"hexagons"})")), std::invalid_argument,
                        "architecture.cells.shape");
    REQUIRE_THROWS_WITH(CellOptions::fromJson(nlohmann::json::parse(R"({"across":0})")), std::invalid_argument,
                        "architecture.cells.across");
    REQUIRE_THROWS_WITH(CellOptions::fromJson(nlohmann::json::parse(R"({"texture":"lots"})")), std::invalid_argument,
                        "architecture.cells.texture");
    REQUIRE_THROWS_WITH(CellOptions::fromJson(nlohmann::json::parse("[1]")), std::invalid_argument, "object");

    // Through the network's options: written, read back, and applied after the network.
    TransformerOptions o{{4, 8, 8}, 1, "residual"};
    REQUIRE(!o.toJson().contains("cells"));
    c.lines = 0;
    o.cells = c;
    const auto j = o.toJson();
    REQUIRE(j["cells"]["shape"] == "panes");
    REQUIRE(TransformerOptions::fromJson(j).cells.toJson() == c.toJson());
    auto bad = j;
    bad["cells"]["lines"] = 3;
    REQUIRE_THROWS_WITH(TransformerOptions::fromJson(bad), std::invalid_argument, "architecture.cells.lines");

    torch::manual_seed(8);
    TransformerNet net(o);
    const auto picture = torch::rand({1, 3, 48, 72});
    const auto out = styliseTiled(net, picture, StyliseOptions{});
    const auto labels = segmentCells(picture, 72.0 / 12.0, c.follow, c.jitter);
    const int64_t cells = labels.max().item<int64_t>() + 1;
    for (int64_t k = 0; k < cells; ++k) {
        const auto v = out.masked_select((labels == k).view({1, 1, 48, 72}).expand({1, 3, 48, 72})).view({3, -1});
        REQUIRE(v.size(1) == 0 || (v.amax(1) - v.amin(1)).max().item<double>() < 1e-5);
    }
    o.cells = CellOptions{};
    torch::manual_seed(8);
    TransformerNet plain(o); // the same network without its cells: a picture with texture
    const auto raw = styliseTiled(plain, picture, StyliseOptions{});
    REQUIRE((raw - out).abs().max().item<double>() > 0.01);
}
