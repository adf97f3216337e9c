// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ImageIO.h
/// Reading images a user hands us and writing finished ones. Reads refuse images whose header
/// claims more pixels than the limit before decoding anything; writes are atomic (QSaveFile:
/// written aside, then renamed), so a crash mid-save leaves the old file intact.

#include <QImage>
#include <QMap>
#include <QString>

namespace ganvas::core {

/// The pixel limit for pictures a user hands us, in megapixels of 1024 × 1024 (256: a
/// 16384 × 16384 canvas). Read from the environment variable GANVAS_MAX_MEGAPIXELS when set to
/// a positive whole number (the CLI's --max-megapixels sets it), else from the QSettings key
/// "limits/maxMegapixels" (when a QCoreApplication exists), else 256. Read afresh on every call
/// (a setting changed in the studio applies to the next open). Any thread.
int maxMegapixels();
/// maxMegapixels() in pixels.
qint64 configuredMaxPixels();
/// The QSettings key of the limit.
inline constexpr const char* kMaxMegapixelsKey = "limits/maxMegapixels";

/// Qt's guard against decompression bombs (QImageReader::setAllocationLimit, one setting for the
/// whole process) sized for pictures of up to @p maxPixels. Every decoder of Ganvas sets it for
/// its own limit before it reads, so one with a low limit never constrains the next.
void setDecodeAllocationLimit(qint64 maxPixels);

struct ImageLoadLimits {
    qint64 maxPixels = configuredMaxPixels(); ///< default: the configured limit (256 megapixels)
};

/// Decodes @p path (PNG, JPEG, WebP, TIFF, BMP…). On failure returns a null image and sets
/// @p error to a sentence naming the file and the reason. GUI or worker thread.
QImage loadImage(const QString& path, QString* error, const ImageLoadLimits& limits = {});

/// @p image as PNG bytes (straight ARGB), compressed for speed: layers are big, and the zip or
/// base64 around them gains nothing from slower levels. Keeps @p image's text entries.
QByteArray encodePng(const QImage& image);

/// Writes @p image to @p path atomically; the format follows the suffix. @p quality 0–100 for
/// lossy formats, -1 for the default. Returns false and sets @p error on failure; the old file,
/// if any, is untouched then.
/// @p text goes into the file's text chunks where the format has them (PNG tEXt/iTXt): what
/// made the image, so a result can be reproduced.
bool saveImage(const QImage& image, const QString& path, QString* error, int quality = -1,
               const QMap<QString, QString>& text = {});

} // namespace ganvas::core
