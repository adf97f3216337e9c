// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: config.json parsing must accept a valid config or throw ModelConfigError, and a
// weights path it accepts must stay inside the model folder; a style's architecture must build
// valid transformer options, and a generator's valid GAN options, or throw std::invalid_argument.
#include "core/engine/models/ModelConfig.h"
#include "core/engine/gan/GanNetworks.h"
#include "core/engine/style/TransformerNet.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto config = ganvas::engine::parseModelConfig(text, "/models/fuzz");
        const std::string path = config.weightsPath().lexically_normal().string();
        if (path.rfind("/models/fuzz/", 0) != 0)
            std::abort(); // escaped the folder: a real bug
        const auto& a = config.architecture;
        if (config.kind == ganvas::engine::ModelKind::Style && a.contains("type") && a["type"].is_string() &&
            a["type"] == "johnson") {
            try {
                const auto o = ganvas::engine::TransformerOptions::fromJson(a);
                if (o.channels.size() != 3 || o.residualBlocks < 0 || o.residualBlocks > 16)
                    std::abort();
            } catch (const std::invalid_argument&) {
            }
        }
        if (config.kind == ganvas::engine::ModelKind::Generator) {
            try {
                const auto o = ganvas::engine::GanOptions::fromJson(a);
                if (o.levels() < 3 || o.levels() > 6 || o.latentDim < 8 || o.latentDim > 1024 ||
                    o.channelsAt(0, o.gChannels) > o.maxChannels)
                    std::abort();
            } catch (const std::invalid_argument&) {
            }
        }
    } catch (const ganvas::engine::ModelConfigError&) {
    }
    return 0;
}
