// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/image/Pyramid.h"

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

} // namespace ganvas::engine
