// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/upscale/UpscaleTask.h"

#include "core/engine/nn/Device.h"
#include "core/engine/upscale/Upscaler.h"
#include "core/image/ImageBridge.h"

#include <QObject>

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

struct UpscaleTask::Private {
    std::shared_ptr<engine::UpscaleJob> job;
    QImage out;
};

UpscaleTask::UpscaleTask(const ModelEntry& model, const QImage& image, const QString& precision, const QString& device)
    : d(std::make_unique<Private>())
{
    if (!model.isValid())
        throw std::runtime_error(model.error.toStdString());
    if (image.isNull())
        throw std::invalid_argument(QObject::tr("There is no picture to upscale.").toStdString());
    auto m = engine::loadUpscaler(model.folder.toStdString());
    const qint64 w = image.width() * m.scale, h = image.height() * m.scale;
    if (w > 65536 || h > 65536 || w * h > qint64(1) << 30)
        throw std::invalid_argument(QObject::tr("%1 × %2 px is too large to upscale %3× (at most 2^30 output pixels).")
                                        .arg(image.width())
                                        .arg(image.height())
                                        .arg(m.scale)
                                        .toStdString());
    const bool alpha = image.hasAlphaChannel();
    d->out = QImage(static_cast<int>(w), static_cast<int>(h), alpha ? QImage::Format_RGBA8888 : QImage::Format_RGB888);
    if (d->out.isNull())
        throw std::runtime_error(QObject::tr("Not enough memory for a %1 × %2 px result.").arg(w).arg(h).toStdString());
    engine::UpscaleOptions o;
    o.precision = engine::parsePrecision(precision.toStdString());
    o.device = engine::resolveDevice(device.toStdString());
    d->job = std::make_shared<engine::UpscaleJob>(std::move(m), imageToTensor(image, alpha ? Alpha::Keep : Alpha::Drop), o);
    QImage* out = &d->out;
    d->job->setRowWriter([out](int64_t y, const torch::Tensor& rows) {
        // [1,C,n,W] float -> 8-bit rows of the result, rounded to nearest.
        const auto bytes = (rows[0] * 255.0).round().clamp(0, 255).to(torch::kUInt8).permute({1, 2, 0}).contiguous();
        const int n = static_cast<int>(bytes.size(0));
        const size_t rowBytes = static_cast<size_t>(bytes.size(1) * bytes.size(2));
        for (int r = 0; r < n; ++r)
            std::memcpy(out->scanLine(static_cast<int>(y) + r), bytes.data_ptr<uint8_t>() + r * rowBytes, rowBytes);
    });
}

UpscaleTask::~UpscaleTask() = default;

std::shared_ptr<engine::Job> UpscaleTask::job() const
{
    return d->job;
}

int UpscaleTask::scale() const
{
    return static_cast<int>(d->job->model().scale);
}

QImage UpscaleTask::result() const
{
    return d->out;
}

} // namespace ganvas::core
