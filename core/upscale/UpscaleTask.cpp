// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/upscale/UpscaleTask.h"

#include "core/engine/nn/Device.h"
#include "core/engine/upscale/Upscaler.h"
#include "core/image/ImageBridge.h"
#include "core/models/ModelCatalogue.h"

#include <QObject>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ganvas::core {

QVector<ModelEntry> installedUpscalers(const QStringList& roots)
{
    ModelCatalogue catalogue;
    catalogue.scan(roots);
    return catalogue.entries(QStringLiteral("upscaler"));
}

QString upscalerInstallHint()
{
    return QObject::tr("No AI upscaler is installed. Run scripts/fetch-models.sh (it fetches the MIT-licensed ESRGAN "
                       "models of @upscalerjs/esrgan-* 1.0.0 from the npm registry into resources/upscalers).");
}

ModelEntry findUpscaler(const QString& variant, int scale, const QStringList& roots)
{
    const QString id = QStringLiteral("esrgan-%1-x%2").arg(variant).arg(scale);
    for (const auto& e : installedUpscalers(roots))
        if (e.id == id)
            return e;
    ModelEntry missing;
    missing.id = id;
    missing.kind = QStringLiteral("upscaler");
    missing.error = QObject::tr("The upscaler %1 is not installed. %2").arg(id, upscalerInstallHint());
    return missing;
}

int upscalerScale(const ModelEntry& upscaler)
{
    if (upscaler.scale >= 1 && upscaler.scale <= 16)
        return upscaler.scale;
    const int at = upscaler.id.lastIndexOf(QLatin1String("-x"));
    const int fromId = at < 0 ? 0 : upscaler.id.mid(at + 2).toInt();
    return fromId >= 1 && fromId <= 16 ? fromId : 4;
}

MemoryEstimate estimateUpscaleMemory(QSize input, int scale, bool alpha, int tileSize)
{
    // Calibration (docs/PERFORMANCE.md): per-tile activations of the ESRGAN networks and what
    // any job adds (allocator pools, thread buffers, weights); the rest is counted exactly.
    constexpr double kTileActivationsPerInputPixel = 11000;
    constexpr double kFixed = 80e6;
    const double w = std::max(0, input.width()), h = std::max(0, input.height()), s = std::max(1, scale);
    const double outPixels = w * s * h * s;
    const double tile = std::min<double>(std::max(16, tileSize), std::max(w, h)) + 2 * 8; // + context
    double bytes = kFixed;
    bytes += outPixels * (alpha ? 4 : 3);                       // the 8-bit result
    if (alpha)
        bytes += outPixels * sizeof(float) * 2;                 // the resampled alpha plane (+ its clamp)
    bytes += w * h * (4 * sizeof(float) + 3 * sizeof(float) + 4 * 2); // float RGBA input, its RGB, 8-bit copies
    bytes += (tile + 16) * s * w * s * 4 * sizeof(float);         // band: RGB sums + weights
    bytes += kTileActivationsPerInputPixel * tile * tile;
    MemoryEstimate e;
    e.bytes = static_cast<int64_t>(bytes);
    e.what = QObject::tr("a %1 × %2 px result%3 and %4 px tiles")
                 .arg(static_cast<qint64>(w * s))
                 .arg(static_cast<qint64>(h * s))
                 .arg(alpha ? QObject::tr(" with alpha") : QString())
                 .arg(static_cast<int>(tile))
                 .toStdString();
    return e;
}

namespace {

/// Verifies and loads the upscaler and converts the picture on the worker, then upscales: none
/// of it on the thread that asked (a GUI thread must not hash weights or build a network).
class LoadAndUpscaleJob final : public engine::Job {
public:
    LoadAndUpscaleJob(ModelEntry model, QImage image, engine::UpscaleOptions options, int scale, QImage* out)
        : m_model(std::move(model)), m_image(std::move(image)), m_options(options), m_scale(scale), m_out(out)
    {
    }
    std::string title() const override
    {
        return "Upscale " + std::to_string(m_scale) + "x (" + m_model.name.toStdString() + "): " +
               std::to_string(m_image.width()) + "x" + std::to_string(m_image.height());
    }
    torch::Device device() const override { return m_options.device; }
    void run(engine::JobContext& ctx) override
    {
        ctx.progress(0, 1, QObject::tr("Loading %1").arg(m_model.name).toStdString());
        ModelCatalogue::requireVerified(m_model); // also refuses an invalid entry, with its error
        auto model = engine::loadUpscaler(m_model.folder.toStdString());
        if (model.scale != m_scale)
            throw std::runtime_error(QObject::tr("%1 enlarges %2×, its configuration says %3×.")
                                         .arg(m_model.id)
                                         .arg(model.scale)
                                         .arg(m_scale)
                                         .toStdString());
        ctx.throwIfCancelled();
        const bool alpha = m_image.hasAlphaChannel();
        engine::UpscaleJob job(std::move(model), imageToTensor(m_image, alpha ? Alpha::Keep : Alpha::Drop), m_options);
        QImage* out = m_out;
        job.setRowWriter([out](int64_t y, const torch::Tensor& rows) {
            // [1,C,n,W] float -> 8-bit rows of the result, rounded to nearest.
            const auto bytes = (rows[0] * 255.0).round().clamp(0, 255).to(torch::kUInt8).permute({1, 2, 0}).contiguous();
            const int n = static_cast<int>(bytes.size(0));
            const size_t rowBytes = static_cast<size_t>(bytes.size(1) * bytes.size(2));
            for (int r = 0; r < n; ++r)
                std::memcpy(out->scanLine(static_cast<int>(y) + r), bytes.data_ptr<uint8_t>() + r * rowBytes, rowBytes);
        });
        job.run(ctx);
    }

private:
    ModelEntry m_model;
    QImage m_image;
    engine::UpscaleOptions m_options;
    int m_scale;
    QImage* m_out;
};

} // namespace

struct UpscaleTask::Private {
    std::shared_ptr<LoadAndUpscaleJob> job;
    QImage out;
    int scale = 4;
};

UpscaleTask::UpscaleTask(const ModelEntry& model, const QImage& image, const QString& precision, const QString& device)
    : d(std::make_unique<Private>())
{
    if (image.isNull())
        throw std::invalid_argument(QObject::tr("There is no picture to upscale.").toStdString());
    if (!model.isValid())
        throw std::runtime_error(model.error.toStdString());
    // The factor from the configuration (the job checks the network agrees): the result's size is
    // known and its memory taken here, the weights are read and verified by the job.
    d->scale = upscalerScale(model);
    const qint64 w = qint64(image.width()) * d->scale, h = qint64(image.height()) * d->scale;
    if (w > 65536 || h > 65536 || w * h > qint64(1) << 30)
        throw std::invalid_argument(QObject::tr("%1 × %2 px is too large to upscale %3× (at most 2^30 output pixels).")
                                        .arg(image.width())
                                        .arg(image.height())
                                        .arg(d->scale)
                                        .toStdString());
    const bool alpha = image.hasAlphaChannel();
    d->out = QImage(static_cast<int>(w), static_cast<int>(h), alpha ? QImage::Format_RGBA8888 : QImage::Format_RGB888);
    if (d->out.isNull())
        throw std::runtime_error(QObject::tr("Not enough memory for a %1 × %2 px result.").arg(w).arg(h).toStdString());
    engine::UpscaleOptions o;
    o.precision = engine::parsePrecision(precision.toStdString());
    o.device = engine::resolveDevice(device.toStdString());
    d->job = std::make_shared<LoadAndUpscaleJob>(model, image, o, d->scale, &d->out);
}

UpscaleTask::~UpscaleTask() = default;

std::shared_ptr<engine::Job> UpscaleTask::job() const
{
    return d->job;
}

int UpscaleTask::scale() const
{
    return d->scale;
}

QImage UpscaleTask::result() const
{
    return d->out;
}

} // namespace ganvas::core
