// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/ExportJob.h"

#include "core/document/Document.h"
#include "core/engine/jobs/Job.h"
#include "core/engine/jobs/JobContext.h"
#include "core/io/ImageIO.h"
#include "core/upscale/UpscaleTask.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <stdexcept>

namespace ganvas::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ExportJob", text);
}

class ExportJob final : public engine::Job {
public:
    ExportJob(const Document& document, ExportOptions options, std::shared_ptr<ExportResult> result)
        : m_layers(document.layers()), m_area(document.rect()), m_options(std::move(options)),
          m_result(std::move(result))
    {
    }
    std::string title() const override
    {
        return tr("Export %1").arg(QFileInfo(m_options.path).fileName()).toStdString();
    }
    std::string queue() const override { return "io"; }
    void run(engine::JobContext& ctx) override
    {
        const bool upscale = !m_options.upscaler.id.isEmpty();
        const int parts = upscale ? 3 : 2;
        ctx.progress(0, parts, tr("Compositing").toStdString());
        // The snapshot shares tiles with the live document (copy-on-write): painting on while
        // this runs changes nothing here.
        QImage image = Document::renderLayers(m_layers, m_area);
        ctx.throwIfCancelled();
        QMap<QString, QString> text = m_options.text;
        int factor = 0;
        if (upscale) {
            const QImage input = m_options.upscaleInput.isValid() && m_options.upscaleInput != image.size()
                                     ? image.scaled(m_options.upscaleInput, Qt::IgnoreAspectRatio,
                                                    Qt::SmoothTransformation)
                                     : image;
            UpscaleTask task(m_options.upscaler, input, m_options.precision, m_options.device);
            ctx.throwIfCancelled();
            task.job()->run(ctx); // its own progress: the tiles
            image = task.result();
            factor = task.scale();
            // Where the upscaled pixels came from, next to the rest of the provenance.
            QJsonObject provenance =
                QJsonDocument::fromJson(text.value(QStringLiteral("GanvasProvenance")).toUtf8()).object();
            provenance[QStringLiteral("upscaler")] = QJsonObject{{"id", m_options.upscaler.id}, {"scale", factor}};
            text[QStringLiteral("GanvasProvenance")] =
                QString::fromUtf8(QJsonDocument(provenance).toJson(QJsonDocument::Compact));
            text[QStringLiteral("GanvasUpscaler")] = m_options.upscaler.id;
        }
        ctx.throwIfCancelled();
        ctx.progress(parts - 1, parts, tr("Writing %1").arg(QFileInfo(m_options.path).fileName()).toStdString());
        if (m_options.size.isValid() && m_options.size != image.size())
            image = image.scaled(m_options.size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        ctx.throwIfCancelled(); // the last moment nothing is written yet
        QString error;
        if (!saveImage(image, m_options.path, &error, m_options.quality, text))
            throw std::runtime_error(error.toStdString());
        m_result->size = image.size();
        m_result->upscaled = factor;
        ctx.progress(parts, parts, {});
    }

private:
    QVector<Layer> m_layers;
    QRect m_area;
    ExportOptions m_options;
    std::shared_ptr<ExportResult> m_result;
};

} // namespace

std::shared_ptr<engine::Job> makeExportJob(const Document& document, ExportOptions options,
                                           std::shared_ptr<ExportResult> result)
{
    return std::make_shared<ExportJob>(document, std::move(options), std::move(result));
}

} // namespace ganvas::core
