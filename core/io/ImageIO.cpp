// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/ImageIO.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QSaveFile>
#include <QSettings>

namespace ganvas::core {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("ImageIO", text);
}
} // namespace

int maxMegapixels()
{
    constexpr int kDefault = 256;
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("GANVAS_MAX_MEGAPIXELS", &ok);
    if (ok && fromEnv > 0)
        return fromEnv;
    if (!QCoreApplication::instance()) // no application, no settings (fuzz targets, early start-up)
        return kDefault;
    const int fromSettings = QSettings().value(QLatin1String(kMaxMegapixelsKey), kDefault).toInt(&ok);
    return ok && fromSettings > 0 ? qMin(fromSettings, 1 << 20) : kDefault;
}

qint64 configuredMaxPixels()
{
    return qint64(maxMegapixels()) * 1024 * 1024;
}

QImage loadImage(const QString& path, QString* error, const ImageLoadLimits& limits)
{
    const QString name = QFileInfo(path).fileName();
    if (!QFileInfo(path).isFile()) {
        *error = tr("Cannot open %1: no such file.").arg(name);
        return {};
    }
    QImageReader reader(path);
    reader.setAutoTransform(true);
    // Qt's own guard against decompression bombs, in MB of decoded image.
    reader.setAllocationLimit(static_cast<int>(qMin<qint64>(limits.maxPixels * 4 / (1024 * 1024) + 1, 1 << 30)));
    const QSize size = reader.size();
    if (size.isValid() && qint64(size.width()) * size.height() > limits.maxPixels) {
        *error = tr("Cannot open %1: it is %2 x %3 pixels, more than the %4 megapixel limit (setting "
                    "limits/maxMegapixels, or GANVAS_MAX_MEGAPIXELS).")
                     .arg(name)
                     .arg(size.width())
                     .arg(size.height())
                     .arg(limits.maxPixels / (1024 * 1024));
        return {};
    }
    QImage image = reader.read();
    if (image.isNull()) {
        *error = tr("Cannot open %1: %2.").arg(name, reader.errorString());
        return {};
    }
    // Some headers give no usable size (fuzzing found a BMP with a negative height: 8 x 526081
    // pixels decoded past the 4 MP limit, bounded only by the allocation limit), so check again.
    if (qint64(image.width()) * image.height() > limits.maxPixels) {
        *error = tr("Cannot open %1: it is %2 x %3 pixels, more than the %4 megapixel limit.")
                     .arg(name)
                     .arg(image.width())
                     .arg(image.height())
                     .arg(limits.maxPixels / (1024 * 1024));
        return {};
    }
    return image;
}

QByteArray encodePng(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, "png");
    // Qt's PNG writer maps quality q to zlib level (100 - q) * 9 / 91 (q >= 90 stores raw):
    // 75 gives level 2, fast for big layers and still small for flat areas.
    writer.setQuality(75);
    writer.write(image.convertToFormat(QImage::Format_ARGB32));
    return bytes;
}

bool saveImage(const QImage& image, const QString& path, QString* error, int quality, const QMap<QString, QString>& text)
{
    const QString name = QFileInfo(path).fileName();
    const QByteArray format = QFileInfo(path).suffix().toLower().toLatin1();
    if (!QImageWriter::supportedImageFormats().contains(format)) {
        *error = tr("Cannot save %1: the format \"%2\" is not supported.").arg(name, QString::fromLatin1(format));
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot save %1: %2.").arg(name, file.errorString());
        return false;
    }
    QImageWriter writer(&file, format);
    if (quality >= 0)
        writer.setQuality(quality);
    for (auto it = text.cbegin(); it != text.cend(); ++it)
        writer.setText(it.key(), it.value());
    if (!writer.write(image)) {
        file.cancelWriting();
        *error = tr("Cannot save %1: %2.").arg(name, writer.errorString());
        return false;
    }
    if (!file.commit()) {
        *error = tr("Cannot save %1: %2.").arg(name, file.errorString());
        return false;
    }
    return true;
}

} // namespace ganvas::core
