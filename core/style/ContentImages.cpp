// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/style/ContentImages.h"

#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QFileInfo>

#include <algorithm>
#include <random>
#include <stdexcept>

namespace ganvas::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ContentImages", text);
}

} // namespace

void ContentImages::requireFolder(const QString& folder)
{
    if (!QFileInfo(folder).isDir())
        throw std::runtime_error(tr("content folder '%1' does not exist").arg(folder).toStdString());
}

ContentImages::ContentImages(const QString& folder, int maxSide, engine::JobContext* ctx)
{
    requireFolder(folder);
    QStringList files;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    while (it.hasNext())
        files << it.next();
    files.sort();
    ImageLoadLimits limits;
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QString& file = files[i];
        if (ctx) {
            ctx->progress(i, files.size(), tr("Reading the photos (%1 of %2)").arg(i + 1).arg(files.size()).toStdString());
            ctx->throwIfCancelled();
        }
        QString error;
        QImage image = loadImage(file, &error, limits);
        if (image.isNull()) {
            m_skipped << QFileInfo(file).fileName() + QStringLiteral(": ") + error;
            continue;
        }
        if (std::min(image.width(), image.height()) < 32) {
            m_skipped << QFileInfo(file).fileName() + QStringLiteral(": ") + tr("smaller than 32 pixels");
            continue;
        }
        if (std::min(image.width(), image.height()) > maxSide)
            image = image.scaled(maxSide, maxSide, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
        m_images.push_back(imageToTensor(image, Alpha::Drop));
    }
    if (m_images.empty())
        throw std::runtime_error(tr("no usable images in '%1'").arg(folder).toStdString());
}

torch::Tensor ContentImages::batch(int64_t step, int64_t batch, int64_t size) const
{
    namespace F = torch::nn::functional;
    std::mt19937_64 rng(static_cast<uint64_t>(step) * 0x9E3779B97F4A7C15ull + 1);
    std::vector<torch::Tensor> items;
    for (int64_t b = 0; b < batch; ++b) {
        const auto& image = m_images[rng() % m_images.size()];
        const int64_t h = image.size(2), w = image.size(3), shortSide = std::min(h, w);
        // A crop between 35 % and 100 % of the shorter side, resized to size.
        std::uniform_real_distribution<double> scale(0.35, 1.0);
        const int64_t crop = std::max<int64_t>(16, static_cast<int64_t>(shortSide * scale(rng)));
        const int64_t y = static_cast<int64_t>(rng() % static_cast<uint64_t>(h - crop + 1));
        const int64_t x = static_cast<int64_t>(rng() % static_cast<uint64_t>(w - crop + 1));
        auto tile = image.narrow(2, y, crop).narrow(3, x, crop);
        auto resize = F::InterpolateFuncOptions().size(std::vector<int64_t>{size, size});
        if (crop > size)
            resize.mode(torch::kArea);
        else
            resize.mode(torch::kBilinear).align_corners(false);
        tile = F::interpolate(tile, resize);
        if (rng() & 1)
            tile = tile.flip({3});
        items.push_back(tile);
    }
    return torch::cat(items, 0).contiguous();
}

torch::Tensor ContentImages::previewImage(int64_t size) const
{
    namespace F = torch::nn::functional;
    const auto& image = m_images.front();
    const int64_t h = image.size(2), w = image.size(3), s = std::min(h, w);
    auto tile = image.narrow(2, (h - s) / 2, s).narrow(3, (w - s) / 2, s);
    return F::interpolate(tile, F::InterpolateFuncOptions().size(std::vector<int64_t>{size, size}).mode(torch::kArea));
}

} // namespace ganvas::core
