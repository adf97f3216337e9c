// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file PaintSurface.h
/// What the brush engine asks of whatever it paints on (the libmypaint idea): draw a dab here,
/// what colour is here. The engine knows nothing of layers, tiles or undo.

#include <QColor>
#include <QPointF>

namespace ganvas::core {

struct Dab {
    QPointF centre;          ///< document pixels
    double radius = 1;       ///< document pixels
    double hardness = 1;     ///< 0..1
    double flow = 1;         ///< 0..1, how much this dab adds
    double opacity = 1;      ///< 0..1, the stroke's ceiling
    QColor colour;           ///< ignored when erasing
    bool erase = false;
    bool direct = false;     ///< composite straight onto the current pixels (smudge), no ceiling
};

class PaintSurface {
public:
    virtual ~PaintSurface() = default;
    virtual void drawDab(const Dab& dab) = 0;
    /// Average (straight-alpha) colour of the surface within @p radius of @p centre.
    virtual QColor sampleColour(QPointF centre, double radius) const = 0;
};

} // namespace ganvas::core
