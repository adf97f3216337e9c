// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: opening an OpenRaster file (File > Open, crash recovery's base file) must give a
// document or a "Cannot open input.ora: …" message — never a crash, a hang or an allocation
// beyond the limits. The limits are smaller than the studio's (4 MP, 64 MiB per entry) so the
// fuzzer stays within its memory limit; the code path is the same.
#include "FuzzCoreSupport.h"

#include "core/document/Document.h"
#include "core/io/OraFile.h"

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ganvas::fuzz::initQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace ganvas::core;
    const QString path = ganvas::fuzz::writeInput(QStringLiteral("input.ora"), data, size);
    OraLimits limits;
    limits.maxPixels = 4 << 20;
    limits.maxEntryBytes = 64 << 20;
    limits.maxTotalBytes = 256 << 20;
    limits.maxLayers = 64;
    QString error;
    const auto doc = loadOra(path, &error, limits);
    if (!doc) {
        if (!error.startsWith(QLatin1String("Cannot open input.ora: ")))
            std::abort(); // every refusal names the file
        return 0;
    }
    // What opened must be a usable document: within the limits, and renderable.
    if (doc->layerCount() < 1 || doc->layerCount() > limits.maxLayers ||
        qint64(doc->size().width()) * doc->size().height() > limits.maxPixels)
        std::abort();
    const QImage flat = doc->render(QRect(QPoint(0, 0), doc->size().boundedTo(QSize(64, 64))));
    if (flat.isNull())
        std::abort();
    return 0;
}
