// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/canvas/CanvasView.h"

#include "core/document/Document.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>

namespace ganvas::ui {

namespace {
constexpr qreal kMinZoom = 1.0 / 64;
constexpr qreal kMaxZoom = 64.0;
} // namespace

CanvasView::CanvasView(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("canvasView"));
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(true);
    setAccessibleName(tr("Canvas"));
}

void CanvasView::setDocument(core::Document* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    if (m_document)
        connect(m_document, &core::Document::pixelsChanged, this, &CanvasView::refreshComposite);
    m_fitPending = true;
    refreshComposite();
    zoomToFit();
}

void CanvasView::refreshComposite()
{
    m_composite = m_document ? m_document->composite() : QImage();
    update();
}

QPointF CanvasView::canvasOrigin() const
{
    const QSizeF scaled = QSizeF(m_composite.size()) * m_zoom;
    return QPointF(width() / 2.0, height() / 2.0) + m_pan - QPointF(scaled.width() / 2, scaled.height() / 2);
}

void CanvasView::setZoom(qreal zoom, QPointF anchor)
{
    zoom = qBound(kMinZoom, zoom, kMaxZoom);
    if (qFuzzyCompare(zoom, m_zoom))
        return;
    // Keep the canvas point under the anchor where it is.
    const QPointF origin = canvasOrigin();
    const QPointF canvasPoint = (anchor - origin) / m_zoom;
    m_zoom = zoom;
    const QPointF newOrigin = canvasOrigin();
    m_pan += anchor - (newOrigin + canvasPoint * m_zoom);
    m_fitPending = false;
    update();
    Q_EMIT zoomChanged(m_zoom);
}

void CanvasView::zoomIn()
{
    setZoom(m_zoom * std::sqrt(2.0), rect().center());
}

void CanvasView::zoomOut()
{
    setZoom(m_zoom / std::sqrt(2.0), rect().center());
}

void CanvasView::zoomToFit()
{
    if (m_composite.isNull() || width() < 2 || height() < 2)
        return;
    const qreal fx = (width() - 32.0) / m_composite.width();
    const qreal fy = (height() - 32.0) / m_composite.height();
    m_zoom = qBound(kMinZoom, qMin(fx, fy), kMaxZoom);
    m_pan = {};
    m_fitPending = true;
    update();
    Q_EMIT zoomChanged(m_zoom);
}

void CanvasView::zoomActualSize()
{
    m_pan = {};
    m_fitPending = false;
    m_zoom = 1.0;
    update();
    Q_EMIT zoomChanged(m_zoom);
}

void CanvasView::paintEvent(QPaintEvent* event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().color(QPalette::Dark));
    if (m_composite.isNull())
        return;
    const QPointF origin = canvasOrigin();
    const QRectF target(origin, QSizeF(m_composite.size()) * m_zoom);
    // A checkerboard shows transparency under the composite.
    p.fillRect(target, QBrush(Qt::lightGray, Qt::Dense4Pattern));
    p.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 1.0);
    p.drawImage(target, m_composite);
    p.setPen(QPen(palette().color(QPalette::Shadow), 1));
    p.drawRect(target.adjusted(-0.5, -0.5, 0.5, 0.5));
}

void CanvasView::wheelEvent(QWheelEvent* event)
{
    const QPointF delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        setZoom(m_zoom * std::pow(2.0, delta.y() / 480.0), event->position());
    } else {
        m_pan += event->pixelDelta().isNull() ? delta / 2.0 : QPointF(event->pixelDelta());
        m_fitPending = false;
        update();
    }
    event->accept();
}

void CanvasView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceDown)) {
        m_panning = true;
        m_lastMouse = event->position();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QWidget::mousePressEvent(event);
}

void CanvasView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_panning) {
        m_pan += event->position() - m_lastMouse;
        m_lastMouse = event->position();
        m_fitPending = false;
        update();
    }
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning) {
        m_panning = false;
        setCursor(m_spaceDown ? Qt::OpenHandCursor : Qt::ArrowCursor);
    }
    QWidget::mouseReleaseEvent(event);
}

void CanvasView::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceDown = true;
        setCursor(Qt::OpenHandCursor);
        return;
    }
    QWidget::keyPressEvent(event);
}

void CanvasView::keyReleaseEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceDown = false;
        setCursor(Qt::ArrowCursor);
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void CanvasView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (m_fitPending)
        zoomToFit();
}

} // namespace ganvas::ui
