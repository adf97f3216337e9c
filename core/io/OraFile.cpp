// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/OraFile.h"

#include "core/app/RuntimeReport.h"
#include "core/document/Document.h"
#include "core/engine/jobs/Job.h"
#include "core/io/ImageIO.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QPainter>
#include <QThread>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

#include <zip.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <deque>
#include <future>
#include <vector>

namespace ganvas::core {

namespace {
/// fsync() of a file or folder by path; false (errno set) when it cannot be opened or synced.
bool syncFile(const QString& path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::fsync(fd) == 0;
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return ok;
}
} // namespace

namespace {

const char kMime[] = "image/openraster";
const char kGanvasNs[] = "urn:ganvas:ora:1";

QString tr(const char* text)
{
    return QCoreApplication::translate("OraFile", text);
}

/// Owns a zip_t and discards it unless closed.
struct ZipHandle {
    zip_t* z = nullptr;
    ~ZipHandle()
    {
        if (z)
            zip_discard(z);
    }
};

/// A read-only view of the archive with the limits applied.
class OraReader {
public:
    OraReader(zip_t* z, const OraLimits& limits) : m_z(z), m_limits(limits) {}

    /// The decompressed bytes of entry @p name, or an error.
    bool read(const QString& name, QByteArray* out, QString* error)
    {
        if (name.isEmpty() || name.startsWith(QLatin1Char('/')) || name.contains(QLatin1String("..")) ||
            name.contains(QLatin1Char('\\'))) {
            *error = tr("the entry name \"%1\" is not allowed").arg(name);
            return false;
        }
        zip_stat_t st;
        zip_stat_init(&st);
        const QByteArray utf8 = name.toUtf8();
        if (zip_stat(m_z, utf8.constData(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE)) {
            *error = tr("the archive has no entry \"%1\"").arg(name);
            return false;
        }
        if (qint64(st.size) > m_limits.maxEntryBytes || m_total + qint64(st.size) > m_limits.maxTotalBytes) {
            *error = tr("the entry \"%1\" would unpack to %2 MB, more than allowed (a zip bomb?)")
                         .arg(name)
                         .arg(qint64(st.size) >> 20);
            return false;
        }
        zip_file_t* f = zip_fopen(m_z, utf8.constData(), 0);
        if (!f) {
            *error = tr("cannot read the entry \"%1\": %2").arg(name, QString::fromUtf8(zip_strerror(m_z)));
            return false;
        }
        out->resize(qsizetype(st.size));
        const zip_int64_t got = st.size ? zip_fread(f, out->data(), st.size) : 0;
        zip_fclose(f);
        if (got != zip_int64_t(st.size)) {
            *error = tr("the entry \"%1\" is damaged (read %2 of %3 bytes)").arg(name).arg(got).arg(st.size);
            return false;
        }
        m_total += qint64(st.size);
        return true;
    }

    bool readImage(const QString& name, QImage* out, QString* error)
    {
        QByteArray bytes;
        if (!read(name, &bytes, error))
            return false;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::ReadOnly);
        QImageReader reader(&buffer);
        setDecodeAllocationLimit(m_limits.maxPixels);
        const QSize size = reader.size();
        if (!size.isValid() || qint64(size.width()) * size.height() > m_limits.maxPixels) {
            *error = tr("the image \"%1\" is %2 x %3 pixels, not a valid size within the limit")
                         .arg(name)
                         .arg(size.width())
                         .arg(size.height());
            return false;
        }
        *out = reader.read();
        if (out->isNull()) {
            *error = tr("the image \"%1\" cannot be decoded: %2").arg(name, reader.errorString());
            return false;
        }
        return true;
    }

private:
    zip_t* m_z;
    OraLimits m_limits;
    qint64 m_total = 0;
};

struct StackEntry {
    QString name, src, mask, compositeOp;
    int x = 0, y = 0;
    qreal opacity = 1;
    bool visible = true, locked = false;
};

bool parseStack(const QByteArray& xml, QSize* size, int* dpi, QVector<StackEntry>* entries, const OraLimits& limits,
                QString* error)
{
    QXmlStreamReader r(xml);
    bool sawImage = false;
    while (!r.atEnd()) {
        r.readNext();
        if (!r.isStartElement())
            continue;
        const auto a = r.attributes();
        if (r.name() == QLatin1String("image")) {
            bool okW = false, okH = false;
            *size = QSize(a.value(QLatin1String("w")).toInt(&okW), a.value(QLatin1String("h")).toInt(&okH));
            if (!okW || !okH || size->width() < 1 || size->height() < 1 || size->width() > Document::kMaxEdge ||
                size->height() > Document::kMaxEdge || qint64(size->width()) * size->height() > limits.maxPixels) {
                *error = tr("stack.xml gives an invalid image size %1 x %2")
                             .arg(a.value(QLatin1String("w")).toString(), a.value(QLatin1String("h")).toString());
                return false;
            }
            sawImage = true;
            const int xres = a.value(QLatin1String("xres")).toInt();
            if (xres > 0)
                *dpi = xres;
        } else if (r.name() == QLatin1String("layer")) {
            if (entries->size() >= limits.maxLayers) {
                *error = tr("more than %1 layers").arg(limits.maxLayers);
                return false;
            }
            StackEntry e;
            e.name = a.value(QLatin1String("name")).toString();
            e.src = a.value(QLatin1String("src")).toString();
            e.x = a.value(QLatin1String("x")).toInt();
            e.y = a.value(QLatin1String("y")).toInt();
            const auto opacity = a.value(QLatin1String("opacity"));
            e.opacity = opacity.isEmpty() ? 1.0 : qBound(0.0, opacity.toDouble(), 1.0);
            e.visible = a.value(QLatin1String("visibility")) != QLatin1String("hidden");
            e.locked = a.value(QLatin1String("edit-locked")) == QLatin1String("true");
            e.compositeOp = a.value(QLatin1String("composite-op")).toString();
            e.mask = a.value(QLatin1String(kGanvasNs), QLatin1String("mask")).toString();
            if (e.src.isEmpty()) {
                *error = tr("a layer in stack.xml has no src");
                return false;
            }
            entries->push_back(e);
        }
    }
    if (r.hasError()) {
        *error = tr("stack.xml is not valid XML (%1, line %2)").arg(r.errorString()).arg(r.lineNumber());
        return false;
    }
    if (!sawImage) {
        *error = tr("stack.xml has no <image> element");
        return false;
    }
    if (entries->isEmpty()) {
        *error = tr("stack.xml lists no layers");
        return false;
    }
    return true;
}

/// @p image placed at (x, y) on a transparent canvas of @p size, as tiles.
TileGrid placeOnCanvas(const QImage& image, QSize size, int x, int y)
{
    TileGrid grid(size);
    if (x == 0 && y == 0 && image.size() == size) {
        grid.fromImage(image);
        return grid;
    }
    QImage canvas(size, QImage::Format_ARGB32_Premultiplied);
    canvas.fill(Qt::transparent);
    QPainter p(&canvas);
    p.setCompositionMode(QPainter::CompositionMode_Source);
    p.drawImage(x, y, image);
    p.end();
    grid.fromImage(canvas);
    return grid;
}

} // namespace

std::unique_ptr<Document> loadOra(const QString& path, QString* error, const OraLimits& limits,
                                  const std::function<void(int, int)>& progress)
{
    const QString file = QFileInfo(path).fileName();
    const auto fail = [&](const QString& why) {
        *error = tr("Cannot open %1: %2.").arg(file, why);
        return nullptr;
    };
    int zerr = 0;
    ZipHandle zip;
    zip.z = zip_open(QFile::encodeName(path).constData(), ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!zip.z) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        const QString why = QString::fromUtf8(zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return fail(tr("not a readable OpenRaster archive (%1)").arg(why));
    }
    const char* first = zip_get_name(zip.z, 0, 0);
    if (!first || qstrcmp(first, "mimetype") != 0)
        return fail(tr("the archive does not start with an OpenRaster mimetype"));
    OraReader reader(zip.z, limits);
    QByteArray mime;
    QString why;
    if (!reader.read(QStringLiteral("mimetype"), &mime, &why) || mime.trimmed() != kMime)
        return fail(why.isEmpty() ? tr("the mimetype is \"%1\", not %2").arg(QString::fromUtf8(mime.left(64)), kMime) : why);
    QByteArray xml;
    if (!reader.read(QStringLiteral("stack.xml"), &xml, &why))
        return fail(why);
    QSize size;
    QVector<StackEntry> entries;
    int dpi = 72;
    if (!parseStack(xml, &size, &dpi, &entries, limits, &why))
        return fail(why);

    QVector<Layer> layers;
    const int total = static_cast<int>(entries.size());
    for (auto it = entries.crbegin(); it != entries.crend(); ++it) { // stack.xml lists the top first
        if (progress)
            progress(static_cast<int>(layers.size()), total);
        QImage image;
        if (!reader.readImage(it->src, &image, &why))
            return fail(why);
        Layer layer;
        layer.name = it->name.isEmpty() ? QFileInfo(it->src).completeBaseName() : it->name;
        layer.pixels = placeOnCanvas(image, size, it->x, it->y);
        layer.opacity = it->opacity;
        layer.visible = it->visible;
        layer.locked = it->locked;
        bool known = true;
        layer.blend = it->compositeOp.isEmpty() ? BlendMode::Normal : blendModeFromId(it->compositeOp, &known);
        if (!it->mask.isEmpty()) {
            QImage mask;
            if (!reader.readImage(it->mask, &mask, &why))
                return fail(why);
            layer.hasMask = true;
            layer.mask = placeOnCanvas(mask, size, it->x, it->y);
        }
        layers.push_back(layer);
    }
    if (progress)
        progress(total, total);
    auto doc = std::make_unique<Document>(size, layers);
    doc->setFilePath(path);
    doc->setDpi(dpi);
    return doc;
}

bool saveOra(const Document& document, const QString& path, QString* error, const std::function<void(int, int)>& progress,
             OraSaveTimes* times)
{
    QElapsedTimer clock;
    clock.start();
    const auto lap = [&](double OraSaveTimes::*field) {
        if (times)
            times->*field = clock.nsecsElapsed() / 1e9;
        clock.restart();
    };
    const int parts = document.layerCount() + 1; // each layer, then the merged image
    const auto step = [&](int done) {
        if (progress)
            progress(done, parts);
    };
    step(0);
    const QString file = QFileInfo(path).fileName();
    std::deque<QByteArray> buffers; // must outlive zip_close: libzip reads them then
    QByteArray xml;
    QXmlStreamWriter w(&xml);
    w.setAutoFormatting(true);
    w.writeStartDocument();
    w.writeNamespace(QLatin1String(kGanvasNs), QStringLiteral("ganvas"));
    w.writeStartElement(QStringLiteral("image"));
    w.writeAttribute(QStringLiteral("version"), QStringLiteral("0.0.5"));
    w.writeAttribute(QStringLiteral("w"), QString::number(document.size().width()));
    w.writeAttribute(QStringLiteral("h"), QString::number(document.size().height()));
    w.writeAttribute(QStringLiteral("xres"), QString::number(document.dpi()));
    w.writeAttribute(QStringLiteral("yres"), QString::number(document.dpi()));
    w.writeStartElement(QStringLiteral("stack"));
    // The PNG encodes are the save's cost (a 4096² layer takes most of a second): they run on
    // every core, in stack order, and progress moves as each layer is done, in order.
    struct Encoded {
        QByteArray image, mask; // for the merged part: the merged image and the thumbnail
    };
    std::vector<std::function<Encoded()>> tasks;
    QVector<QPair<QString, QString>> names; // (layer src, mask src or empty), top layer first
    for (int i = document.layerCount() - 1; i >= 0; --i) {
        const Layer& layer = document.layer(i);
        const QString src = QStringLiteral("data/layer%1.png").arg(i);
        const QString mask = layer.hasMask ? QStringLiteral("data/mask%1.png").arg(i) : QString();
        names.push_back({src, mask});
        tasks.push_back([&layer] {
            Encoded e;
            e.image = encodePng(layer.image());
            if (layer.hasMask)
                e.mask = encodePng(layer.mask.toImage());
            return e;
        });
        w.writeStartElement(QStringLiteral("layer"));
        w.writeAttribute(QStringLiteral("name"), layer.name);
        w.writeAttribute(QStringLiteral("src"), src);
        w.writeAttribute(QStringLiteral("x"), QStringLiteral("0"));
        w.writeAttribute(QStringLiteral("y"), QStringLiteral("0"));
        w.writeAttribute(QStringLiteral("opacity"), QString::number(layer.opacity, 'g', 6));
        w.writeAttribute(QStringLiteral("visibility"), layer.visible ? QStringLiteral("visible") : QStringLiteral("hidden"));
        w.writeAttribute(QStringLiteral("composite-op"), blendModeId(layer.blend));
        if (layer.locked)
            w.writeAttribute(QStringLiteral("edit-locked"), QStringLiteral("true"));
        if (layer.hasMask)
            w.writeAttribute(QLatin1String(kGanvasNs), QStringLiteral("mask"), mask);
        w.writeEndElement();
    }
    w.writeEndElement();
    w.writeEndElement();
    w.writeEndDocument();
    tasks.push_back([&document] {
        const QImage merged = document.composite();
        QImage mergedWithText = merged.convertToFormat(QImage::Format_ARGB32);
        mergedWithText.setText(QStringLiteral("Software"), QStringLiteral("Ganvas %1").arg(ganvasVersion()));
        return Encoded{encodePng(mergedWithText),
                       encodePng(merged.scaled(256, 256, Qt::KeepAspectRatio, Qt::SmoothTransformation))};
    });

    std::vector<Encoded> encoded(tasks.size());
    {
        const size_t workers = static_cast<size_t>(std::max(1, QThread::idealThreadCount()));
        std::deque<std::future<Encoded>> running; // a throwing step() waits for these to end
        size_t next = 0;
        for (size_t k = 0; k < tasks.size(); ++k) {
            while (next < tasks.size() && running.size() < workers)
                running.push_back(std::async(std::launch::async, tasks[next++]));
            encoded[k] = running.front().get();
            running.pop_front();
            step(static_cast<int>(k) + 1 == parts ? parts - 1 : static_cast<int>(k) + 1);
        }
    }
    lap(&OraSaveTimes::encodeSeconds);
    QVector<QPair<QString, QByteArray*>> entries;
    for (int k = 0; k < names.size(); ++k) {
        buffers.push_back(std::move(encoded[static_cast<size_t>(k)].image));
        entries.push_back({names[k].first, &buffers.back()});
        if (!names[k].second.isEmpty()) {
            buffers.push_back(std::move(encoded[static_cast<size_t>(k)].mask));
            entries.push_back({names[k].second, &buffers.back()});
        }
    }
    buffers.push_back(std::move(encoded.back().image));
    QByteArray* mergedBytes = &buffers.back();
    buffers.push_back(std::move(encoded.back().mask));
    QByteArray* thumbBytes = &buffers.back();
    buffers.push_back(QByteArray(kMime));
    QByteArray* mimeBytes = &buffers.back();
    buffers.push_back(xml);
    QByteArray* xmlBytes = &buffers.back();

    // Written aside, flushed to disk, then renamed over the old file: a crash or power cut at any
    // moment leaves the previous project or the new one, never a torn archive (issue #7).
    const QString temporary = QFileInfo(path).dir().filePath(QStringLiteral(".%1.ganvas-saving").arg(file));
    int zerr = 0;
    ZipHandle zip;
    zip.z = zip_open(QFile::encodeName(temporary).constData(), ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    const auto fail = [&](const QString& why) {
        *error = tr("Cannot save %1: %2.").arg(file, why);
        return false;
    };
    if (!zip.z)
        return fail(tr("cannot create the file"));
    const auto add = [&](const QString& name, const QByteArray* data, bool store) {
        zip_source_t* source = zip_source_buffer(zip.z, data->constData(), zip_uint64_t(data->size()), 0);
        if (!source)
            return false;
        const zip_int64_t index = zip_file_add(zip.z, name.toUtf8().constData(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        if (index < 0) {
            zip_source_free(source);
            return false;
        }
        // PNGs are already compressed: store them instead of deflating them again.
        return zip_set_file_compression(zip.z, zip_uint64_t(index), store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) == 0;
    };
    bool ok = add(QStringLiteral("mimetype"), mimeBytes, true) && add(QStringLiteral("stack.xml"), xmlBytes, false);
    for (const auto& [name, data] : entries)
        ok = ok && add(name, data, true);
    ok = ok && add(QStringLiteral("mergedimage.png"), mergedBytes, true) &&
         add(QStringLiteral("Thumbnails/thumbnail.png"), thumbBytes, true);
    if (!ok)
        return fail(QString::fromUtf8(zip_strerror(zip.z)));
    if (zip_close(zip.z) != 0)
        return fail(QString::fromUtf8(zip_strerror(zip.z)));
    zip.z = nullptr;
    lap(&OraSaveTimes::archiveSeconds);
    if (!syncFile(temporary) || ::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0) {
        const QString why = QString::fromLocal8Bit(std::strerror(errno));
        QFile::remove(temporary);
        return fail(why);
    }
    syncFile(QFileInfo(path).absolutePath()); // the rename itself
    lap(&OraSaveTimes::syncSeconds);
    step(parts);
    return true;
}

namespace {

class OraSaveJob final : public engine::Job {
public:
    OraSaveJob(const Document& document, QString path, std::shared_ptr<QString> error)
        : m_size(document.size()), m_dpi(document.dpi()), m_layers(document.layers()), m_path(std::move(path)),
          m_error(std::move(error))
    {
    }
    std::string title() const override
    {
        return QCoreApplication::translate("OraFile", "Save %1").arg(QFileInfo(m_path).fileName()).toStdString();
    }
    std::string queue() const override { return "io"; }
    void run(engine::JobContext& ctx) override
    {
        // The snapshot shares tiles with the live document (copy-on-write), so painting on
        // while this runs changes nothing here.
        Document snapshot(m_size, m_layers);
        snapshot.setDpi(m_dpi);
        QString error;
        const bool ok = saveOra(snapshot, m_path, &error, [&](int done, int total) {
            ctx.throwIfCancelled();
            ctx.progress(done, total, QCoreApplication::translate("OraFile", "Writing layers").toStdString());
        });
        *m_error = error;
        if (!ok)
            throw std::runtime_error(error.toStdString());
    }

private:
    QSize m_size;
    int m_dpi;
    QVector<Layer> m_layers;
    QString m_path;
    std::shared_ptr<QString> m_error;
};

} // namespace

namespace {

class OraLoadJob final : public engine::Job {
public:
    OraLoadJob(QString path, std::shared_ptr<OraLoadResult> result, const OraLimits& limits)
        : m_path(std::move(path)), m_result(std::move(result)), m_limits(limits), m_owner(QThread::currentThread())
    {
    }
    std::string title() const override
    {
        return QCoreApplication::translate("OraFile", "Open %1").arg(QFileInfo(m_path).fileName()).toStdString();
    }
    std::string queue() const override { return "io"; }
    void run(engine::JobContext& ctx) override
    {
        QString error;
        // Cancel lands between layers: one layer's decode is the longest wait (docs/PERFORMANCE.md).
        std::unique_ptr<Document> document = loadOra(m_path, &error, m_limits, [&](int done, int total) {
            ctx.throwIfCancelled();
            ctx.progress(done, total, QCoreApplication::translate("OraFile", "Reading layers").toStdString());
        });
        if (!document)
            throw std::runtime_error(error.toStdString());
        ctx.throwIfCancelled();
        document->moveToThread(m_owner); // a QObject made here: hand it to the thread that asked
        m_result->document = std::move(document);
    }

private:
    QString m_path;
    std::shared_ptr<OraLoadResult> m_result;
    OraLimits m_limits;
    QThread* m_owner;
};

} // namespace

std::shared_ptr<engine::Job> makeOraLoadJob(const QString& path, std::shared_ptr<OraLoadResult> result,
                                            const OraLimits& limits)
{
    return std::make_shared<OraLoadJob>(path, std::move(result), limits);
}

std::shared_ptr<engine::Job> makeOraSaveJob(const Document& document, const QString& path, std::shared_ptr<QString> error)
{
    return std::make_shared<OraSaveJob>(document, path, std::move(error));
}

} // namespace ganvas::core
