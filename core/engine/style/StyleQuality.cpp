// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/style/StyleQuality.h"

#include "core/engine/image/Pyramid.h"
#include "core/engine/style/ColourTransfer.h"
#include "core/engine/style/StyleMetrics.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace ganvas::engine {

namespace {

namespace F = torch::nn::functional;

constexpr int64_t kPatch = 7;
constexpr int64_t kCoarseSide = 64;

void requireImage(const torch::Tensor& image, const char* what)
{
    if (!image.defined() || image.dim() != 4 || image.size(0) != 1 || image.size(1) != 3)
        throw std::invalid_argument(std::string("style quality: the ") + what + " must be [1,3,H,W]");
    if (image.size(2) < 32 || image.size(3) < 32)
        throw std::invalid_argument(std::string("style quality: the ") + what + " is smaller than 32 px");
}

/// Crops to a multiple of 2^bands so that every pyramid level halves exactly.
torch::Tensor cropForPyramid(const torch::Tensor& image, int64_t bands)
{
    const int64_t m = int64_t{1} << std::clamp<int64_t>(bands, 0, 8);
    const int64_t h = image.size(2) / m * m, w = image.size(3) / m * m;
    return image.narrow(2, (image.size(2) - h) / 2, h).narrow(3, (image.size(3) - w) / 2, w).to(torch::kFloat32);
}

/// Bands measured: the Laplacian levels (no coarsest Gaussian: that is the palette), at most
/// @p bands, each big enough for a 7x7 patch with room to move.
std::vector<torch::Tensor> textureBands(const torch::Tensor& image, int64_t bands)
{
    auto pyramid = laplacianPyramid(cropForPyramid(image, bands), 8);
    pyramid.pop_back();
    if (static_cast<int64_t>(pyramid.size()) > bands)
        pyramid.resize(static_cast<size_t>(bands));
    return pyramid;
}

/// Luminance at kCoarseSide on the longest side (area average).
torch::Tensor coarseLuminance(const torch::Tensor& image)
{
    const auto y = luminance(image.to(torch::kFloat32));
    const int64_t h = y.size(2), w = y.size(3), side = std::max(h, w);
    if (side <= kCoarseSide)
        return y;
    const auto size = std::vector<int64_t>{std::max<int64_t>(1, h * kCoarseSide / side),
                                           std::max<int64_t>(1, w * kCoarseSide / side)};
    return F::interpolate(y, F::InterpolateFuncOptions().size(size).mode(torch::kArea));
}

torch::Tensor gradientMagnitude(const torch::Tensor& y)
{
    const auto kx = torch::tensor({-1.0f, 0.0f, 1.0f, -2.0f, 0.0f, 2.0f, -1.0f, 0.0f, 1.0f}).view({1, 1, 3, 3}) / 8.0;
    const auto ky = kx.transpose(2, 3).contiguous();
    const auto padded = torch::replication_pad2d(y, {1, 1, 1, 1});
    const auto gx = torch::conv2d(padded, kx), gy = torch::conv2d(padded, ky);
    return (gx * gx + gy * gy + 1e-12).sqrt();
}

/// The picture minus its Gaussian blur (sigma 4 px), around mid-grey: marks, strokes and edges
/// without the smooth colour fields. Measured in full, the feature covariance rated smooth blobs
/// of the style's colours as close to the style as optimisation's dots (the first contact sheet
/// of issue #13): large flat areas of strong colour drive the deep layers' covariance.
torch::Tensor detail(const torch::Tensor& x)
{
    return highPass(x, 4.0);
}

} // namespace

StyleQualityMeter::StyleQualityMeter(const torch::Tensor& style, StyleQualityOptions options) : m_options(options)
{
    if (options.bands < 1 || options.bands > 8 || options.patchesPerBand < 64 || options.patchesPerBand > 1'000'000 ||
        options.directions < 8 || options.directions > 4096)
        throw std::invalid_argument("style quality: bands, patches or directions out of range");
    requireImage(style, "style picture");
    torch::NoGradGuard noGrad;
    const auto s = style.to(torch::kCPU, torch::kFloat32);

    const auto bands = textureBands(s, options.bands);
    for (size_t i = 0; i < bands.size(); ++i) {
        auto gen = at::detail::createCPUGenerator(options.seed * 1000 + i);
        auto dirs = at::randn({3 * kPatch * kPatch, options.directions}, gen, torch::kFloat32);
        m_directions.push_back(dirs / dirs.norm(2, 0, true));
        Band band;
        // The style band's contrast per channel: pictures are measured in that unit, so a faint
        // copy of the marks (a blur) stays as far as it looks.
        // One figure for the three channels: a channel the style leaves flat (a two-colour
        // picture) must not turn a trace of texture in it into a huge distance.
        band.scale = torch::full({3, 1, 1}, 1.0 / std::max(1e-3, bands[i].std().item<double>()));
        const auto patches = bandPatches(bands[i], band.scale, static_cast<int64_t>(i));
        band.sortedProjections = std::get<0>(torch::sort(torch::mm(patches, m_directions[i]), 0));
        m_bands.push_back(band);
    }

    RandomLossNetworkOptions net = evaluationNetworkOptions();
    net.seed = options.seed;
    m_net = makeRandomLossNetwork(net);
    const auto features = m_net->features(detail(s)).style;
    for (const auto& f : features) {
        const auto x = f[0].flatten(1); // [C, HW]
        Layer layer;
        layer.mean = x.mean(1, true);
        // Per channel by the style's spread, floored at a tenth of the layer's mean spread: a
        // channel the style barely excites must not turn a trace of it into a huge distance.
        const auto spread = x.std(1, true, true);
        layer.scale = 1.0 / spread.clamp_min(std::max(1e-6, 0.1 * spread.mean().item<double>()));
        const auto centred = (x - layer.mean) * layer.scale;
        layer.covariance = torch::mm(centred, centred.t()) / static_cast<double>(x.size(1));
        m_layers.push_back(layer);
    }
}

StyleQualityMeter::~StyleQualityMeter() = default;

torch::Tensor StyleQualityMeter::bandPatches(const torch::Tensor& band, const torch::Tensor& scale, int64_t index) const
{
    // 7x7 neighbourhoods at positions drawn from a generator of their own (the same draws for
    // every picture of a size), gathered without unfolding the whole band.
    const int64_t h = band.size(2), w = band.size(3);
    const int64_t rows = h - kPatch + 1, cols = w - kPatch + 1;
    auto gen = at::detail::createCPUGenerator(m_options.seed * 7919 + static_cast<uint64_t>(index));
    const auto n = m_options.patchesPerBand;
    const auto y = at::randint(rows, {n}, gen, torch::TensorOptions(torch::kLong));
    const auto x = at::randint(cols, {n}, gen, torch::TensorOptions(torch::kLong));
    const auto offsets = torch::arange(kPatch, torch::kLong);
    const auto oy = offsets.view({1, kPatch, 1}), ox = offsets.view({1, 1, kPatch});
    const auto flat = ((y.view({n, 1, 1}) + oy) * w + (x.view({n, 1, 1}) + ox)).view({n, kPatch * kPatch}); // [n,49]
    const auto pixels = (band[0] * scale).reshape({3, h * w});                                            // [3,HW]
    return pixels.index_select(1, flat.flatten()).view({3, n, kPatch * kPatch}).permute({1, 0, 2}).reshape(
        {n, 3 * kPatch * kPatch});
}

TextureDistance StyleQualityMeter::texture(const torch::Tensor& image) const
{
    requireImage(image, "picture");
    torch::NoGradGuard noGrad;
    const auto x = image.to(torch::kCPU, torch::kFloat32);
    TextureDistance d;
    const auto bands = textureBands(x, m_options.bands);
    const size_t count = std::min(bands.size(), m_bands.size());
    for (size_t i = 0; i < count; ++i) {
        const auto patches = bandPatches(bands[i], m_bands[i].scale, static_cast<int64_t>(i));
        const auto sorted = std::get<0>(torch::sort(torch::mm(patches, m_directions[i]), 0));
        d.swdPerBand.push_back((sorted - m_bands[i].sortedProjections).abs().mean().item<double>());
    }
    d.swd = d.swdPerBand.empty() ? 0.0
                                 : std::accumulate(d.swdPerBand.begin(), d.swdPerBand.end(), 0.0) /
                                       static_cast<double>(d.swdPerBand.size());

    const auto features = m_net->features(detail(x)).style;
    double total = 0;
    for (size_t l = 0; l < features.size(); ++l) {
        const auto f = features[l][0].flatten(1);
        const auto& layer = m_layers[l];
        const auto centred = (f - f.mean(1, true)) * layer.scale;
        const auto cov = torch::mm(centred, centred.t()) / static_cast<double>(f.size(1));
        total += ((cov - layer.covariance).norm() / layer.covariance.norm().clamp_min(1e-12)).item<double>();
    }
    d.covariance = features.empty() ? 0.0 : total / static_cast<double>(features.size());
    return d;
}

ContentKept contentKept(const torch::Tensor& content, const torch::Tensor& result)
{
    requireImage(content, "content");
    requireImage(result, "result");
    torch::NoGradGuard noGrad;
    auto a = coarseLuminance(content.cpu());
    auto b = coarseLuminance(result.cpu());
    if (a.sizes() != b.sizes())
        b = F::interpolate(b, F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{a.size(2), a.size(3)})
                                  .mode(torch::kBilinear)
                                  .align_corners(false));
    ContentKept k;
    k.structure = ssim(a, b);
    const auto ga = gradientMagnitude(a).flatten(), gb = gradientMagnitude(b).flatten();
    const auto ca = ga - ga.mean(), cb = gb - gb.mean();
    const double denominator = (ca.norm() * cb.norm()).item<double>();
    k.edges = denominator > 1e-12 ? (ca * cb).sum().item<double>() / denominator : 0.0;
    return k;
}

double shareOfReference(double contentDistance, double resultDistance, double referenceDistance)
{
    const double gain = contentDistance - referenceDistance;
    if (!(gain > 1e-12))
        return 0.0;
    return (contentDistance - resultDistance) / gain;
}

double textureShare(const TextureDistance& content, const TextureDistance& result, const TextureDistance& reference)
{
    // The weaker of the two: each alone was seen to flatter some picture (a flat result beside a
    // flat style), and a style is there only when both its patches and its features are.
    return std::min(shareOfReference(content.swd, result.swd, reference.swd),
                    shareOfReference(content.covariance, result.covariance, reference.covariance));
}

} // namespace ganvas::engine
