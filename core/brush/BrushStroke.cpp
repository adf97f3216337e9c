// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/brush/BrushStroke.h"

#include <QLineF>

#include <cmath>

namespace ganvas::core {

BrushStroke::BrushStroke(const BrushSettings& settings, const QColor& colour, PaintSurface* surface)
    : m_settings(settings), m_colour(colour), m_surface(surface)
{
}

double BrushStroke::diameter(double pressure) const
{
    const double factor =
        std::max(m_settings.minimumSizeFactor, m_settings.pressureSize.map(pressure) * m_settings.tiltSize.map(m_tilt));
    return std::max(1.0, m_settings.size * factor);
}

void BrushStroke::dabAt(QPointF position, double pressure)
{
    Dab dab;
    dab.centre = position;
    dab.radius = diameter(pressure) / 2;
    dab.hardness = m_settings.hardness;
    dab.flow = m_settings.flow * m_settings.pressureOpacity.map(pressure) * m_settings.tiltOpacity.map(m_tilt);
    dab.opacity = m_settings.opacity;
    dab.erase = m_settings.mode == BrushMode::Erase;
    dab.colour = m_colour;
    if (m_settings.mode == BrushMode::Smudge) {
        // Carry colour along: mix what is under the dab into the colour picked up so far.
        const QColor under = m_surface->sampleColour(position, dab.radius);
        if (!m_carried.isValid()) {
            m_carried = under;
        } else {
            const double k = m_settings.smudgeStrength;
            m_carried = QColor::fromRgbF(float(m_carried.redF() * k + under.redF() * (1 - k)),
                                         float(m_carried.greenF() * k + under.greenF() * (1 - k)),
                                         float(m_carried.blueF() * k + under.blueF() * (1 - k)),
                                         float(m_carried.alphaF() * k + under.alphaF() * (1 - k)));
        }
        dab.colour = m_carried;
        dab.direct = true;
        dab.flow *= m_carried.alphaF();
    }
    m_surface->drawDab(dab);
    ++m_dabs;
}

namespace {
/// Four times the largest canvas edge (Document::kMaxEdge): no pointer move within a canvas
/// view is longer. Longer segments come only from damaged or hostile journals (fuzzing found
/// 1e308-pixel ones, which meant an endless dab loop).
constexpr double kMaxSegment = 4 * 32768.0;

bool isFinite(const InputPoint& p)
{
    return std::isfinite(p.position.x()) && std::isfinite(p.position.y()) && std::isfinite(p.pressure);
}
} // namespace

void BrushStroke::advanceTo(QPointF position, double pressure)
{
    // Lay dabs every `spacing` diameters along the segment, interpolating pressure, carrying the
    // remainder over to the next segment so spacing is even across input events.
    const QLineF segment(m_last, position);
    double length = segment.length();
    if (!(length > 0)) // NaN too
        return;
    if (length > kMaxSegment) { // lift the pen over it instead of laying millions of dabs
        m_last = position;
        m_lastPressure = pressure;
        m_carry = 0;
        return;
    }
    double walked = 0;
    QPointF from = m_last;
    double fromPressure = m_lastPressure;
    for (;;) {
        const double t0 = walked / length;
        const double p = fromPressure + (pressure - fromPressure) * t0;
        const double step = std::max(0.5, m_settings.spacing * diameter(p));
        const double need = step * (1.0 - m_carry);
        if (walked + need > length) {
            m_carry += (length - walked) / step;
            break;
        }
        walked += need;
        m_carry = 0;
        const double t = walked / length;
        dabAt(from + (position - from) * t, fromPressure + (pressure - fromPressure) * t);
    }
    m_last = position;
    m_lastPressure = pressure;
}

namespace {
/// Pen tilt as 0 (upright) … 1 (60 degrees or more), from the x and y tilt angles.
double tiltOf(const InputPoint& p)
{
    return std::min(1.0, std::hypot(p.xTilt, p.yTilt) / 60.0);
}
} // namespace

void BrushStroke::begin(const InputPoint& p)
{
    if (!isFinite(p)) // ignored, like a tablet event without a position
        return;
    m_started = true;
    m_tilt = tiltOf(p);
    m_last = m_smoothed = m_target = p.position;
    m_lastPressure = m_targetPressure = p.pressure;
    m_carry = 0;
    dabAt(p.position, p.pressure);
}

void BrushStroke::moveTo(const InputPoint& p)
{
    if (!m_started) {
        begin(p);
        return;
    }
    if (!isFinite(p))
        return;
    m_target = p.position;
    m_targetPressure = p.pressure;
    m_tilt = tiltOf(p);
    // Stabiliser: the tip follows the pointer by an exponential moving average.
    const double k = m_settings.smoothing;
    m_smoothed = m_smoothed * k + p.position * (1 - k);
    advanceTo(m_smoothed, p.pressure);
}

void BrushStroke::end()
{
    if (!m_started)
        return;
    if (m_settings.smoothing > 0)
        advanceTo(m_target, m_targetPressure); // catch up with where the pointer stopped
    m_started = false;
}

} // namespace ganvas::core
