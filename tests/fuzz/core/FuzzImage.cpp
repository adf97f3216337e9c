// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: decoding a picture the way the studio does (File > Open, Import, style
// pictures, content folders: core::loadImage over Qt's image plugins) must give an image within
// the pixel limit or a "Cannot open input: …" message. The file has no suffix, so Qt picks the
// decoder from the content (PNG, JPEG, GIF, BMP, WebP, TIFF, … whatever plugins are installed).
#include "FuzzCoreSupport.h"

#include "core/io/ImageIO.h"

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ganvas::fuzz::initQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace ganvas::core;
    const QString path = ganvas::fuzz::writeInput(QStringLiteral("input"), data, size);
    ImageLoadLimits limits;
    limits.maxPixels = 4 << 20;
    QString error;
    QImage image = loadImage(path, &error, limits);
    if (image.isNull()) {
        if (!error.startsWith(QLatin1String("Cannot open input: ")))
            std::abort();
        return 0;
    }
    // Auto-transformed sizes may swap width and height, never grow the area.
    if (qint64(image.width()) * image.height() > limits.maxPixels)
        std::abort();
    // What the canvas does with an opened picture: premultiplied ARGB, every pixel touched.
    image.convertTo(QImage::Format_ARGB32_Premultiplied);
    volatile quint32 sum = 0; // volatile: the reads are the point
    for (int y = 0; y < image.height(); ++y) {
        const auto* line = reinterpret_cast<const quint32*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            sum += line[x];
    }
    return 0;
}
