// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file BrushStroke.h
/// Turns pointer input (position, pressure, tilt, time) into dabs on a PaintSurface: spacing
/// along the path, pressure through the settings' curves, a stabiliser, and colour pick-up for
/// smudging.

#include "core/brush/BrushSettings.h"
#include "core/brush/PaintSurface.h"

namespace ganvas::core {

struct InputPoint {
    QPointF position;     ///< document pixels
    double pressure = 1;  ///< 0..1 (mouse: 1)
    double xTilt = 0, yTilt = 0; ///< degrees, -60..60 where the device gives them
    qint64 timeMs = 0;
};

class BrushStroke {
public:
    BrushStroke(const BrushSettings& settings, const QColor& colour, PaintSurface* surface);

    void begin(const InputPoint& p);
    void moveTo(const InputPoint& p);
    /// Draws up to the last input point (the stabiliser catches up).
    void end();

    int dabCount() const { return m_dabs; }

private:
    void dabAt(QPointF position, double pressure);
    void advanceTo(QPointF position, double pressure);
    double diameter(double pressure) const;

    BrushSettings m_settings;
    QColor m_colour;
    PaintSurface* m_surface;
    QPointF m_last;        ///< where the last dab was laid
    double m_lastPressure = 1;
    double m_tilt = 0;     ///< 0..1 tilt of the latest input point (see BrushSettings::tiltSize)
    QPointF m_smoothed;    ///< stabilised tip position
    QPointF m_target;      ///< last raw input
    double m_targetPressure = 1;
    double m_carry = 0;    ///< distance walked since the last dab, in diameters
    QColor m_carried;      ///< smudge colour
    int m_dabs = 0;
    bool m_started = false;
};

} // namespace ganvas::core
