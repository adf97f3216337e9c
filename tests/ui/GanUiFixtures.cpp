// SPDX-License-Identifier: GPL-3.0-or-later
#include "GanUiFixtures.h"

#include "core/engine/gan/GanNetworks.h"
#include "core/engine/nn/SafeTensors.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace ganvas::test {

void writeTinyGenerator(const QString& folder)
{
    QDir().mkpath(folder);
    torch::manual_seed(0);
    engine::Generator g(engine::GanOptions{32, 16, 8, 8});
    engine::initGanWeights(*g);
    const std::filesystem::path dir = folder.toStdString();
    engine::saveSafeTensors(dir / "weights.safetensors", engine::moduleState(*g));
    const nlohmann::json config = {{"format", 1},
                                   {"id", "tiny"},
                                   {"name", "Tiny"},
                                   {"kind", "generator"},
                                   {"weights", "weights.safetensors"},
                                   {"license", "GPL-3.0-or-later"},
                                   {"architecture", g->options().toJson()}};
    std::ofstream(dir / "config.json") << config.dump(2);
}

} // namespace ganvas::test
