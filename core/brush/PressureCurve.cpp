// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/brush/PressureCurve.h"

#include <algorithm>

namespace ganvas::core {

PressureCurve::PressureCurve() : m_points{{0, 0}, {1, 1}} {}

PressureCurve::PressureCurve(QVector<QPointF> points)
{
    for (QPointF& p : points)
        p = {qBound(0.0, p.x(), 1.0), qBound(0.0, p.y(), kMaxFactor)};
    // Stable: points with the same x (a vertical step) keep their order, so a curve read back
    // from its own toJson() is the same curve (fuzz_brush_presets found std::sort reordering them).
    std::stable_sort(points.begin(), points.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
    m_points = points.size() >= 2 ? points : QVector<QPointF>{{0, 0}, {1, 1}};
}

double PressureCurve::map(double pressure) const
{
    const double x = qBound(0.0, pressure, 1.0);
    if (x <= m_points.front().x())
        return m_points.front().y();
    for (int i = 1; i < m_points.size(); ++i) {
        const QPointF a = m_points[i - 1], b = m_points[i];
        if (x <= b.x()) {
            const double span = b.x() - a.x();
            return span <= 0 ? b.y() : a.y() + (b.y() - a.y()) * (x - a.x()) / span;
        }
    }
    return m_points.back().y();
}

QJsonArray PressureCurve::toJson() const
{
    QJsonArray out;
    for (const QPointF& p : m_points)
        out.append(QJsonArray{p.x(), p.y()});
    return out;
}

bool PressureCurve::fromJson(const QJsonArray& json, PressureCurve* out)
{
    QVector<QPointF> points;
    for (const auto& v : json) {
        const QJsonArray pair = v.toArray();
        if (!v.isArray() || pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble())
            return false;
        points.push_back({pair[0].toDouble(), pair[1].toDouble()});
    }
    if (points.size() < 2 || points.size() > 64)
        return false;
    *out = PressureCurve(points);
    return true;
}

} // namespace ganvas::core
