// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleLibrary.h
/// What the style gallery lists and does to the style folders: the styles of every model root
/// (ModelCatalogue, kind "style"), search and categories, favourites (QSettings), importing a
/// picture as a new user style, deleting user styles, and the content images a style is trained
/// on (ContentImages: any folder, nested, mixed formats, broken files reported and skipped).

#include "core/models/ModelCatalogue.h"

#include <QImage>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>


namespace ganvas::core {

class StyleLibrary {
public:
    /// Scans @p roots (default: ModelCatalogue::defaultRoots()) for styles.
    void scan(const QStringList& roots = ModelCatalogue::defaultRoots());
    const QVector<ModelEntry>& styles() const { return m_styles; }
    const ModelEntry* find(const QString& id) const;
    /// Sorted unique categories ("Other" for styles without one).
    QStringList categories() const;
    /// Styles whose name, id, description or tags contain @p text (case-insensitive) and, when
    /// @p category is non-empty, in that category; favourites first when @p favouritesFirst.
    QVector<ModelEntry> filter(const QString& text, const QString& category = {}, bool favouritesOnly = false) const;

    /// A user style lives under the user's model root and may be deleted.
    static bool isUserStyle(const ModelEntry& style);
    /// Deletes a user style's folder. Refuses bundled styles. Returns false with @p error set.
    static bool deleteUserStyle(const ModelEntry& style, QString* error);

    /// Makes a new user style from a picture: <root>/styles/<id>/ with style.png (at most 1024
    /// px), thumbnail.png and a config.json of type "gatys" (applied by optimisation until a
    /// network is trained for it). Returns the folder, or an empty string with @p error set.
    static QString importStyleImage(const QString& imagePath, const QString& name, QString* error,
                                    const QString& root = ModelCatalogue::userModelRoot());
    /// A free id derived from @p name ("My Style" -> "my-style", "my-style-2", ...) under @p root.
    static QString freeStyleId(const QString& name, const QString& root = ModelCatalogue::userModelRoot());

    static QSet<QString> favourites();
    static void setFavourite(const QString& id, bool favourite);

private:
    QVector<ModelEntry> m_styles;
};

} // namespace ganvas::core
