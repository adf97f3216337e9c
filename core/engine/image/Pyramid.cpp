// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/image/Pyramid.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ganvas::engine {

namespace {

torch::Tensor binomialKernel(const torch::Tensor& like, int64_t channels)
{
    const auto k1 = torch::tensor({1.0, 4.0, 6.0, 4.0, 1.0}, like.options().dtype(torch::kFloat32)) / 16.0;
    return torch::outer(k1, k1).expand({channels, 1, 5, 5}).contiguous();
}

torch::Tensor blur(const torch::Tensor& x, const torch::Tensor& k)
{
    const auto padded = torch::reflection_pad2d(x, {2, 2, 2, 2});
    return torch::conv2d(padded, k, torch::Tensor(), torch::IntArrayRef{1}, torch::IntArrayRef{0}, torch::IntArrayRef{1}, x.size(1));
}

torch::Tensor pyrDownWith(const torch::Tensor& x, const torch::Tensor& k)
{
    using torch::indexing::Slice;
    return blur(x, k).index({Slice(), Slice(), Slice(0, torch::indexing::None, 2), Slice(0, torch::indexing::None, 2)});
}

torch::Tensor pyrUp(const torch::Tensor& x, const torch::Tensor& k)
{
    using torch::indexing::Slice;
    auto up = torch::zeros({x.size(0), x.size(1), x.size(2) * 2, x.size(3) * 2}, x.options());
    up.index_put_({Slice(), Slice(), Slice(0, torch::indexing::None, 2), Slice(0, torch::indexing::None, 2)}, x);
    return blur(up, k) * 4.0;
}

} // namespace

torch::Tensor pyramidDown(const torch::Tensor& images)
{
    const auto x = images.to(torch::kFloat32);
    return pyrDownWith(x, binomialKernel(x, x.size(1)));
}

std::vector<torch::Tensor> laplacianPyramid(const torch::Tensor& images, int64_t minSide)
{
    const auto k = binomialKernel(images, images.size(1));
    std::vector<torch::Tensor> out;
    auto g = images.to(torch::kFloat32);
    while (g.size(2) / 2 >= minSide && g.size(3) / 2 >= minSide && g.size(2) % 2 == 0 && g.size(3) % 2 == 0) {
        const auto down = pyrDownWith(g, k);
        out.push_back(g - pyrUp(down, k));
        g = down;
    }
    out.push_back(g);
    return out;
}

torch::Tensor highPass(const torch::Tensor& x, double sigma)
{
    if (!(sigma > 0) || x.dim() != 4)
        throw std::invalid_argument("highPass: needs [N,C,H,W] and sigma > 0");
    const int64_t radius = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(3 * sigma)));
    const int64_t c = x.size(1);
    auto t = torch::arange(-radius, radius + 1, x.options().dtype(torch::kFloat32));
    auto g = torch::exp(-(t * t) / (2 * sigma * sigma));
    g = (g / g.sum()).to(x.scalar_type());
    const auto kx = g.view({1, 1, 1, 2 * radius + 1}).expand({c, 1, 1, 2 * radius + 1}).contiguous();
    const auto ky = g.view({1, 1, 2 * radius + 1, 1}).expand({c, 1, 2 * radius + 1, 1}).contiguous();
    const int64_t ph = std::min<int64_t>(radius, x.size(2) - 1), pw = std::min<int64_t>(radius, x.size(3) - 1);
    auto blurred = torch::reflection_pad2d(x, {pw, pw, ph, ph});
    blurred = torch::conv2d(blurred, kx, torch::Tensor(), torch::IntArrayRef{1}, torch::IntArrayRef{0}, torch::IntArrayRef{1}, c);
    blurred = torch::conv2d(blurred, ky, torch::Tensor(), torch::IntArrayRef{1}, torch::IntArrayRef{0}, torch::IntArrayRef{1}, c);
    // Reflection padding narrower than the kernel (tiny pictures) leaves the blur smaller: crop x.
    const int64_t dh = (x.size(2) - blurred.size(2)) / 2, dw = (x.size(3) - blurred.size(3)) / 2;
    return x.narrow(2, dh, blurred.size(2)).narrow(3, dw, blurred.size(3)) - blurred + 0.5;
}

} // namespace ganvas::engine
