// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/style/StyleJob.h"

#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/Device.h"
#include "core/engine/style/StyleTrainer.h"
#include "core/engine/style/TransformerNet.h"
#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"
#include "core/style/ClassicStyles.h"

#include <QCoreApplication>

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
    if (m_request.content.isNull())
        throw std::invalid_argument(tr("nothing to stylise (empty image)").toStdString());
    if (!m_request.mask.isNull() && m_request.mask.size() != m_request.content.size())
        throw std::invalid_argument(tr("the mask must have the image's size").toStdString());
    if (!m_request.style.isValid())
        throw std::invalid_argument(tr("style '%1' cannot be used: %2").arg(m_request.style.name, m_request.style.error).toStdString());
    if (m_request.method == StyleMethod::Auto)
        m_request.method = defaultMethod(m_request.style);
}

std::string StyleJob::title() const
{
    const auto& c = m_request.content;
    return tr("Style: %1, %2x%3").arg(m_request.style.name).arg(c.width()).arg(c.height()).toStdString();
}

void StyleJob::run(engine::JobContext& ctx)
{
    const StyleRequest& r = m_request;
    QImage content = r.content.convertToFormat(QImage::Format_RGBA8888);
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
        options.precision = r.precision;
        options.tiling = {1024, 64, 32, 1};
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
        auto options = r.gatys;
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
        out = engine::preserveColour(styled, rgb, r.colour);
        out = engine::blendStrength(rgb, out, r.strength, maskT).clamp(0, 1);
        out = torch::cat({out, rgba.narrow(1, 3, 1)}, 1);
    }
    m_result = tensorToImage(out);
    ctx.progress(1, 1, tr("Done").toStdString());
}

} // namespace ganvas::core
