// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/style/StyleMetrics.h"

#include "core/engine/style/ColourTransfer.h"
#include "core/engine/style/Gatys.h"

#include <algorithm>
#include <cmath>

namespace ganvas::engine {

RandomLossNetworkOptions evaluationNetworkOptions()
{
    RandomLossNetworkOptions o;
    o.seed = 7;
    return o;
}

double ssim(const torch::Tensor& a, const torch::Tensor& b)
{
    torch::NoGradGuard noGrad;
    const auto x = torch::arange(11, torch::kFloat32) - 5;
    auto g = torch::exp(-x * x / (2 * 1.5 * 1.5));
    g = g / g.sum();
    const auto window = (g.view({11, 1}) * g.view({1, 11})).view({1, 1, 11, 11}).to(a.device());
    auto blur = [&](const torch::Tensor& t) { return torch::conv2d(t, window); };
    const auto fa = a.to(torch::kFloat32), fb = b.to(torch::kFloat32);
    const auto ma = blur(fa), mb = blur(fb);
    const auto va = blur(fa * fa) - ma * ma, vb = blur(fb * fb) - mb * mb, cov = blur(fa * fb) - ma * mb;
    const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    const auto map = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
    return map.mean().item<double>();
}

StyleMetrics measureStyle(const torch::Tensor& content, const torch::Tensor& result, const torch::Tensor& style,
                          double styleScale)
{
    torch::NoGradGuard noGrad;
    auto net = makeRandomLossNetwork(evaluationNetworkOptions());
    const int64_t side = std::min<int64_t>(512, std::max(result.size(2), result.size(3)));
    const auto c = resizeLongestSide(content.to(torch::kFloat32), side);
    const auto r = resizeLongestSide(result.to(torch::kFloat32), side);
    const auto s = resizeLongestSide(style.to(torch::kFloat32),
                                     std::clamp<int64_t>(std::llround(side * styleScale), 16, 2048));
    const auto grams = styleGrams(*net, s);
    StyleMetrics m;
    m.styleDistanceContent = styleLoss(net->features(c).style, grams).item<double>();
    m.styleDistanceResult = styleLoss(net->features(r).style, grams).item<double>();
    m.styleGapClosed = 1.0 - m.styleDistanceResult / std::max(m.styleDistanceContent, 1e-12);
    m.contentSsim = ssim(rgbToYCbCr(r).narrow(1, 0, 1), rgbToYCbCr(c).narrow(1, 0, 1));
    return m;
}

} // namespace ganvas::engine
