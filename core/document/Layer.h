// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Layer.h

#include "core/document/BlendMode.h"
#include "core/document/TileGrid.h"

#include <QString>

namespace ganvas::core {

/// One raster layer. Copying a Layer copies tile handles only (see TileGrid), which is what the
/// undo commands of structural operations rely on.
struct Layer {
    QString name;
    TileGrid pixels;          ///< premultiplied ARGB, the document's size
    bool visible = true;
    bool locked = false;      ///< no painting, no AI result, no deletion of pixels
    qreal opacity = 1.0;      ///< 0..1
    BlendMode blend = BlendMode::Normal;
    bool hasMask = false;
    TileGrid mask;            ///< when hasMask: alpha is how much of the layer shows (white = all)

    /// The layer's own pixels as one image (no opacity, no mask).
    QImage image() const { return pixels.toImage(); }
};

} // namespace ganvas::core
