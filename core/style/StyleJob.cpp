// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/style/StyleJob.h"

#include "core/document/Document.h"
#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/Device.h"
#include "core/engine/style/StyleTrainer.h"
#include "core/engine/style/TransformerNet.h"
#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"
#include "core/settings/ComputeSettings.h"
#include "core/style/ClassicStyles.h"
#include "core/style/ContentImages.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <stdexcept>

namespace ganvas::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("StyleJob", text);
}

torch::Tensor loadStyleImage(const ModelEntry& entry)
{
    if (entry.styleImage.isEmpty())
        throw std::runtime_error(tr("style '%1' has no style image to optimise against").arg(entry.name).toStdString());
    QString error;
    const QImage image = loadImage(entry.styleImage, &error);
    if (image.isNull())
        throw std::runtime_error(error.toStdString());
    return imageToTensor(image, Alpha::Drop);
}

nlohmann::json architectureOf(const ModelEntry& entry)
{
    const auto config = engine::loadModelConfig(entry.folder.toStdString());
    return config.architecture;
}

} // namespace

bool parseStyleMethod(const QString& text, StyleMethod* method)
{
    if (text == QLatin1String("auto"))
        *method = StyleMethod::Auto;
    else if (text == QLatin1String("network"))
        *method = StyleMethod::Network;
    else if (text == QLatin1String("optimisation") || text == QLatin1String("gatys"))
        *method = StyleMethod::Optimisation;
    else if (text == QLatin1String("classic"))
        *method = StyleMethod::Classic;
    else
        return false;
    return true;
}

StyleMethod defaultMethod(const ModelEntry& style)
{
    if (style.architecture == QLatin1String("opencv"))
        return StyleMethod::Classic;
    if (style.architecture == QLatin1String("gatys"))
        return StyleMethod::Optimisation;
    return StyleMethod::Network;
}

StyleJob::StyleJob(StyleRequest request)
    : m_request(std::move(request)), m_device(engine::resolveDevice(m_request.device.toStdString()))
{
    const bool fromLayers = !m_request.layers.isEmpty();
    if (fromLayers && (m_request.area.isEmpty() || m_request.layer >= m_request.layers.size()))
        throw std::invalid_argument(tr("nothing to stylise (empty area)").toStdString());
    if (!fromLayers && m_request.content.isNull())
        throw std::invalid_argument(tr("nothing to stylise (empty image)").toStdString());
    const QSize size = fromLayers ? m_request.area.size() : m_request.content.size();
    if (!m_request.mask.isNull() && m_request.mask.size() != size)
        throw std::invalid_argument(tr("the mask must have the image's size").toStdString());
    if (!m_request.style.isValid())
        throw std::invalid_argument(tr("style '%1' cannot be used: %2").arg(m_request.style.name, m_request.style.error).toStdString());
    if (m_request.method == StyleMethod::Auto)
        m_request.method = defaultMethod(m_request.style);
    try {
        (void)engine::parseColourMode(m_request.colour.toStdString());
        (void)engine::parsePrecision(m_request.precision.toStdString());
    } catch (const std::exception& e) {
        throw std::invalid_argument(e.what());
    }
}

std::string StyleJob::title() const
{
    const QSize size = m_request.layers.isEmpty() ? m_request.content.size() : m_request.area.size();
    return tr("Style: %1, %2x%3").arg(m_request.style.name).arg(size.width()).arg(size.height()).toStdString();
}

void StyleJob::run(engine::JobContext& ctx)
{
    const StyleRequest& r = m_request;
    QImage content = r.layers.isEmpty()     ? r.content
                     : r.layer >= 0          ? r.layers[r.layer].pixels.copyRegion(r.area)
                                             : Document::renderLayers(r.layers, r.area);
    content = content.convertToFormat(QImage::Format_RGBA8888);
    QImage mask = r.mask.isNull() ? QImage() : r.mask.convertToFormat(QImage::Format_Grayscale8);
    if (r.maxSide > 0 && std::max(content.width(), content.height()) > r.maxSide) {
        content = content.scaled(r.maxSide, r.maxSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        if (!mask.isNull())
            mask = mask.scaled(content.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    }
    ctx.progress(0, 1, tr("Preparing").toStdString());
    const torch::Tensor rgba = imageToTensor(content, Alpha::Keep);
    const torch::Tensor rgb = rgba.narrow(1, 0, 3).contiguous();
    torch::Tensor maskT;
    if (!mask.isNull())
        maskT = imageToTensor(mask, Alpha::Drop).narrow(1, 0, 1).contiguous();

    torch::Tensor styled;
    switch (r.method) {
    case StyleMethod::Classic: {
        const auto arch = architectureOf(r.style);
        const QString filter = arch.contains("filter") && arch["filter"].is_string()
                                   ? QString::fromStdString(arch["filter"].get<std::string>())
                                   : QString();
        QString error;
        const QImage out = applyClassicFilter(filter, content, arch, &error);
        if (out.isNull())
            throw std::runtime_error(error.toStdString());
        ctx.throwIfCancelled();
        styled = imageToTensor(out, Alpha::Drop);
        break;
    }
    case StyleMethod::Network: {
        torch::InferenceMode guard;
        auto net = engine::loadStyleNet(r.style.folder.toStdString());
        net->to(m_device);
        engine::StyliseOptions options;
        options.precision = engine::parsePrecision(r.precision.toStdString());
        // One tile up to 1536 px (a 1024² canvas plus its mirrored border runs in one pass);
        // larger pictures in 1536 px tiles (measured peak memory in docs/PERFORMANCE.md).
        options.tiling = {1536, 64, 32, 1};
        styled = engine::styliseTiled(net, rgb, options, &ctx);
        break;
    }
    case StyleMethod::Optimisation:
    case StyleMethod::Auto: {
        engine::GatysInput input;
        input.content = rgb;
        input.styles.push_back(loadStyleImage(r.style));
        input.styleWeights.push_back(r.styleWeight);
        for (const auto& [entry, weight] : r.blendWith) {
            input.styles.push_back(loadStyleImage(entry));
            input.styleWeights.push_back(weight);
        }
        const auto& g = r.optimisation;
        engine::GatysOptions options;
        options.optimiser = g.adam ? engine::StyleOptimiser::Adam : engine::StyleOptimiser::LBFGS;
        options.iterations = g.iterations;
        options.learningRate = g.learningRate;
        options.styleWeight = g.styleWeight;
        options.styleScale = g.styleScale;
        options.startSide = g.startSide;
        options.maxWholeSide = g.maxWholeSide;
        options.tileIterations = g.tileIterations;
        options.previewEvery = g.previewEvery;
        options.acceptNow = &m_accept;
        options.colour = engine::ColourMode::Style; // applied below with the strength
        auto net = r.lossNetwork.isEmpty() ? engine::makeRandomLossNetwork()
                                           : engine::loadTorchScriptLossNetwork(r.lossNetwork.toStdString());
        styled = engine::runGatys(*net, input, options, m_device, &ctx, &m_report);
        break;
    }
    }
    ctx.throwIfCancelled();
    torch::Tensor out;
    {
        torch::NoGradGuard noGrad;
        out = engine::preserveColour(styled, rgb, engine::parseColourMode(r.colour.toStdString()));
        out = engine::blendStrength(rgb, out, r.strength, maskT).clamp(0, 1);
        out = torch::cat({out, rgba.narrow(1, 3, 1)}, 1);
    }
    m_result = tensorToImage(out);
    ctx.progress(1, 1, tr("Done").toStdString());
}

StyleTask::StyleTask(const StyleRequest& request) : m_job(std::make_shared<StyleJob>(request)) {}

std::shared_ptr<engine::Job> StyleTask::job() const
{
    return m_job;
}

const StyleRequest& StyleTask::request() const
{
    return m_job->request();
}

StyleMethod StyleTask::method() const
{
    return m_job->method();
}

QImage StyleTask::result() const
{
    return m_job->result();
}

void StyleTask::acceptNow()
{
    m_job->acceptNow();
}

std::shared_ptr<engine::Job> makeStyleTrainingJob(const ModelEntry& style, const QString& contentFolder, int steps,
                                                   QString* summary)
{
    if (style.styleImage.isEmpty())
        throw std::runtime_error(tr("style '%1' has no style picture to train on").arg(style.name).toStdString());
    auto content = std::make_shared<ContentImages>(contentFolder, 512);
    engine::StyleTrainOptions o;
    o.id = style.id.toStdString();
    o.name = style.name.toStdString();
    o.outputDir = style.folder.toStdString();
    o.styles = {loadStyleImage(style)};
    o.steps = steps;
    o.imageSize = 160;
    o.learningRate = 0.01;
    o.resume = true;
    o.previewContent = content->previewImage(192);
    o.extraConfig = {{"style_image", QFileInfo(style.styleImage).fileName().toStdString()},
                     {"category", style.category.toStdString()},
                     {"license", style.license.toStdString()},
                     {"source", "trained in Ganvas on " + std::to_string(content->count()) + " pictures"}};
    if (!style.thumbnail.isEmpty())
        o.extraConfig["thumbnail"] = QFileInfo(style.thumbnail).fileName().toStdString();
    if (!style.description.isEmpty())
        o.extraConfig["description"] = style.description.toStdString();
    const auto compute = currentCompute();
    o.device = engine::resolveDevice(compute.device.toStdString());
    o.precision = engine::parsePrecision(compute.precision.toStdString());
    if (summary)
        *summary = tr("Training “%1” on %2 pictures (%3 skipped)")
                       .arg(style.name)
                       .arg(content->count())
                       .arg(content->skipped().size());
    return std::make_shared<engine::StyleTrainJob>(
        o, [content](int64_t step, int64_t batch, int64_t size) { return content->batch(step, batch, size); });
}

} // namespace ganvas::core
