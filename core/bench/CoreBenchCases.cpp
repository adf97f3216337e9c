// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bench/CoreBenchCases.h"

#include "core/brush/BrushStroke.h"
#include "core/brush/LayerSurface.h"
#include "core/document/Document.h"
#include "core/engine/bench/Bench.h"
#include "core/engine/upscale/Upscaler.h"
#include "core/io/ImageIO.h"
#include "core/io/OraFile.h"
#include "core/models/ModelCatalogue.h"
#include "core/upscale/UpscaleTask.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QPainter>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <vector>

namespace ganvas::core {

namespace {

/// 4096^2 (1024^2 quick) canvas: white background plus 9 layers with some paint on each.
std::unique_ptr<Document> benchDocument(bool quick)
{
    const int edge = quick ? 1024 : 4096;
    auto doc = std::make_unique<Document>(QSize(edge, edge), Qt::white);
    for (int i = 1; i < 10; ++i) {
        QImage img(edge, edge, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::transparent);
        QPainter p(&img);
        p.fillRect(QRect(i * edge / 20, i * edge / 20, edge / 2, edge / 2), QColor(20 * i, 255 - 20 * i, 100, 120));
        p.end();
        doc->addLayer(QStringLiteral("layer %1").arg(i), img);
    }
    doc->setCurrentLayer(5);
    return doc;
}

BrushSettings benchBrush()
{
    BrushSettings b;
    b.size = 64;
    b.hardness = 0.8;
    b.spacing = 0.1;
    b.flow = 0.8;
    b.opacity = 1;
    return b;
}

/// Point @p i of a continuous wavy path, input events @p step pixels apart, bouncing between
/// the canvas edges (no jumps: every event is an ordinary hand movement).
QPointF pathPoint(int i, int edge, double step)
{
    const double span = edge - 400.0;
    const double t = std::fmod(i * step, 2 * span);
    const double x = 200 + (t < span ? t : 2 * span - t);
    const double y = edge / 2.0 + 0.3 * edge * std::sin(i * step / 300.0);
    return {x, y};
}

engine::BenchResult dabThroughput(const engine::BenchOptions& o)
{
    auto doc = benchDocument(o.quick);
    const int edge = doc->size().width();
    const int events = o.quick ? 400 : 2000;
    QElapsedTimer timer;
    timer.start();
    LayerSurface surface(doc.get(), doc->currentLayer());
    BrushStroke stroke(benchBrush(), QColor(30, 60, 200), &surface);
    stroke.begin({pathPoint(0, edge, 20), 1});
    for (int i = 1; i < events; ++i)
        stroke.moveTo({pathPoint(i, edge, 20), 1});
    stroke.end();
    const double seconds = timer.nsecsElapsed() / 1e9;
    surface.commit(QStringLiteral("bench"));
    engine::BenchResult r;
    r.value = stroke.dabCount() / seconds;
    r.unit = "dabs/s";
    r.details["dabs"] = stroke.dabCount();
    r.details["canvas_edge"] = edge;
    r.details["layers"] = doc->layerCount();
    return r;
}

engine::BenchResult eventLatency(const engine::BenchOptions& o)
{
    // What one pointer event costs in the studio: stroke dabs on the current layer, then the
    // dirty area re-composited from all 10 layers into the view's composite image.
    auto doc = benchDocument(o.quick);
    const int edge = doc->size().width();
    QImage composite = doc->composite();
    std::vector<double> ms;
    double firstMs = 0;
    int dabs = 0;
    for (int run = 0; run < 5; ++run) {
        LayerSurface surface(doc.get(), doc->currentLayer());
        BrushStroke stroke(benchBrush(), QColor(200, 40, 40), &surface);
        int i = run * 1000;
        QElapsedTimer t;
        const auto event = [&](bool first) {
            t.start();
            const InputPoint p{pathPoint(i++, edge, 20), 1};
            first ? stroke.begin(p) : stroke.moveTo(p);
            const QRect dirty = surface.takeDirty();
            if (!dirty.isEmpty()) {
                QPainter painter(&composite);
                painter.setCompositionMode(QPainter::CompositionMode_Source);
                painter.drawImage(dirty.topLeft(), doc->render(dirty));
            }
            ms.push_back(t.nsecsElapsed() / 1e6);
            if (ms.size() == 1)
                firstMs = ms.back();
        };
        event(true);
        while (stroke.dabCount() < 200) // a stroke of 200 dabs of 64 px
            event(false);
        stroke.end();
        dabs += stroke.dabCount();
        surface.commit(QStringLiteral("bench"));
    }
    std::sort(ms.begin(), ms.end());
    engine::BenchResult r;
    r.value = ms[ms.size() / 2];
    r.unit = "ms";
    r.higherIsBetter = false;
    r.details["p95_ms"] = ms[ms.size() * 95 / 100];
    r.details["max_ms"] = ms.back();
    r.details["first_event_ms"] = firstMs;
    r.details["events"] = static_cast<double>(ms.size());
    r.details["dabs_per_event"] = double(dabs) / ms.size();
    r.details["canvas_edge"] = edge;
    return r;
}

engine::BenchResult undoMemory(const engine::BenchOptions& o)
{
    auto doc = benchDocument(o.quick);
    const int edge = doc->size().width();
    BrushSettings brush = benchBrush();
    for (int s = 0; s < 100; ++s) {
        LayerSurface surface(doc.get(), doc->currentLayer());
        BrushStroke stroke(brush, QColor(s, 100, 200), &surface);
        const QPointF start(300 + (s % 10) * (edge - 600) / 10.0, 300 + (s / 10) * (edge - 600) / 10.0);
        stroke.begin({start, 1});
        for (int k = 1; k <= 10; ++k)
            stroke.moveTo({start + QPointF(15 * k, 8 * k), 1});
        stroke.end();
        surface.commit(QStringLiteral("bench"));
    }
    engine::BenchResult r;
    r.value = doc->undoBytes() / 100.0 / 1024.0;
    r.unit = "KiB";
    r.higherIsBetter = false;
    r.details["strokes"] = 100;
    r.details["canvas_MiB_per_layer"] = double(edge) * edge * 4 / (1 << 20);
    r.details["undo_total_MiB"] = doc->undoBytes() / double(1 << 20);
    return r;
}

/// Peak resident memory of this process so far, MiB (Linux: VmHWM; resettable through
/// /proc/self/clear_refs so each measurement starts from the current size).
double peakMiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return 0;
}

void resetPeak()
{
    QFile clear(QStringLiteral("/proc/self/clear_refs"));
    if (clear.open(QIODevice::WriteOnly))
        clear.write("5");
}

engine::BenchResult oraSaveLoad(const engine::BenchOptions& o)
{
    auto doc = benchDocument(o.quick);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bench.ora"));
    QString error;
    resetPeak();
    const double base = peakMiB();
    QElapsedTimer t;
    t.start();
    OraSaveTimes phases;
    if (!saveOra(*doc, path, &error, {}, &phases))
        throw std::runtime_error(error.toStdString());
    const double saveSeconds = t.nsecsElapsed() / 1e9;
    const double savePeak = peakMiB() - base;
    const qint64 bytes = QFileInfo(path).size();
    // The encode's parts once more on one core, layer by layer, to say where its time goes:
    // tiles gathered into one image, premultiplied to straight alpha, PNG (zlib level 2).
    double tilesSeconds = 0, convertSeconds = 0, pngSeconds = 0;
    const auto since = [&t] {
        const double s = t.nsecsElapsed() / 1e9;
        t.restart();
        return s;
    };
    for (int i = 0; i < doc->layerCount(); ++i) {
        t.start();
        const QImage image = doc->layer(i).image();
        tilesSeconds += since();
        const QImage straight = image.convertToFormat(QImage::Format_ARGB32);
        convertSeconds += since();
        const QByteArray png = encodePng(straight); // already ARGB32: no second conversion
        pngSeconds += since();
    }
    t.start();
    const QImage merged = doc->composite();
    const double compositeSeconds = since();
    doc.reset();
    resetPeak();
    const double base2 = peakMiB();
    t.start();
    auto back = loadOra(path, &error);
    if (!back)
        throw std::runtime_error(error.toStdString());
    const double loadSeconds = t.nsecsElapsed() / 1e9;
    engine::BenchResult r;
    r.value = saveSeconds;
    r.unit = "s";
    r.higherIsBetter = false;
    r.details["save_s"] = saveSeconds;
    r.details["open_s"] = loadSeconds;
    r.details["save_encode_s"] = phases.encodeSeconds;
    r.details["save_archive_s"] = phases.archiveSeconds;
    r.details["save_sync_s"] = phases.syncSeconds;
    r.details["one_core_tiles_to_image_s"] = tilesSeconds;
    r.details["one_core_unpremultiply_s"] = convertSeconds;
    r.details["one_core_png_s"] = pngSeconds;
    r.details["one_core_composite_s"] = compositeSeconds;
    r.details["save_peak_extra_MiB"] = savePeak;
    r.details["open_peak_extra_MiB"] = peakMiB() - base2;
    r.details["file_MiB"] = bytes / double(1 << 20);
    r.details["layers"] = back->layerCount();
    r.details["canvas_edge"] = back->size().width();
    return r;
}


/// The slim 4x ESRGAN on a deterministic 512^2 picture (128^2 quick), tiled as the studio runs
/// it; the peer (bench_peer.py) runs the original model in TensorFlow.js' CPU backend.
engine::BenchResult upscaleSlim(const engine::BenchOptions& o)
{
    const auto entry = findUpscaler(QStringLiteral("slim"), 4);
    if (entry.folder.isEmpty()) // not installed: skipped; installed but broken: failed
        throw engine::BenchSkipped(entry.error.toStdString());
    if (!entry.isValid())
        throw std::runtime_error(entry.error.toStdString());
    ModelCatalogue::requireVerified(entry);
    auto model = engine::loadUpscaler(entry.folder.toStdString());
    const int64_t side = o.quick ? 128 : 512;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
    // Smooth structure plus noise: a picture, not a constant.
    const auto y = torch::linspace(0, 6.28, side).view({1, 1, side, 1});
    const auto x = torch::linspace(0, 6.28, side).view({1, 1, 1, side});
    const auto image = ((torch::sin(3 * x + torch::cat({y, 2 * y, 3 * y}, 1)) * 0.4 + 0.5) +
                        0.05 * torch::randn({1, 3, side, side}, gen)).clamp(0, 1).contiguous();
    engine::ThreadCountGuard threads(o.threads);
    double seconds = 0;
    engine::UpscaleOptions uo;
    uo.device = o.device;
    seconds = engine::medianSeconds(
        [&] {
            engine::UpscaleJob job(model, image, uo);
            engine::CancelToken token;
            engine::JobContext ctx(token);
            job.run(ctx);
        },
        o.device, 1, 0);
    engine::BenchResult r;
    r.value = seconds;
    r.unit = "s";
    r.higherIsBetter = false;
    r.details["input_side"] = static_cast<double>(side);
    r.details["output_side"] = static_cast<double>(side * 4);
    r.details["gflop_per_s"] = 2.0 * model.net->macsPerInputPixel() * static_cast<double>(side * side) / seconds / 1e9;
    return r;
}

} // namespace

void registerCoreBenchCases(engine::BenchRegistry& registry)
{
    registry.add(engine::makeBenchCase("paint-dabs", "64 px dabs per second on a 4096^2 10-layer canvas (1024^2 quick)", &dabThroughput));
    registry.add(engine::makeBenchCase("paint-event", "input-to-pixels per pointer event, 200-dab strokes of 64 px, 4096^2 x 10 layers (median)",
                          &eventLatency));
    registry.add(engine::makeBenchCase("ora-save-open", "save then open a 10-layer 4096^2 OpenRaster project (value: save seconds)", &oraSaveLoad));
    registry.add(engine::makeBenchCase("upscale-slim-x4",
                                       "ESRGAN slim 4x, 512^2 -> 2048^2 (128^2 quick), tiled; peer: TensorFlow.js CPU backend",
                                       &upscaleSlim));
    registry.add(engine::makeBenchCase("undo-stroke", "undo memory per stroke, 100 strokes on 4096^2 x 10 layers", &undoMemory));
}

} // namespace ganvas::core
