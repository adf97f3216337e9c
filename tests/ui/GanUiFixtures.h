// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GanUiFixtures.h
/// Fixtures the GUI tests of issues #5, #6 and #7 share: a tiny random generator folder, a tiny
/// nearest-neighbour upscaler folder and a pixel comparison. Only the fixture reaches into the
/// engine; the studio sees the generator through the catalogue like any other.

#include <QDir>
#include <QFile>
#include <QImage>
#include <QString>
#include <QtTest>

#include <algorithm>
#include <cstdlib>

namespace ganvas::test {

/// Writes @p bytes to @p path (a failed open fails the calling test).
inline void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
    f.write(bytes);
}

/// An "ESRGAN" upscaler folder <root>/upscalers/esrgan-<variant>-x<scale>/ whose network is one
/// nearest-neighbour UpSampling2D: its result is the input with every pixel repeated scale×scale.
inline void writeNearestUpscaler(const QString& root, const QString& variant, int scale)
{
    const QString id = QStringLiteral("esrgan-%1-x%2").arg(variant).arg(scale);
    const QString folder = root + QStringLiteral("/upscalers/") + id;
    QVERIFY(QDir().mkpath(folder));
    writeFile(folder + QStringLiteral("/config.json"),
              QStringLiteral(R"({"format":1,"id":"%1","name":"Tiny %2x","kind":"upscaler","weights":"model.json",)"
                             R"("license":"MIT","architecture":{"type":"tfjs-layers","scale":%2,)"
                             R"("input_range":[0,255],"output_range":[0,255]}})")
                  .arg(id)
                  .arg(scale)
                  .toUtf8());
    writeFile(folder + QStringLiteral("/model.json"),
              QStringLiteral(
                  R"({"format":"layers-model","modelTopology":{"model_config":{"class_name":"Functional","config":{)"
                  R"("name":"tiny","layers":[)"
                  R"({"class_name":"InputLayer","name":"LR","config":{"name":"LR","batch_input_shape":[null,null,null,3]},)"
                  R"("inbound_nodes":[]},)"
                  R"({"class_name":"UpSampling2D","name":"SR","config":{"name":"SR","size":[%1,%1],"interpolation":"nearest"},)"
                  R"("inbound_nodes":[[["LR",0,0,{}]]]}],)"
                  R"("input_layers":[["LR",0,0]],"output_layers":[["SR",0,0]]}}},)"
                  R"("weightsManifest":[{"paths":[],"weights":[]}]})")
                  .arg(scale)
                  .toUtf8());
}

/// A random (untrained) generator folder: resolution 32, latent 16, 8 channels, id "tiny".
/// Defined in GanUiFixtures.cpp: the one test file of the studio's tests that needs LibTorch's
/// C++ front end, compiled once rather than in every test that includes this header.
void writeTinyGenerator(const QString& folder);

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
