// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GanUiFixtures.h
/// Fixtures the GUI tests of issues #5 and #6 share: a tiny random generator folder and a pixel
/// comparison. Only the fixture reaches into the engine; the studio sees the generator through
/// the catalogue like any other.

#include "core/engine/gan/GanNetworks.h"
#include "core/engine/nn/SafeTensors.h"

#include <QDir>
#include <QImage>
#include <QString>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace ganvas::test {

/// A random (untrained) generator folder: resolution 32, latent 16, 8 channels, id "tiny".
inline void writeTinyGenerator(const QString& folder)
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

/// Largest per-channel difference (RGBA) between two images (-1 when the sizes differ).
inline int maxDifference(const QImage& a, const QImage& b)
{
    if (a.size() != b.size())
        return -1;
    const QImage x = a.convertToFormat(QImage::Format_RGBA8888), y = b.convertToFormat(QImage::Format_RGBA8888);
    int worst = 0;
    for (int row = 0; row < x.height(); ++row) {
        const uchar* p = x.constScanLine(row);
        const uchar* q = y.constScanLine(row);
        for (int i = 0; i < x.width() * 4; ++i)
            worst = std::max(worst, std::abs(int(p[i]) - int(q[i])));
    }
    return worst;
}

} // namespace ganvas::test
