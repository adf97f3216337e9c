// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/document/BlendMode.h"

#include <QCoreApplication>

namespace ganvas::core {

QPainter::CompositionMode compositionMode(BlendMode mode)
{
    switch (mode) {
    case BlendMode::Normal: return QPainter::CompositionMode_SourceOver;
    case BlendMode::Multiply: return QPainter::CompositionMode_Multiply;
    case BlendMode::Screen: return QPainter::CompositionMode_Screen;
    case BlendMode::Overlay: return QPainter::CompositionMode_Overlay;
    case BlendMode::Darken: return QPainter::CompositionMode_Darken;
    case BlendMode::Lighten: return QPainter::CompositionMode_Lighten;
    case BlendMode::Add: return QPainter::CompositionMode_Plus;
    }
    return QPainter::CompositionMode_SourceOver;
}

QString blendModeId(BlendMode mode)
{
    switch (mode) {
    case BlendMode::Normal: return QStringLiteral("svg:src-over");
    case BlendMode::Multiply: return QStringLiteral("svg:multiply");
    case BlendMode::Screen: return QStringLiteral("svg:screen");
    case BlendMode::Overlay: return QStringLiteral("svg:overlay");
    case BlendMode::Darken: return QStringLiteral("svg:darken");
    case BlendMode::Lighten: return QStringLiteral("svg:lighten");
    case BlendMode::Add: return QStringLiteral("svg:plus");
    }
    return QStringLiteral("svg:src-over");
}

BlendMode blendModeFromId(const QString& id, bool* ok)
{
    for (BlendMode m : kAllBlendModes)
        if (blendModeId(m) == id) {
            if (ok)
                *ok = true;
            return m;
        }
    if (ok)
        *ok = false;
    return BlendMode::Normal;
}

QString blendModeName(BlendMode mode)
{
    const char* names[] = {QT_TRANSLATE_NOOP("BlendMode", "Normal"),  QT_TRANSLATE_NOOP("BlendMode", "Multiply"),
                           QT_TRANSLATE_NOOP("BlendMode", "Screen"),  QT_TRANSLATE_NOOP("BlendMode", "Overlay"),
                           QT_TRANSLATE_NOOP("BlendMode", "Darken"),  QT_TRANSLATE_NOOP("BlendMode", "Lighten"),
                           QT_TRANSLATE_NOOP("BlendMode", "Add")};
    return QCoreApplication::translate("BlendMode", names[static_cast<int>(mode)]);
}

} // namespace ganvas::core
