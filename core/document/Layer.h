// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Layer.h

#include <QImage>
#include <QString>

namespace ganvas::core {

/// One raster layer: straight RGBA pixels (Format_ARGB32_Premultiplied for fast compositing),
/// the document's size. Issue #3 turns this into copy-on-write tiles.
struct Layer {
    QString name;
    QImage image;
    bool visible = true;
    qreal opacity = 1.0; ///< 0..1
};

} // namespace ganvas::core
