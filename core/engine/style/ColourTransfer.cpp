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

torch::Tensor blendStrength(const torch::Tensor& content, const torch::Tensor& stylised, double strength,
                            const torch::Tensor& mask)
{
    const double s = std::clamp(strength, 0.0, 1.0);
    if (mask.defined())
        return content + (stylised - content) * (mask * s);
    return content + (stylised - content) * s;
}

} // namespace ganvas::engine
