// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/style/StyleLibrary.h"

#include "core/engine/nn/FileIO.h"
#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

namespace ganvas::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("StyleLibrary", text);
}

const QString kFavouritesKey = QStringLiteral("styles/favourites");

} // namespace

void StyleLibrary::scan(const QStringList& roots)
{
    ModelCatalogue catalogue;
    catalogue.scan(roots);
    m_styles = catalogue.entries(QStringLiteral("style"));
    std::stable_sort(m_styles.begin(), m_styles.end(), [](const ModelEntry& a, const ModelEntry& b) {
        return a.name.localeAwareCompare(b.name) < 0;
    });
}

const ModelEntry* StyleLibrary::find(const QString& id) const
{
    for (const auto& s : m_styles)
        if (s.id == id)
            return &s;
    return nullptr;
}

QStringList StyleLibrary::categories() const
{
    QStringList out;
    for (const auto& s : m_styles) {
        const QString c = s.category.isEmpty() ? tr("Other") : s.category;
        if (!out.contains(c))
            out << c;
    }
    out.sort(Qt::CaseInsensitive);
    return out;
}

QVector<ModelEntry> StyleLibrary::filter(const QString& text, const QString& category, bool favouritesOnly) const
{
    const auto favs = favourites();
    QVector<ModelEntry> out;
    for (const auto& s : m_styles) {
        const QString c = s.category.isEmpty() ? tr("Other") : s.category;
        if (!category.isEmpty() && c != category)
            continue;
        if (favouritesOnly && !favs.contains(s.id))
            continue;
        if (!text.isEmpty()) {
            const bool hit = s.name.contains(text, Qt::CaseInsensitive) || s.id.contains(text, Qt::CaseInsensitive) ||
                             s.description.contains(text, Qt::CaseInsensitive) ||
                             s.tags.filter(text, Qt::CaseInsensitive).size() > 0 || c.contains(text, Qt::CaseInsensitive);
            if (!hit)
                continue;
        }
        out.push_back(s);
    }
    std::stable_sort(out.begin(), out.end(), [&](const ModelEntry& a, const ModelEntry& b) {
        return favs.contains(a.id) && !favs.contains(b.id);
    });
    return out;
}

bool StyleLibrary::isUserStyle(const ModelEntry& style)
{
    const QString user = QDir(ModelCatalogue::userModelRoot()).absolutePath() + QLatin1Char('/');
    return QDir(style.folder).absolutePath().startsWith(user);
}

bool StyleLibrary::deleteUserStyle(const ModelEntry& style, QString* error)
{
    if (!isUserStyle(style)) {
        if (error)
            *error = tr("'%1' is a bundled style and cannot be deleted").arg(style.name);
        return false;
    }
    QDir dir(style.folder);
    if (!dir.exists(QStringLiteral("config.json")) || !dir.removeRecursively()) {
        if (error)
            *error = tr("could not delete %1").arg(style.folder);
        return false;
    }
    return true;
}

QString StyleLibrary::freeStyleId(const QString& name, const QString& root)
{
    QString base = name.toLower();
    base.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    base = base.left(48);
    while (base.startsWith(QLatin1Char('-')))
        base.remove(0, 1);
    while (base.endsWith(QLatin1Char('-')))
        base.chop(1);
    if (base.isEmpty())
        base = QStringLiteral("style");
    QString id = base;
    for (int n = 2; QFileInfo::exists(root + QStringLiteral("/styles/") + id); ++n)
        id = base + QLatin1Char('-') + QString::number(n);
    return id;
}

QString StyleLibrary::importStyleImage(const QString& imagePath, const QString& name, QString* error, const QString& root)
{
    QString loadError;
    QImage image = loadImage(imagePath, &loadError);
    if (image.isNull()) {
        if (error)
            *error = loadError;
        return {};
    }
    if (image.width() < 16 || image.height() < 16) {
        if (error)
            *error = tr("the picture is too small to be a style (at least 16 x 16 pixels)");
        return {};
    }
    if (std::max(image.width(), image.height()) > 1024)
        image = image.scaled(1024, 1024, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    image = image.convertToFormat(QImage::Format_RGB888);
    const QString displayName = name.trimmed().isEmpty() ? QFileInfo(imagePath).completeBaseName() : name.trimmed();
    const QString id = freeStyleId(displayName, root);
    const QString folder = root + QStringLiteral("/styles/") + id;
    if (!QDir().mkpath(folder)) {
        if (error)
            *error = tr("cannot create %1").arg(folder);
        return {};
    }
    QString saveError;
    const QImage thumb = image.scaled(160, 160, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
    const QImage thumbCropped = thumb.copy((thumb.width() - 160) / 2, (thumb.height() - 160) / 2, 160, 160);
    nlohmann::json config = {{"format", 1},
                             {"id", id.toStdString()},
                             {"name", displayName.left(200).toStdString()},
                             {"kind", "style"},
                             {"license", "LicenseRef-user"},
                             {"source", ("imported from " + QFileInfo(imagePath).fileName()).toStdString()},
                             {"architecture", {{"type", "gatys"}}},
                             {"category", tr("My styles").toStdString()},
                             {"style_image", "style.png"},
                             {"thumbnail", "thumbnail.png"}};
    const std::string text = config.dump(2) + "\n";
    if (!saveImage(image, folder + QStringLiteral("/style.png"), &saveError) ||
        !saveImage(thumbCropped, folder + QStringLiteral("/thumbnail.png"), &saveError)) {
        QDir(folder).removeRecursively();
        if (error)
            *error = saveError;
        return {};
    }
    try {
        engine::writeFileAtomically((folder + QStringLiteral("/config.json")).toStdString(), text.data(), text.size());
    } catch (const std::exception& e) {
        QDir(folder).removeRecursively();
        if (error)
            *error = QString::fromStdString(e.what());
        return {};
    }
    return folder;
}

QSet<QString> StyleLibrary::favourites()
{
    const QStringList list = QSettings().value(kFavouritesKey).toStringList();
    return QSet<QString>(list.begin(), list.end());
}

void StyleLibrary::setFavourite(const QString& id, bool favourite)
{
    auto favs = favourites();
    if (favourite)
        favs.insert(id);
    else
        favs.remove(id);
    QStringList list(favs.begin(), favs.end());
    list.sort();
    QSettings().setValue(kFavouritesKey, list);
}

ContentImages::ContentImages(const QString& folder, int maxSide)
{
    if (!QFileInfo(folder).isDir())
        throw std::runtime_error(tr("content folder '%1' does not exist").arg(folder).toStdString());
    QStringList files;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    while (it.hasNext())
        files << it.next();
    files.sort();
    ImageLoadLimits limits;
    for (const QString& file : files) {
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
