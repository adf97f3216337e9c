// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/style/ColourTransfer.h"

#include <algorithm>
#include <stdexcept>

namespace ganvas::engine {

ColourMode parseColourMode(const std::string& text)
{
    if (text == "style" || text == "none")
        return ColourMode::Style;
    if (text == "luminance")
        return ColourMode::Luminance;
    if (text == "histogram")
        return ColourMode::Histogram;
    throw std::invalid_argument("unknown colour mode '" + text.substr(0, 32) +
                                "' (expected style, luminance or histogram)");
}

const char* colourModeName(ColourMode mode)
{
    switch (mode) {
    case ColourMode::Style: return "style";
    case ColourMode::Luminance: return "luminance";
    case ColourMode::Histogram: return "histogram";
    }
    return "style";
}

torch::Tensor luminance(const torch::Tensor& rgb)
{
    return (0.299 * rgb.select(1, 0) + 0.587 * rgb.select(1, 1) + 0.114 * rgb.select(1, 2)).unsqueeze(1);
}

torch::Tensor rgbToYCbCr(const torch::Tensor& rgb)
{
    const auto r = rgb.select(1, 0), b = rgb.select(1, 2);
    const auto y = luminance(rgb).squeeze(1);
    const auto cb = (b - y) * (0.5 / 0.886);
    const auto cr = (r - y) * (0.5 / 0.701);
    return torch::stack({y, cb, cr}, 1);
}

torch::Tensor yCbCrToRgb(const torch::Tensor& ycc)
{
    const auto y = ycc.select(1, 0), cb = ycc.select(1, 1), cr = ycc.select(1, 2);
    const auto r = y + cr * (0.701 / 0.5);
    const auto b = y + cb * (0.886 / 0.5);
    const auto g = (y - 0.299 * r - 0.114 * b) / 0.587;
    return torch::stack({r, g, b}, 1);
}

torch::Tensor matchHistograms(const torch::Tensor& source, const torch::Tensor& reference)
{
    if (source.dim() != 4 || reference.dim() != 4 || source.size(1) != reference.size(1))
        throw std::invalid_argument("histogram matching needs two [N,C,H,W] images with the same channels");
    auto out = torch::empty_like(source);
    for (int64_t n = 0; n < source.size(0); ++n) {
        for (int64_t c = 0; c < source.size(1); ++c) {
            const auto src = source[n][c].flatten();
            const auto ref = std::get<0>(reference[std::min(n, reference.size(0) - 1)][c].flatten().sort());
            const auto order = std::get<1>(src.sort());
            // Quantile i of the source gets the value at the same quantile of the reference.
            const auto idx = torch::linspace(0, static_cast<double>(ref.numel() - 1), src.numel(),
                                             torch::TensorOptions().device(src.device()))
                                 .round()
                                 .to(torch::kLong);
            auto matched = torch::empty_like(src);
            matched.index_put_({order}, ref.index({idx}));
            out[n][c].copy_(matched.view_as(source[n][c]));
        }
    }
    return out;
}

torch::Tensor preserveColour(const torch::Tensor& stylised, const torch::Tensor& content, ColourMode mode)
{
    switch (mode) {
    case ColourMode::Style: return stylised;
    case ColourMode::Luminance: {
        if (stylised.sizes() != content.sizes())
            throw std::invalid_argument("luminance transfer needs the result and the content at the same size");
        auto s = rgbToYCbCr(stylised), c = rgbToYCbCr(content);
        // The style's luminance contrast, re-centred on the content's brightness.
        auto y = s.select(1, 0);
        const auto cy = c.select(1, 0);
        y = (y - y.mean()) / (y.std() + 1e-6) * (cy.std() + 1e-6) + cy.mean();
        return yCbCrToRgb(torch::stack({y, c.select(1, 1), c.select(1, 2)}, 1)).clamp(0, 1);
    }
    case ColourMode::Histogram: return matchHistograms(stylised, content).clamp(0, 1);
    }
    return stylised;
}

namespace {

/// The symmetric square root (and inverse square root) of a batch of symmetric 2x2 matrices.
torch::Tensor symmetricPower(const torch::Tensor& m, double power)
{
    const auto [values, vectors] = torch::linalg_eigh(m);
    return vectors.matmul(torch::diag_embed(values.clamp_min(0).pow(power))).matmul(vectors.transpose(-1, -2));
}

/// Chroma pixels [N, H*W, 2] of an RGB picture, with their mean [N,1,2] and covariance [N,2,2].
struct ChromaStats {
    torch::Tensor pixels, mean, cov;
};

ChromaStats chromaStats(const torch::Tensor& rgb)
{
    const auto ycc = rgbToYCbCr(rgb.to(torch::kFloat32));
    ChromaStats s;
    s.pixels = ycc.narrow(1, 1, 2).flatten(2).transpose(1, 2); // [N, HW, 2]
    s.mean = s.pixels.mean(1, true);
    const auto centred = s.pixels - s.mean;
    s.cov = centred.transpose(1, 2).matmul(centred) / static_cast<double>(std::max<int64_t>(1, s.pixels.size(1)));
    return s;
}

} // namespace

torch::Tensor withChromaOf(const torch::Tensor& luminanceFrom, const torch::Tensor& chromaFrom)
{
    const auto y = luminance(luminanceFrom);
    const auto c = rgbToYCbCr(chromaFrom.to(y.scalar_type())).narrow(1, 1, 2);
    return yCbCrToRgb(torch::cat({y, c}, 1));
}

torch::Tensor transferChroma(const torch::Tensor& luminanceFrom, const torch::Tensor& chromaFrom,
                             const torch::Tensor& palette)
{
    const auto from = chromaStats(chromaFrom);
    auto to = chromaStats(palette);
    if (to.mean.size(0) != from.mean.size(0)) { // one palette for a batch
        to.mean = to.mean.expand_as(from.mean);
        to.cov = to.cov.expand_as(from.cov);
    }
    // A floor on the picture's spread (a chroma standard deviation of about 0.03): a grey
    // picture's chroma noise is not blown up to the palette's spread.
    const auto a = from.cov + torch::eye(2, from.cov.options()) * 1e-3;
    const auto& b = to.cov;
    const auto aHalf = symmetricPower(a, 0.5), aInvHalf = symmetricPower(a, -0.5);
    const auto map = aInvHalf.matmul(symmetricPower(aHalf.matmul(b).matmul(aHalf), 0.5)).matmul(aInvHalf);
    const auto moved = (from.pixels - from.mean).matmul(map) + to.mean; // map is symmetric
    const auto h = chromaFrom.size(2), w = chromaFrom.size(3);
    const auto chroma = moved.transpose(1, 2).reshape({chromaFrom.size(0), 2, h, w});
    return yCbCrToRgb(torch::cat({luminance(luminanceFrom.to(torch::kFloat32)), chroma}, 1)).clamp(0, 1);
}

torch::Tensor transferTone(const torch::Tensor& rgb, const torch::Tensor& tone)
{
    const auto x = rgb.to(torch::kFloat32);
    const auto y = luminance(x);
    const auto target = luminance(tone.to(torch::kFloat32)).flatten(1);
    const auto mean = y.mean({1, 2, 3}, true), spread = y.flatten(1).std(1).view({-1, 1, 1, 1});
    const auto toMean = target.mean(1).view({-1, 1, 1, 1}), toSpread = target.std(1).view({-1, 1, 1, 1});
    const auto ratio = (toSpread / spread.clamp_min(1e-4)).clamp(0.5, 2.0);
    // The same amount added to R, G and B moves Y by it and leaves Cb and Cr as they are (BT.601's
    // luma weights sum to 1): one picture-sized temporary instead of a YCbCr round trip, which
    // matters for the memory pre-flight at 4096².
    return (x + (y * (ratio - 1) + (toMean - mean * ratio))).clamp_(0, 1);
}

torch::Tensor blendStrength(const torch::Tensor& content, const torch::Tensor& stylised, double strength,
                            const torch::Tensor& mask)
{
    const double s = std::clamp(strength, 0.0, 1.0);
    if (mask.defined())
        return content + (stylised - content) * (mask * s);
    return content + (stylised - content) * s;
}

} // namespace ganvas::engine
