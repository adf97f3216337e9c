// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/CurveEditor.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace ganvas::ui {

namespace {
constexpr qreal kHandle = 5;
}

CurveEditor::CurveEditor(QWidget* parent) : QWidget(parent)
{
    setMinimumSize(120, 80);
    setToolTip(tr("Drag points to shape the curve; click to add a point, double-click to remove one"));
}

void CurveEditor::setCurve(const core::PressureCurve& curve)
{
    m_curve = curve;
    update();
}

QRectF CurveEditor::plotRect() const
{
    return QRectF(rect()).adjusted(kHandle + 1, kHandle + 1, -kHandle - 1, -kHandle - 1);
}

QPointF CurveEditor::toWidget(QPointF p) const
{
    const QRectF r = plotRect();
    return {r.left() + p.x() * r.width(), r.bottom() - qMin(1.0, p.y()) * r.height()};
}

QPointF CurveEditor::toCurve(QPointF w) const
{
    const QRectF r = plotRect();
    return {qBound(0.0, (w.x() - r.left()) / r.width(), 1.0), qBound(0.0, (r.bottom() - w.y()) / r.height(), 1.0)};
}

int CurveEditor::pointAt(QPointF widget) const
{
    const auto& pts = m_curve.points();
    for (int i = 0; i < pts.size(); ++i)
        if (QLineF(toWidget(pts[i]), widget).length() <= kHandle + 2)
            return i;
    return -1;
}

void CurveEditor::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r = plotRect();
    p.fillRect(r, palette().base());
    p.setPen(QPen(palette().mid().color(), 0, Qt::DotLine));
    for (int i = 1; i < 4; ++i) {
        p.drawLine(QPointF(r.left() + r.width() * i / 4, r.top()), QPointF(r.left() + r.width() * i / 4, r.bottom()));
        p.drawLine(QPointF(r.left(), r.top() + r.height() * i / 4), QPointF(r.right(), r.top() + r.height() * i / 4));
    }
    QPainterPath path;
    const auto& pts = m_curve.points();
    path.moveTo(toWidget(pts.front()));
    for (const QPointF& pt : pts)
        path.lineTo(toWidget(pt));
    p.setPen(QPen(palette().highlight().color(), 2));
    p.drawPath(path);
    p.setBrush(palette().highlight());
    for (const QPointF& pt : pts)
        p.drawEllipse(toWidget(pt), kHandle - 1, kHandle - 1);
}

void CurveEditor::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return;
    m_dragging = pointAt(event->position());
    if (m_dragging < 0) { // add a point here
        auto pts = m_curve.points();
        const QPointF c = toCurve(event->position());
        pts.push_back(c);
        m_curve = core::PressureCurve(pts);
        m_dragging = pointAt(toWidget(c));
        Q_EMIT curveChanged(m_curve);
        update();
    }
}

void CurveEditor::mouseMoveEvent(QMouseEvent* event)
{
    if (m_dragging < 0)
        return;
    auto pts = m_curve.points();
    QPointF c = toCurve(event->position());
    // End points stay at x = 0 and x = 1; inner points stay between their neighbours.
    if (m_dragging == 0)
        c.setX(0);
    else if (m_dragging == pts.size() - 1)
        c.setX(1);
    else
        c.setX(qBound(pts[m_dragging - 1].x() + 0.01, c.x(), pts[m_dragging + 1].x() - 0.01));
    pts[m_dragging] = c;
    m_curve = core::PressureCurve(pts);
    Q_EMIT curveChanged(m_curve);
    update();
}

void CurveEditor::mouseReleaseEvent(QMouseEvent*)
{
    m_dragging = -1;
}

void CurveEditor::mouseDoubleClickEvent(QMouseEvent* event)
{
    const int i = pointAt(event->position());
    auto pts = m_curve.points();
    if (i <= 0 || i >= pts.size() - 1)
        return;
    pts.removeAt(i);
    m_curve = core::PressureCurve(pts);
    m_dragging = -1;
    Q_EMIT curveChanged(m_curve);
    update();
}

} // namespace ganvas::ui
