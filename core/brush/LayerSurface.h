// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file LayerSurface.h
/// A PaintSurface onto one layer of a Document, for one stroke. Paints straight into the layer's
/// tiles (so the canvas shows the stroke live), remembers each touched tile as it was before the
/// stroke, and commits that as one undo command at the end. A locked layer is not painted.
///
/// Dabs build up a per-pixel coverage A with their flow, capped at the stroke opacity
/// (A += flow·falloff·(opacity − A)); the pixel is then the pre-stroke pixel with the colour laid
/// over it at A (erasing: scaled by 1 − A). Overlapping dabs in one stroke therefore never go past
/// the opacity, as artists expect from Krita's "opacity" and "flow".

#include "core/brush/PaintSurface.h"

#include <QHash>
#include <QImage>
#include <QRect>

#include <vector>

namespace ganvas::core {

class Document;

class LayerSurface : public PaintSurface {
public:
    /// @p mask: paint into the layer's mask instead of its pixels (light colours reveal, dark
    /// ones and the eraser hide). Requires the layer to have a mask.
    LayerSurface(Document* document, int layer, bool mask = false);

    bool isPaintable() const { return m_paintable; }
    void drawDab(const Dab& dab) override;
    QColor sampleColour(QPointF centre, double radius) const override;

    /// The area changed since the last call (document coordinates), then forgets it.
    QRect takeDirty();
    /// Tiles touched so far.
    int touchedTiles() const { return m_before.size(); }
    /// Records the stroke as one undo command named @p text; the surface is spent afterwards.
    void commit(const QString& text);

private:
    struct TouchedTile {
        std::vector<float> coverage; ///< stroke coverage per pixel, 0..opacity
    };

    Document* m_document;
    int m_layer;
    bool m_mask;
    bool m_paintable;
    QHash<int, QImage> m_before;
    QHash<int, TouchedTile> m_coverage;
    QRect m_dirty;
};

} // namespace ganvas::core
