// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/style/StyleLibrary.h"

#include "core/engine/nn/FileIO.h"
#include "core/io/ImageIO.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSettings>

#include <nlohmann/json.hpp>

#include <algorithm>

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

} // namespace ganvas::core
