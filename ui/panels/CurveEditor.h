// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file CurveEditor.h
/// Edits a PressureCurve the way Krita's and MyPaint's curve widgets do: drag a point to move it,
/// click empty space to add one, double-click a point (not an end point) to remove it.

#include "core/brush/PressureCurve.h"

#include <QWidget>

namespace ganvas::ui {

class CurveEditor : public QWidget {
    Q_OBJECT
public:
    explicit CurveEditor(QWidget* parent = nullptr);

    const core::PressureCurve& curve() const { return m_curve; }
    void setCurve(const core::PressureCurve& curve);
    /// Widget position of curve point (x, y) with y in 0..1 (the editor shows factors 0..1).
    QPointF toWidget(QPointF p) const;
    QSize sizeHint() const override { return {160, 110}; }

Q_SIGNALS:
    void curveChanged(const ganvas::core::PressureCurve& curve);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

private:
    QPointF toCurve(QPointF widget) const;
    int pointAt(QPointF widget) const;
    QRectF plotRect() const;

    core::PressureCurve m_curve;
    int m_dragging = -1;
};

} // namespace ganvas::ui
