// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: config.json parsing must accept a valid config or throw ModelConfigError, and a
// weights path it accepts must stay inside the model folder.
#include "core/engine/models/ModelConfig.h"

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
    } catch (const ganvas::engine::ModelConfigError&) {
    }
    return 0;
}
