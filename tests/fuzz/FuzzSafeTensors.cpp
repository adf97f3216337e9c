// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the safetensors reader must turn any bytes into tensors or a SafeTensorsError —
// never a crash, a hang or an allocation larger than the input justifies.
#include "core/engine/nn/SafeTensors.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ganvas::engine::SafeTensorsLimits limits;
    limits.maxHeaderBytes = 1 << 20;
    try {
        const auto file = ganvas::engine::parseSafeTensors(data, size, limits);
        // Whatever parsed must be usable: touch every tensor's bytes.
        for (const auto& [name, tensor] : file.tensors)
            if (tensor.numel() > 0)
                (void)tensor.reshape({-1})[0].item();
    } catch (const ganvas::engine::SafeTensorsError&) {
    }
    return 0;
}
