// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/ImageIO.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QSaveFile>
#include <QSettings>
#include <QSysInfo>

#include <png.h>

#include <new>
#include <vector>

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

void setDecodeAllocationLimit(qint64 maxPixels)
{
    // In MB of decoded image (4 bytes a pixel).
    QImageReader::setAllocationLimit(static_cast<int>(qMin<qint64>(maxPixels * 4 / (1024 * 1024) + 1, 1 << 30)));
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
    setDecodeAllocationLimit(limits.maxPixels);
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

namespace {

void pngWrite(png_structp png, png_bytep data, png_size_t size)
{
    try {
        static_cast<QByteArray*>(png_get_io_ptr(png))->append(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    } catch (const std::bad_alloc&) {
        png_error(png, "out of memory"); // no exception may cross libpng's C frames
    }
}

void pngFlush(png_structp) {}

[[noreturn]] void pngFail(png_structp png, png_const_charp)
{
    png_longjmp(png, 1);
}

void pngWarning(png_structp, png_const_charp) {}

/// Appends @p straight (ARGB32) to @p out as an RGBA PNG. Only what was set before setjmp is
/// used after a longjmp (libpng's error path), and no C++ object lives in this frame.
bool writePng(const QImage& straight, std::vector<png_text>& texts, QByteArray* out)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, pngFail, pngWarning);
    if (!png)
        return false;
    png_infop info = png_create_info_struct(png);
    if (!info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return false;
    }
    png_set_write_fn(png, out, pngWrite, pngFlush);
    png_set_IHDR(png, info, static_cast<png_uint_32>(straight.width()), static_cast<png_uint_32>(straight.height()), 8,
                 PNG_COLOR_TYPE_RGB_ALPHA, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_set_compression_level(png, 1);
    if (!texts.empty())
        png_set_text(png, info, texts.data(), static_cast<int>(texts.size()));
    png_write_info(png, info);
    if (QSysInfo::ByteOrder == QSysInfo::LittleEndian)
        png_set_bgr(png); // ARGB32 words are B, G, R, A in memory here
    else
        png_set_swap_alpha(png); // and A, R, G, B there
    for (int y = 0; y < straight.height(); ++y)
        png_write_row(png, straight.constScanLine(y));
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    return true;
}

} // namespace

QByteArray encodePng(const QImage& image)
{
    const QImage straight = image.convertToFormat(QImage::Format_ARGB32);
    if (straight.isNull())
        return {};
    // Written with libpng itself, every row with the Up filter and zlib level 1. Qt's writer
    // lets libpng try all five filters on every row at level 2; on a 4096² layer that took 2.7x
    // (a mostly transparent layer: 0.56 vs 0.19 s; a photo: 0.66 vs 0.24 s) and 1.8x (one drawn
    // over with lines: 1.10 vs 0.60 s) as long, for files 2-7 % larger (the first two) or 9 %
    // smaller (the lines); reading them back took 22 % longer (the transparent layer) to 22 % less
    // (the lines). Issue #18: the .ora save was almost all PNG encoding. Text entries are kept
    // (iTXt, UTF-8).
    const QStringList keys = straight.textKeys();
    std::vector<QByteArray> strings; // alive until png_write_info has copied them
    std::vector<png_text> texts(static_cast<size_t>(keys.size()));
    strings.reserve(texts.size() * 2);
    for (size_t k = 0; k < texts.size(); ++k) {
        const QString& key = keys[static_cast<qsizetype>(k)];
        strings.push_back(key.toLatin1().left(79)); // PNG keywords: Latin-1, 1-79 characters
        strings.push_back(straight.text(key).toUtf8());
        png_text& t = texts[k];
        t = {};
        t.compression = PNG_ITXT_COMPRESSION_NONE;
        t.key = strings[2 * k].data();
        t.text = strings[2 * k + 1].data();
        t.itxt_length = static_cast<size_t>(strings[2 * k + 1].size());
    }
    QByteArray bytes;
    return writePng(straight, texts, &bytes) ? bytes : QByteArray();
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
