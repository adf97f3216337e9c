// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/style/StyleJob.h"

#include "core/document/Document.h"
#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/Device.h"
#include "core/engine/style/StyleTrainer.h"
#include "core/engine/style/TransformerNet.h"
#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"
#include "core/models/ModelCatalogue.h"
#include "core/settings/ComputeSettings.h"
#include "core/style/ClassicStyles.h"
#include "core/style/ContentImages.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
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

OptimisationSettings quickOptimisation()
{
    OptimisationSettings o;
    o.passIterations = {40, 20, 14};
    return o;
}

int styleMarkSide(const ModelEntry& style, int side)
{
    QFile file(style.folder + QStringLiteral("/config.json"));
    if (file.open(QIODevice::ReadOnly)) {
        const auto training = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("training")).toObject();
        const double size = training.value(QStringLiteral("image_size")).toDouble(0);
        const double scale = training.value(QStringLiteral("style_scale")).toDouble(1.0);
        if (size > 0 && scale > 0)
            return std::clamp(static_cast<int>(std::lround(size * scale)), 32, 2048);
    }
    return side;
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
    if (m_request.tileSize < 128 || m_request.tileSize > 4096)
        throw std::invalid_argument(tr("the tile size must be between 128 and 4096 px").toStdString());
    if (m_request.refine && (m_request.method != StyleMethod::Network || defaultMethod(m_request.style) != StyleMethod::Network ||
                             m_request.style.styleImage.isEmpty()))
        throw std::invalid_argument(
            tr("only a fast style that ships its style picture can be refined by optimisation").toStdString());
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
        engine::CellOptions cells;
        {
            torch::InferenceMode guard;
            ModelCatalogue::requireVerified(r.style);
            auto net = engine::loadStyleNet(r.style.folder.toStdString());
            net->to(m_device);
            engine::StyliseOptions options;
            options.precision = engine::parsePrecision(r.precision.toStdString());
            // One tile up to 1536 px (a 1024² canvas plus its mirrored border runs in one pass);
            // larger pictures in 1536 px tiles (measured peak memory in docs/PERFORMANCE.md).
            // The tile size is the request's (smaller when the memory pre-flight asked for it).
            options.tiling = {r.tileSize, 64, 32, 1};
            if (net->options.needsStylePicture()) { // its marks at the size it was trained to draw them
                if (r.style.styleImage.isEmpty())
                    throw std::runtime_error(tr("style '%1' draws with its picture's marks, and its folder has no picture")
                                                 .arg(r.style.name)
                                                 .toStdString());
                options.marks = engine::resizeLongestSide(
                    loadStyleImage(r.style), styleMarkSide(r.style, static_cast<int>(std::max(rgb.size(2), rgb.size(3)))));
            }
            styled = engine::styliseTiled(net, rgb, options, &ctx);
            cells = net->options.cells;
        }
        if (r.refine) // outside inference mode: the optimisation needs gradients
            styled = refineNetworkResult(styled.clone(), rgb, maskT, cells, ctx);
        break;
    }
    case StyleMethod::Optimisation:
    case StyleMethod::Auto:
        styled = optimise(rgb, torch::Tensor(), r.optimisation.styleScale, ctx);
        break;
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

torch::Tensor StyleJob::optimise(const torch::Tensor& rgb, const torch::Tensor& shown, double styleScale,
                                engine::JobContext& ctx)
{
    const StyleRequest& r = m_request;
    engine::GatysInput input;
    input.content = rgb;
    input.shown = shown;
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
    options.passIterations.assign(g.passIterations.begin(), g.passIterations.end());
    options.learningRate = g.learningRate;
    options.styleWeight = g.styleWeight;
    options.styleScale = styleScale;
    options.startSide = g.startSide;
    options.maxWholeSide = g.maxWholeSide;
    options.tileIterations = g.tileIterations;
    options.previewEvery = g.previewEvery;
    options.acceptNow = &m_accept;
    options.colour = engine::ColourMode::Style; // applied by run() with the strength
    options.precision = engine::parsePrecision(r.precision.toStdString());
    options.seedMarks = options.previewMarks = g.marks;
    auto net = r.lossNetwork.isEmpty() ? engine::makeRandomLossNetwork()
                                       : engine::loadTorchScriptLossNetwork(r.lossNetwork.toStdString());
    return engine::runGatys(*net, input, options, m_device, &ctx, &m_report);
}

namespace {
/// Reports of an optimisation run inside a style with cells (ADR 0016): every preview is cut
/// into the style's cells before it is shown (over the picture at the preview's size: the
/// coarse passes are smaller); progress, logs, cancellation and giving way go to the job's own.
class CellPreviews final : public engine::JobObserver {
public:
    CellPreviews(engine::JobContext& outer, const torch::Tensor& content, const torch::Tensor& mask,
                 const engine::CellOptions& cells)
        : m_outer(outer), m_content(content), m_mask(mask), m_cells(cells)
    {}
    void onProgress(int64_t done, int64_t total, const std::string& message) override
    {
        m_outer.progress(done, total, message);
    }
    void onPreview(const at::Tensor& image, int pass) override
    {
        // Previews are masked (the picture itself outside the selection): cells only inside it.
        const auto rgb = (image.dim() == 3 ? image.unsqueeze(0) : image).narrow(1, 0, 3);
        ++m_previews;
        const auto painted = paint(rgb);
        m_outer.preview(m_mask.defined() ? engine::blendStrength(rgb, painted, 1.0, atSize(m_mask, rgb)) : painted,
                        pass);
    }
    void onLog(engine::LogLevel level, const std::string& message) override { m_outer.log(level, message); }
    /// Previews of the optimisation's passes shown so far.
    int previews() const { return m_previews; }
    torch::Tensor paint(const torch::Tensor& rgb) const
    {
        torch::NoGradGuard noGrad;
        return engine::paintCells(rgb.to(torch::kCPU, torch::kFloat32), atSize(m_content, rgb), m_cells);
    }

private:
    // @p t ([1,C,h,w]) on the CPU as floats at @p like's height and width.
    static torch::Tensor atSize(const torch::Tensor& t, const torch::Tensor& like)
    {
        auto out = t.to(torch::kCPU, torch::kFloat32);
        if (out.size(2) == like.size(2) && out.size(3) == like.size(3))
            return out;
        return torch::nn::functional::interpolate(out, torch::nn::functional::InterpolateFuncOptions()
                                                           .size(std::vector<int64_t>{like.size(2), like.size(3)})
                                                           .mode(torch::kArea));
    }

    engine::JobContext& m_outer;
    torch::Tensor m_content;
    torch::Tensor m_mask;
    engine::CellOptions m_cells;
    int m_previews = 0;
};
} // namespace

torch::Tensor StyleJob::refineNetworkResult(const torch::Tensor& styled, const torch::Tensor& rgb,
                                            const torch::Tensor& mask, const engine::CellOptions& cells,
                                            engine::JobContext& ctx)
{
    // The network's result first, as the optimisation's previews are (full strength, the style's
    // colours, masked): the studio shows it at once while the refinement runs.
    torch::Tensor shown;
    {
        torch::NoGradGuard noGrad;
        shown = mask.defined() ? engine::blendStrength(rgb, styled, 1.0, mask) : styled;
        ctx.preview(shown, -1);
    }
    if (m_accept.load()) {
        m_report.acceptedEarly = true;
        return styled;
    }
    ctx.throwIfCancelled();
    // The optimisation starts from the picture, not from the network's result: from there it
    // inherits what the network destroyed (docs/PERFORMANCE.md, "Fast, then refine": content
    // structure 0.12 from the network's result, 0.66 from the picture, texture 89 % vs 103 %).
    // At the network's mark size (its training crops' style picture size, in pixels whatever
    // the picture's size), so the refined marks are the size of those shown first.
    const int side = static_cast<int>(std::max(rgb.size(2), rgb.size(3)));
    const double scale = std::clamp(static_cast<double>(styleMarkSide(m_request.style, side)) / side, 0.06, 8.0);
    if (!cells.enabled())
        return optimise(rgb, shown, scale, ctx);
    CellPreviews observer(ctx, rgb, mask, cells);
    engine::JobContext inner(ctx.token(), &observer, ctx.gate());
    const torch::Tensor refined = optimise(rgb, shown, scale, inner);
    if (m_report.acceptedEarly && observer.previews() == 0)
        return refined; // accepted before any pass was shown: the network's (celled) result, kept as it is
    return observer.paint(refined.detach()).to(refined.device());
}

QSize styleWorkSize(const StyleRequest& request)
{
    QSize size = request.layers.isEmpty() ? request.content.size() : request.area.size();
    if (request.maxSide > 0 && std::max(size.width(), size.height()) > request.maxSide)
        size = size.scaled(request.maxSide, request.maxSide, Qt::KeepAspectRatio);
    return size.isValid() ? size : QSize(0, 0);
}

namespace {
// Calibration of the estimates (docs/PERFORMANCE.md, "Memory pre-flight"): bytes per pixel of
// the picture-sized buffers (8-bit copies, float RGBA and RGB, padded input, result, colour and
// strength blending), of one transformer-net tile's activations (32/64/128 channels at 1, 1/2,
// 1/4 size, instance-norm temporaries), of the loss network's activations with gradients
// (optimisation), plus what any job adds (allocator pools, thread buffers, weights). Fitted to
// measured peaks and rounded up so that estimates err high. The picture-sized part was raised
// from 120 for the presets that read their style's marks and move the palette after the
// network (ADR 0013: the marks beside the padded picture, the chroma transfer's temporaries).
constexpr double kStyleFullPerPixel = 170;
constexpr double kStyleTilePerPixel = 330;
constexpr double kStyleFixed = 64e6;
constexpr double kGatysPerWorkPixel = 3300;
constexpr double kGatysFixed = 50e6;
constexpr double kClassicPerPixel = 80;
} // namespace

MemoryEstimate estimateStyleMemory(const StyleRequest& request)
{
    const QSize size = styleWorkSize(request);
    const double w = size.width(), h = size.height(), full = w * h;
    const StyleMethod method = request.method == StyleMethod::Auto ? defaultMethod(request.style) : request.method;
    MemoryEstimate e;
    double bytes = kStyleFixed + kStyleFullPerPixel * full;
    // One tile's activations (and the cross-faded band of tile rows) of the network.
    auto network = [&](MemoryEstimate* out) {
        const double border = 2.0 * std::min(32.0, std::max(0.0, std::min(w, h) - 1));
        const double pw = w + border, ph = h + border;
        const double tile = std::max(128, request.tileSize);
        const bool oneTile = pw <= tile && ph <= tile;
        // A tile is read with 32 px of context on each side (clamped to the picture).
        const double tw = std::min(pw, tile + 64), th = std::min(ph, tile + 64);
        double b = kStyleTilePerPixel * tw * th;
        if (!oneTile) // the band of tile rows being cross-faded: RGB sums and weights, float
            b += 2 * th * pw * 4 * sizeof(float);
        out->what = tr("%1 × %2 px picture buffers and %3 × %4 px tiles")
                        .arg(size.width())
                        .arg(size.height())
                        .arg(static_cast<int>(tw))
                        .arg(static_cast<int>(th))
                        .toStdString();
        return b;
    };
    // Whole picture up to maxWholeSide, then tiles of about that side: the loss network's
    // activations and their gradients at that size dominate.
    auto optimisation = [&](MemoryEstimate* out) {
        const double side = std::max(w, h);
        const double limit = std::max(16, request.optimisation.maxWholeSide);
        const double s = side > limit ? limit / side : 1.0;
        const double work = std::min(w * s + (s < 1 ? 64 : 0), w) * std::min(h * s + (s < 1 ? 64 : 0), h);
        const int styles = 1 + static_cast<int>(request.blendWith.size());
        out->what = tr("%1 × %2 px picture buffers and the loss network at %3 px")
                        .arg(size.width())
                        .arg(size.height())
                        .arg(static_cast<int>(std::min(side, limit)))
                        .toStdString();
        return kGatysFixed + kGatysPerWorkPixel * work +
               (styles - 1) * kGatysPerWorkPixel * 0.25 * std::min(work, 1024.0 * 1024.0); // blended styles' features
    };
    switch (method) {
    case StyleMethod::Classic:
        bytes += kClassicPerPixel * full;
        e.what = tr("%1 × %2 px picture buffers and filter").arg(size.width()).arg(size.height()).toStdString();
        break;
    case StyleMethod::Network: {
        const double net = network(&e);
        if (request.refine) { // one after the other: the larger of the two, plus the network's result
            MemoryEstimate refine;
            const double opt = optimisation(&refine);
            if (opt > net)
                e.what = refine.what;
            bytes += std::max(net, opt) + 3 * sizeof(float) * full;
        } else {
            bytes += net;
        }
        break;
    }
    case StyleMethod::Optimisation:
    case StyleMethod::Auto:
        bytes += optimisation(&e);
        break;
    }
    e.bytes = static_cast<int64_t>(bytes);
    return e;
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

namespace {

/// Style ▸ Train…: the photo folder is read and decoded on the worker (a folder of a few hundred
/// photos takes seconds: never on the UI thread, issue #16), then the network trains in the
/// background lane.
class FolderStyleTrainingJob final : public engine::Job {
public:
    FolderStyleTrainingJob(engine::StyleTrainOptions options, QString folder, QString name)
        : m_options(std::move(options)), m_folder(std::move(folder)), m_name(std::move(name))
    {
    }
    std::string title() const override { return tr("Train style “%1”").arg(m_name).toStdString(); }
    torch::Device device() const override { return m_options.device; }
    engine::JobPriority priority() const override { return engine::JobPriority::Background; }
    void run(engine::JobContext& ctx) override
    {
        auto content = std::make_shared<ContentImages>(m_folder, 512, &ctx);
        ctx.log(engine::LogLevel::Info, tr("Training “%1” on %2 pictures (%3 skipped)")
                                            .arg(m_name)
                                            .arg(content->count())
                                            .arg(content->skipped().size())
                                            .toStdString());
        auto o = m_options;
        o.previewContent = content->previewImage(192);
        o.extraConfig["source"] = "trained in Ganvas on " + std::to_string(content->count()) + " pictures";
        engine::StyleTrainJob training(
            o, [content](int64_t step, int64_t batch, int64_t size) { return content->batch(step, batch, size); });
        training.run(ctx);
    }

private:
    engine::StyleTrainOptions m_options;
    QString m_folder, m_name;
};

} // namespace

std::shared_ptr<engine::Job> makeStyleTrainingJob(const ModelEntry& style, const QString& contentFolder, int steps)
{
    if (style.styleImage.isEmpty())
        throw std::runtime_error(tr("style '%1' has no style picture to train on").arg(style.name).toStdString());
    ContentImages::requireFolder(contentFolder);
    engine::StyleTrainOptions o;
    o.id = style.id.toStdString();
    o.name = style.name.toStdString();
    o.outputDir = style.folder.toStdString();
    o.styles = {loadStyleImage(style)};
    o.steps = steps;
    // The recipe of the shipped presets (tools/styles/train_marks_presets.sh, ADR 0013): a
    // network that reads its style's marks and draws luminance, the picture's colours moved onto
    // the style's palette when it runs; the style loss on luminance, the content loss at full
    // resolution; 128 px crops, the style's statistics at 480 px.
    o.network.channels = {16, 32, 64};
    o.network.residualBlocks = 5;
    o.network.output = "residual";
    o.network.marksInput = true;
    o.network.luminancePalette = true;
    o.imageSize = 128;
    o.styleScale = 3.75;
    o.learningRate = 5e-4;
    o.styleWeight = 10;
    o.tvWeight = 0;
    o.statistic = engine::StyleStatistic::MeanCovariance;
    o.styleLuminance = true;
    o.lossNetwork.contentStage = 0;
    o.resume = true;
    o.extraConfig = {{"style_image", QFileInfo(style.styleImage).fileName().toStdString()},
                     {"category", style.category.toStdString()},
                     {"license", style.license.toStdString()}};
    if (!style.thumbnail.isEmpty())
        o.extraConfig["thumbnail"] = QFileInfo(style.thumbnail).fileName().toStdString();
    if (!style.description.isEmpty())
        o.extraConfig["description"] = style.description.toStdString();
    const auto compute = currentCompute();
    o.device = engine::resolveDevice(compute.device.toStdString());
    o.precision = engine::parsePrecision(compute.precision.toStdString());
    return std::make_shared<FolderStyleTrainingJob>(std::move(o), contentFolder, style.name);
}

bool hasStyleTrainingCheckpoint(const QString& styleFolder)
{
    return !styleFolder.isEmpty() &&
           QFileInfo(styleFolder + QStringLiteral("/") + QLatin1String(engine::kStyleCheckpointFile)).isFile();
}

} // namespace ganvas::core
