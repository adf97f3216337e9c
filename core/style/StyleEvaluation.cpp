// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/style/StyleEvaluation.h"

#include "core/engine/nn/Device.h"
#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"
#include "core/style/StyleJob.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace ganvas::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("StyleEvaluation", text);
}

/// Reports a style run inside the evaluation as part of the evaluation's progress: item
/// @p index of @p count, the inner run's fraction added, its message after the item's name.
class NestedProgress final : public engine::JobObserver {
public:
    NestedProgress(engine::JobContext& outer, int64_t index, int64_t count, std::string label)
        : m_outer(outer), m_index(index), m_count(count), m_label(std::move(label)),
          m_start(std::chrono::steady_clock::now()) {}
    void onProgress(int64_t done, int64_t total, const std::string& message) override
    {
        constexpr int64_t kScale = 1000;
        const int64_t inner = total > 0 ? done * kScale / total : 0;
        m_outer.progress(m_index * kScale + inner, m_count * kScale, m_label + (message.empty() ? "" : ": " + message));
    }
    void onLog(engine::LogLevel level, const std::string& message) override { m_outer.log(level, message); }
    /// The first preview the run streamed (what the studio shows first) and when it came.
    void onPreview(const torch::Tensor& image, int) override
    {
        if (!m_first.isNull())
            return;
        m_firstSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
        m_first = tensorToImage(image.detach().cpu());
    }
    const QImage& firstPreview() const { return m_first; }
    double firstSeconds() const { return m_firstSeconds; }

private:
    engine::JobContext& m_outer;
    int64_t m_index, m_count;
    std::string m_label;
    std::chrono::steady_clock::time_point m_start;
    QImage m_first;
    double m_firstSeconds = 0;
};

struct StyleRun {
    QImage result;
    QImage firstPreview; ///< null when the run streamed none
    double firstSeconds = 0;
};

/// Runs one style inside the evaluation: same cancellation, progress folded into the outer one.
StyleRun runStyle(const StyleRequest& request, engine::JobContext& ctx, int64_t index, int64_t count,
                  const std::string& label)
{
    StyleJob job(request);
    NestedProgress progress(ctx, index, count, label);
    engine::JobContext inner(ctx.token(), &progress, ctx.gate());
    job.run(inner);
    StyleRun run{job.result().convertToFormat(QImage::Format_RGB888), {}, progress.firstSeconds()};
    if (!progress.firstPreview().isNull())
        run.firstPreview = progress.firstPreview()
                               .scaled(run.result.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                               .convertToFormat(QImage::Format_RGB888);
    return run;
}

QImage fitLongestSide(const QImage& image, int side)
{
    return image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation).convertToFormat(QImage::Format_RGB888);
}

torch::Tensor rgbTensor(const QImage& image)
{
    return imageToTensor(image, Alpha::Drop).narrow(1, 0, 3).contiguous();
}

QString referenceKey(const QString& stylePicture, const QString& image, int side, int markSide,
                     const OptimisationSettings& o)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString& path : {stylePicture, image}) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            hash.addData(file.readAll());
    }
    hash.addData(QStringLiteral("%1 %2 %3 %4 %5 %6 %7")
                     .arg(side)
                     .arg(markSide)
                     .arg(o.iterations)
                     .arg(o.adam)
                     .arg(o.styleWeight)
                     .arg(o.startSide)
                     .arg(o.learningRate)
                     .toUtf8());
    // Only a per-pass schedule adds to the key, so references cached before it existed still match.
    for (int n : o.passIterations)
        hash.addData(QByteArray::number(n).prepend(' '));
    return QString::fromLatin1(hash.result().toHex().left(24));
}

double mean(const QVector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return v.isEmpty() ? 0.0 : s / v.size();
}

nlohmann::json textureJson(const engine::TextureDistance& t)
{
    return {{"swd", t.swd}, {"swd_per_band", t.swdPerBand}, {"covariance", t.covariance}};
}

} // namespace

StyleEvalJob::StyleEvalJob(StyleEvalRequest request) : m_request(std::move(request))
{
    if (m_request.styles.isEmpty())
        throw std::invalid_argument(tr("style evaluation: no styles to evaluate").toStdString());
    if (m_request.images.isEmpty())
        throw std::invalid_argument(tr("style evaluation: no pictures to evaluate on").toStdString());
    if (m_request.side < 64 || m_request.side > 1024)
        throw std::invalid_argument(tr("style evaluation: the side must be 64..1024 px").toStdString());
    for (const auto& s : m_request.styles)
        if (s.styleImage.isEmpty() || !QFileInfo(s.styleImage).isFile())
            throw std::invalid_argument(
                tr("style '%1' ships no style picture to measure against").arg(s.id).toStdString());
    // The yardstick is classic Gatys (no marks laid in), in fp32 on every machine: the cached
    // references stay comparable across versions and CPUs.
    m_request.reference.marks = false;
}

std::string StyleEvalJob::title() const
{
    return tr("Evaluate %1 styles on %2 pictures").arg(m_request.styles.size()).arg(m_request.images.size()).toStdString();
}

torch::Device StyleEvalJob::device() const
{
    return engine::resolveDevice(m_request.device.toStdString());
}

void StyleEvalJob::run(engine::JobContext& ctx)
{
    m_rows.clear();
    m_skipped.clear();
    const int side = m_request.side;
    // The pictures, each at the measured size; unreadable ones are reported, not fatal.
    QVector<QPair<QString, QImage>> pictures;
    for (const QString& path : m_request.images) {
        QString error;
        const QImage image = loadImage(path, &error);
        if (image.isNull()) {
            m_skipped << QFileInfo(path).fileName() + QStringLiteral(": ") + error;
            continue;
        }
        if (std::min(image.width(), image.height()) < 32) {
            m_skipped << QFileInfo(path).fileName() + QStringLiteral(": ") + tr("smaller than 32 pixels");
            continue;
        }
        pictures.push_back({path, fitLongestSide(image, side)});
    }
    if (pictures.isEmpty())
        throw std::runtime_error(tr("none of the %1 evaluation pictures could be read").arg(m_request.images.size()).toStdString());
    if (!m_request.cacheDir.isEmpty() && !QDir().mkpath(m_request.cacheDir))
        throw std::runtime_error(tr("cannot create the cache folder '%1'").arg(m_request.cacheDir).toStdString());

    // Two runs per (style, picture): the style's own and the reference (skipped when cached).
    const int64_t total = 2 * static_cast<int64_t>(m_request.styles.size()) * pictures.size();
    int64_t done = 0;
    for (const ModelEntry& style : m_request.styles) {
        ctx.throwIfCancelled();
        QString error;
        const QImage stylePicture = loadImage(style.styleImage, &error);
        if (stylePicture.isNull())
            throw std::runtime_error(tr("style '%1': %2").arg(style.id, error).toStdString());
        const int markSide = styleMarkSide(style, side);
        const engine::StyleQualityMeter meter(rgbTensor(fitLongestSide(stylePicture, markSide)));
        for (const auto& [path, picture] : pictures) {
            const std::string label = tr("%1 on %2").arg(style.name, QFileInfo(path).fileName()).toStdString();
            ctx.progress(done, total, label);
            StyleEvalRow row;
            row.style = style.id;
            row.image = QFileInfo(path).fileName();
            row.contentImage = picture;

            StyleRequest own;
            own.style = style;
            own.content = picture;
            own.device = m_request.device;
            own.precision = m_request.precision;
            own.optimisation = m_request.own.value_or(m_request.reference);
            own.optimisation.styleScale = static_cast<double>(markSide) / side;
            own.refine = m_request.refine && defaultMethod(style) == StyleMethod::Network;
            const auto t0 = std::chrono::steady_clock::now();
            const StyleRun ownRun = runStyle(own, ctx, done, total, label);
            row.resultImage = ownRun.result;
            row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            row.firstImage = ownRun.firstPreview;
            row.firstSeconds = ownRun.firstSeconds;

            // The reference: optimisation at the same mark size, from the cache when it is there.
            const QString cached = m_request.cacheDir.isEmpty()
                                       ? QString()
                                       : m_request.cacheDir + QStringLiteral("/") + style.id + QStringLiteral("-") +
                                             referenceKey(style.styleImage, path, side, markSide, m_request.reference) +
                                             QStringLiteral(".png");
            if (!cached.isEmpty() && QFileInfo(cached).isFile()) {
                row.referenceImage = loadImage(cached, &error).convertToFormat(QImage::Format_RGB888);
                row.referenceCached = !row.referenceImage.isNull() && row.referenceImage.size() == picture.size();
            }
            if (!row.referenceCached && style.architecture == QLatin1String("gatys") && !m_request.own) {
                // A picture-only style runs this very optimisation as its own method: the result
                // is the reference (a second run would repeat it exactly).
                row.referenceImage = row.resultImage;
            } else if (!row.referenceCached) {
                StyleRequest reference = own;
                reference.method = StyleMethod::Optimisation;
                reference.refine = false;
                reference.optimisation = m_request.reference;
                reference.optimisation.styleScale = own.optimisation.styleScale;
                // The yardstick stays full optimisation in fp32 on every machine (and so does the
                // cache, whose key has no precision): a bf16 own run is measured against it.
                reference.precision = QStringLiteral("fp32");
                row.referenceImage = runStyle(reference, ctx, done + 1, total, label + " (optimisation)").result;
                if (!cached.isEmpty() && !saveImage(row.referenceImage, cached, &error))
                    ctx.log(engine::LogLevel::Warning, error.toStdString());
            }
            ctx.throwIfCancelled();

            const auto content = rgbTensor(picture);
            const auto result = rgbTensor(row.resultImage);
            const auto reference = rgbTensor(row.referenceImage);
            row.content = meter.texture(content);
            row.result = meter.texture(result);
            row.reference = meter.texture(reference);
            row.resultKept = engine::contentKept(content, result);
            row.referenceKept = engine::contentKept(content, reference);
            row.textureShare = engine::textureShare(row.content, row.result, row.reference);
            if (!row.firstImage.isNull()) {
                row.first = meter.texture(rgbTensor(row.firstImage));
                row.firstShare = engine::textureShare(row.content, row.first, row.reference);
            }
            m_rows.push_back(row);
            done += 2;
        }
    }
    ctx.progress(total, total, tr("Done").toStdString());
}

QVector<StyleEvalSummary> StyleEvalJob::summaries() const
{
    // Shares of the summed distances over the pictures, not the mean of per-picture shares: on
    // a picture where optimisation gains little over the untouched photo a per-picture share
    // divides by almost nothing (the first full run had means of -1177 %).
    QVector<StyleEvalSummary> out;
    for (const ModelEntry& style : m_request.styles) {
        engine::TextureDistance content, result, reference, first, firstContent, firstReference;
        QVector<double> structure, edges, refStructure, refEdges, seconds, firstSeconds;
        for (const auto& r : m_rows) {
            if (r.style != style.id)
                continue;
            content.swd += r.content.swd;
            content.covariance += r.content.covariance;
            result.swd += r.result.swd;
            result.covariance += r.result.covariance;
            reference.swd += r.reference.swd;
            reference.covariance += r.reference.covariance;
            structure << r.resultKept.structure;
            edges << r.resultKept.edges;
            refStructure << r.referenceKept.structure;
            refEdges << r.referenceKept.edges;
            seconds << r.seconds;
            if (!r.firstImage.isNull()) {
                for (const auto& [sum, add] : {std::pair{&first, &r.first}, std::pair{&firstContent, &r.content},
                                         std::pair{&firstReference, &r.reference}}) {
                    sum->swd += add->swd;
                    sum->covariance += add->covariance;
                }
                firstSeconds << r.firstSeconds;
            }
        }
        if (structure.isEmpty())
            continue;
        StyleEvalSummary s;
        s.style = style.id;
        s.pictures = static_cast<int>(structure.size());
        s.swdShare = engine::shareOfReference(content.swd, result.swd, reference.swd);
        s.covarianceShare = engine::shareOfReference(content.covariance, result.covariance, reference.covariance);
        s.textureShare = engine::textureShare(content, result, reference);
        s.structure = mean(structure);
        s.edges = mean(edges);
        s.referenceStructure = mean(refStructure);
        s.referenceEdges = mean(refEdges);
        s.seconds = mean(seconds);
        s.firstPictures = static_cast<int>(firstSeconds.size());
        if (s.firstPictures > 0) {
            s.firstShare = engine::textureShare(firstContent, first, firstReference);
            s.firstSeconds = mean(firstSeconds);
        }
        out.push_back(s);
    }
    return out;
}

nlohmann::json StyleEvalJob::toJson() const
{
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& r : m_rows)
        rows.push_back({{"style", r.style.toStdString()},
                        {"image", r.image.toStdString()},
                        {"texture_share", r.textureShare},
                        {"content", textureJson(r.content)},
                        {"result", textureJson(r.result)},
                        {"reference", textureJson(r.reference)},
                        {"result_structure", r.resultKept.structure},
                        {"result_edges", r.resultKept.edges},
                        {"reference_structure", r.referenceKept.structure},
                        {"reference_edges", r.referenceKept.edges},
                        {"seconds", r.seconds},
                        {"first_preview", r.firstImage.isNull() ? nlohmann::json(nullptr)
                                                                : nlohmann::json{{"seconds", r.firstSeconds},
                                                                                 {"texture_share", r.firstShare},
                                                                                 {"distance", textureJson(r.first)}}},
                        {"reference_cached", r.referenceCached}});
    nlohmann::json styles = nlohmann::json::array();
    for (const auto& s : summaries())
        styles.push_back({{"style", s.style.toStdString()},
                          {"pictures", s.pictures},
                          {"texture_share", s.textureShare},
                          {"swd_share", s.swdShare},
                          {"covariance_share", s.covarianceShare},
                          {"structure", s.structure},
                          {"edges", s.edges},
                          {"reference_structure", s.referenceStructure},
                          {"reference_edges", s.referenceEdges},
                          {"first_preview", s.firstPictures == 0 ? nlohmann::json(nullptr)
                                                                 : nlohmann::json{{"pictures", s.firstPictures},
                                                                                  {"seconds", s.firstSeconds},
                                                                                  {"texture_share", s.firstShare}}},
                          {"seconds", s.seconds}});
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& s : m_skipped)
        skipped.push_back(s.toStdString());
    return {{"side", m_request.side},
            {"reference", {{"method", "optimisation"}, {"iterations", m_request.reference.iterations}}},
            {"refine", m_request.refine},
            {"own_pass_iterations", m_request.own ? std::vector<int>(m_request.own->passIterations.begin(),
                                                                     m_request.own->passIterations.end())
                                                  : std::vector<int>{}},
            {"measure", "texture: SWD of 7x7 Laplacian-band patches + centred covariance in random network seed 7; "
                        "content: SSIM and edge correlation of the luminance at 64 px"},
            {"styles", styles},
            {"rows", rows},
            {"skipped", skipped}};
}

QImage StyleEvalJob::contactSheet(int pictures, int cell) const
{
    QStringList images;
    for (const auto& r : m_rows)
        if (!images.contains(r.image) && images.size() < pictures)
            images << r.image;
    const int label = 16;
    const int columns = 1 + 2 * static_cast<int>(images.size());
    QImage sheet(columns * cell, (1 + m_request.styles.size()) * (cell + label), QImage::Format_RGB888);
    sheet.fill(Qt::white);
    QPainter p(&sheet);
    QFont font = p.font();
    font.setPixelSize(11);
    p.setFont(font);
    auto draw = [&](const QImage& image, int col, int row, const QString& text) {
        const QRect box(col * cell, row * (cell + label), cell, cell);
        if (!image.isNull()) {
            const QImage fitted = image.scaled(cell, cell, Qt::KeepAspectRatio, Qt::SmoothTransformation);
            p.drawImage(box.x() + (cell - fitted.width()) / 2, box.y() + (cell - fitted.height()) / 2, fitted);
        }
        p.setPen(Qt::black);
        p.drawText(QRect(box.x() + 2, box.bottom() + 1, cell - 4, label), Qt::AlignLeft | Qt::AlignVCenter, text);
    };
    for (int i = 0; i < images.size(); ++i)
        for (const auto& r : m_rows)
            if (r.image == images[i]) {
                draw(r.contentImage, 1 + 2 * i, 0, r.image);
                break;
            }
    int row = 1;
    for (const ModelEntry& style : m_request.styles) {
        QString error;
        draw(loadImage(style.styleImage, &error), 0, row, style.name);
        for (const auto& r : m_rows) {
            const int i = static_cast<int>(images.indexOf(r.image));
            if (r.style != style.id || i < 0)
                continue;
            draw(r.resultImage, 1 + 2 * i, row, tr("style %1 %").arg(std::lround(100 * r.textureShare)));
            draw(r.referenceImage, 2 + 2 * i, row, tr("optimisation"));
        }
        ++row;
    }
    return sheet;
}

} // namespace ganvas::core
