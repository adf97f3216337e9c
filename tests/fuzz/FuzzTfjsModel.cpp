// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: a TF.js layers-model (model.json; every shard read as the same 4 KiB of data)
// must import or throw TfjsModelError, and an imported model must run on a small picture.
#include "core/engine/upscale/TfjsLayersModel.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    ganvas::engine::TfjsLimits limits;
    limits.maxWeightBytes = 1 << 20;
    limits.maxLayers = 200;
    limits.maxChannels = 256;
    try {
        const auto model = ganvas::engine::TfjsLayersModel::parse(
            text, [](const std::string&) { return std::vector<uint8_t>(4096, 0); }, limits);
        if (model.inputChannels() < 1 || model.scale() < 1)
            std::abort();
        if (model.scale() <= 8 && model.macsPerInputPixel() < 1e6) {
            torch::NoGradGuard noGrad;
            const auto out = model.forward(torch::zeros({1, model.inputChannels(), 3, 3}));
            if (out.size(2) != 3 * model.scale())
                std::abort();
        }
    } catch (const ganvas::engine::TfjsModelError&) {
    }
    return 0;
}
