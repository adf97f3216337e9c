// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file PressureCurve.h
/// Maps stylus pressure or tilt (0..1) to a factor (0..kMaxFactor, usually 0..1) through editable
/// control points, linearly interpolated (the curve editors of Krita and MyPaint). The default
/// is the identity.

#include <QJsonArray>
#include <QPointF>
#include <QVector>

namespace ganvas::core {

class PressureCurve {
public:
    static constexpr double kMaxFactor = 4.0; ///< e.g. a pencil laid flat drawing 3x wider
    PressureCurve(); ///< identity: (0,0) (1,1)
    /// Points are clamped to x in [0,1] and y in [0,kMaxFactor], sorted by x (points with equal
    /// x keep their order: a vertical step); fewer than two points give the identity.
    explicit PressureCurve(QVector<QPointF> points);

    double map(double pressure) const;
    const QVector<QPointF>& points() const { return m_points; }

    /// [[x, y], …]
    QJsonArray toJson() const;
    /// Returns false (and leaves @p out unchanged) when @p json is not a list of [x, y] pairs.
    static bool fromJson(const QJsonArray& json, PressureCurve* out);

    bool operator==(const PressureCurve& o) const { return m_points == o.m_points; }

private:
    QVector<QPointF> m_points;
};

} // namespace ganvas::core
