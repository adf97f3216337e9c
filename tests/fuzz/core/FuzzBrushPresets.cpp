// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: a brush presets file (resources/brushes/presets.json or one a user installs) must
// load as brushes or be refused with a message. Every loaded brush must survive a JSON round
// trip unchanged and paint a short stroke on a small canvas, as the brush panel and the canvas
// would use it.
#include "FuzzCoreSupport.h"

#include "core/brush/BrushSettings.h"
#include "core/brush/StrokeSession.h"
#include "core/document/Document.h"

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ganvas::fuzz::initQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace ganvas::core;
    const QString path = ganvas::fuzz::writeInput(QStringLiteral("presets.json"), data, size);
    QString error;
    const QVector<BrushSettings> brushes = loadBrushPresets(path, &error);
    if (brushes.isEmpty())
        return 0; // refused (error set) or an empty list
    for (const BrushSettings& brush : brushes) {
        BrushSettings again;
        QString why;
        if (!BrushSettings::fromJson(brush.toJson(), &again, &why) || again.toJson() != brush.toJson())
            std::abort(); // what we write we must read back
        if (brush.size < 1 || brush.size > 1000 || brush.spacing < 0.01 || !(brush.opacity >= 0))
            std::abort(); // the ranges fromJson promises
    }
    Document doc(QSize(48, 48), Qt::white);
    for (int i = 0; i < brushes.size() && i < 4; ++i) {
        BrushSettings b = brushes[i];
        b.size = std::min(b.size, 64.0); // a 1000 px dab on a 48 px canvas tests nothing more
        StrokeSession stroke(&doc, 0, b, QColor(200, 30, 30), false);
        stroke.begin({{4, 4}, 0.2, 0, 0, 0});
        stroke.moveTo({{40, 20}, 0.7, 30, -20, 8});
        stroke.moveTo({{10, 44}, 1.0, 60, 60, 16});
        stroke.end(QStringLiteral("fuzz"));
    }
    return 0;
}
