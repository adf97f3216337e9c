// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the GAN dataset's decoder (core::prepareGanDataset over a folder holding just the
// input): OpenCV's imread, with JPEG reduced-scale decoding and EXIF orientation, falling back to
// Qt's readers; then crop, 8-bit RGB conversion and resize. It must give a [1,3,8,8] tensor or
// a std::runtime_error that lists the file as unreadable or too small — never a crash.
// OpenCV's own pixel limit is lowered to 4 MP (OPENCV_IO_MAX_IMAGE_PIXELS) and inputs whose
// header Qt reads as larger are skipped, so the fuzzer stays within its memory limit.
#include "FuzzCoreSupport.h"

#include "core/gan/GanDataset.h"

#include <QImageReader>

#include <stdexcept>

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ::setenv("OPENCV_IO_MAX_IMAGE_PIXELS", "4194304", 1); // read once, on OpenCV's first decode
    ganvas::fuzz::initQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace ganvas::core;
    const QString path = ganvas::fuzz::writeInput(QStringLiteral("gan/input"), data, size);
    const QSize header = QImageReader(path).size();
    if (header.isValid() && qint64(header.width()) * header.height() > (4 << 20))
        return 0;
    GanDatasetOptions options;
    options.resolution = 8;
    options.minImages = 1;
    options.cacheDir = QStringLiteral("-");
    options.crop = (size & 1) ? QStringLiteral("random") : QStringLiteral("centre"); // both crops
    GanDatasetReport report;
    try {
        const torch::Tensor t = prepareGanDataset(ganvas::fuzz::scratchDir() + QStringLiteral("/gan"), options, &report);
        if (t.dim() != 4 || t.size(0) != 1 || t.size(1) != 3 || t.size(2) != 8 || t.size(3) != 8 ||
            t.scalar_type() != torch::kUInt8 || report.images != 1)
            std::abort();
    } catch (const std::runtime_error&) {
        if (report.files != 1 || report.images != 0 || report.unreadable.size() + report.tooSmall.size() != 1)
            std::abort(); // refused, and the report says why
    }
    return 0;
}
