// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/gan/DiffAugment.h"

#include <sstream>
#include <stdexcept>

namespace ganvas::engine {

DiffAugmentOptions DiffAugmentOptions::parse(const std::string& text)
{
    DiffAugmentOptions o{false, false, false};
    if (text.empty() || text == "none")
        return o;
    std::stringstream s(text);
    std::string item;
    while (std::getline(s, item, ',')) {
        if (item == "colour" || item == "color")
            o.colour = true;
        else if (item == "translation")
            o.translation = true;
        else if (item == "cutout")
            o.cutout = true;
        else
            throw std::invalid_argument("unknown augmentation '" + item + "' (use colour, translation, cutout or none)");
    }
    return o;
}

std::string DiffAugmentOptions::toString() const
{
    std::string s;
    auto add = [&](bool on, const char* name) {
        if (on)
            s += (s.empty() ? "" : ",") + std::string(name);
    };
    add(colour, "colour");
    add(translation, "translation");
    add(cutout, "cutout");
    return s.empty() ? "none" : s;
}

torch::Tensor diffAugment(const torch::Tensor& input, const DiffAugmentOptions& o)
{
    auto x = input;
    const auto n = x.size(0);
    const auto h = x.size(2), w = x.size(3);
    const auto opts = x.options().dtype(torch::kFloat32);
    if (o.colour) {
        // The transforms of Zhao et al.'s reference, in their order.
        x = x + (torch::rand({n, 1, 1, 1}, opts) - 0.5);
        auto mean = x.mean(1, true);
        x = (x - mean) * (torch::rand({n, 1, 1, 1}, opts) * 2) + mean;
        mean = x.mean({1, 2, 3}, true);
        x = (x - mean) * (torch::rand({n, 1, 1, 1}, opts) + 0.5) + mean;
    }
    if (o.translation) {
        // Integer shifts of up to 1/8 of the side, zero filled, as an index gather into a padded
        // copy (differentiable with respect to x).
        const int64_t sh = std::max<int64_t>(1, h / 8), sw = std::max<int64_t>(1, w / 8);
        const auto ty = torch::randint(-sh, sh + 1, {n, 1, 1}, torch::TensorOptions().device(x.device()).dtype(torch::kLong));
        const auto tx = torch::randint(-sw, sw + 1, {n, 1, 1}, torch::TensorOptions().device(x.device()).dtype(torch::kLong));
        const auto li = torch::TensorOptions().device(x.device()).dtype(torch::kLong);
        auto gy = torch::arange(h, li).view({1, h, 1}).expand({n, h, w});
        auto gx = torch::arange(w, li).view({1, 1, w}).expand({n, h, w});
        gy = (gy + ty + 1).clamp(0, h + 1);
        gx = (gx + tx + 1).clamp(0, w + 1);
        const auto padded = torch::constant_pad_nd(x, {1, 1, 1, 1}, 0);
        // padded [n,c,h+2,w+2] -> gather rows then columns via flattened index.
        const auto flat = padded.permute({0, 2, 3, 1}).reshape({n, (h + 2) * (w + 2), x.size(1)});
        const auto idx = (gy * (w + 2) + gx).view({n, h * w, 1}).expand({n, h * w, x.size(1)});
        x = flat.gather(1, idx).view({n, h, w, x.size(1)}).permute({0, 3, 1, 2});
    }
    if (o.cutout) {
        const int64_t ch = h / 2, cw = w / 2;
        const auto li = torch::TensorOptions().device(x.device()).dtype(torch::kLong);
        const auto oy = torch::randint(0, h + (1 - ch % 2), {n, 1, 1}, li);
        const auto ox = torch::randint(0, w + (1 - cw % 2), {n, 1, 1}, li);
        const auto gy = torch::arange(h, li).view({1, h, 1});
        const auto gx = torch::arange(w, li).view({1, 1, w});
        const auto inY = (gy >= oy - ch / 2) & (gy < oy - ch / 2 + ch);
        const auto inX = (gx >= ox - cw / 2) & (gx < ox - cw / 2 + cw);
        const auto keep = (~(inY & inX)).to(x.scalar_type()).unsqueeze(1);
        x = x * keep;
    }
    return x;
}

} // namespace ganvas::engine
