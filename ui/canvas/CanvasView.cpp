// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/canvas/CanvasView.h"

#include "core/brush/FloodFill.h"
#include "core/brush/StrokeSession.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QPainter>
#include <QTabletEvent>
#include <QWheelEvent>

#include <cmath>

namespace ganvas::ui {

namespace {
constexpr qreal kMinZoom = 1.0 / 64;
constexpr qreal kMaxZoom = 64.0;

core::BrushSettings defaultEraser()
{
    core::BrushSettings e;
    e.id = QStringLiteral("eraser");
    e.name = QStringLiteral("Eraser");
    e.mode = core::BrushMode::Erase;
    e.size = 40;
    e.hardness = 0.9;
    return e;
}
} // namespace

CanvasView::CanvasView(QWidget* parent) : QWidget(parent), m_eraser(defaultEraser())
{
    setObjectName(QStringLiteral("canvasView"));
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAttribute(Qt::WA_AcceptTouchEvents);
    setMouseTracking(true);
    setTabletTracking(true);
    setCursor(Qt::CrossCursor);
    setAccessibleName(tr("Canvas"));
}

CanvasView::~CanvasView() = default;

void CanvasView::setDocument(core::Document* document)
{
    endStroke();
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    if (m_document) {
        connect(m_document, &core::Document::pixelsChanged, this, &CanvasView::onPixelsChanged);
        connect(m_document, &core::Document::selectionChanged, this, qOverload<>(&QWidget::update));
        connect(m_document, &core::Document::layersChanged, this, [this] {
            if (m_stroke) // the stack changed under a stroke (undo from a panel): drop the stroke
                endStroke();
        });
    }
    m_fitPending = true;
    rebuildComposite();
    zoomToFit();
}

void CanvasView::rebuildComposite()
{
    m_composite = m_document ? m_document->composite() : QImage();
    update();
}

void CanvasView::onPixelsChanged(const QRect& area)
{
    if (!m_document)
        return;
    if (m_composite.size() != m_document->size()) {
        rebuildComposite();
        return;
    }
    const QRect r = area.intersected(m_document->rect());
    if (r.isEmpty())
        return;
    QPainter p(&m_composite);
    p.setCompositionMode(QPainter::CompositionMode_Source);
    p.drawImage(r.topLeft(), m_document->render(r));
    p.end();
    update(viewTransform().mapRect(QRectF(r)).toAlignedRect().adjusted(-2, -2, 2, 2));
}

QTransform CanvasView::viewTransform() const
{
    QTransform t;
    t.translate(width() / 2.0 + m_pan.x(), height() / 2.0 + m_pan.y());
    t.rotate(m_rotation);
    t.scale(m_mirror ? -m_zoom : m_zoom, m_zoom);
    t.translate(-m_composite.width() / 2.0, -m_composite.height() / 2.0);
    return t;
}

void CanvasView::setZoom(qreal zoom, QPointF anchor)
{
    zoom = qBound(kMinZoom, zoom, kMaxZoom);
    if (qFuzzyCompare(zoom, m_zoom))
        return;
    const QPointF docPoint = viewTransform().inverted().map(anchor);
    m_zoom = zoom;
    m_pan += anchor - viewTransform().map(docPoint); // keep the point under the anchor in place
    m_fitPending = false;
    update();
    Q_EMIT zoomChanged(m_zoom);
    Q_EMIT viewChanged();
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
    const QRectF bounds = QTransform().rotate(m_rotation).mapRect(QRectF(QPointF(0, 0), QSizeF(m_composite.size())));
    m_zoom = qBound(kMinZoom, qMin((width() - 32.0) / bounds.width(), (height() - 32.0) / bounds.height()), kMaxZoom);
    m_pan = {};
    m_fitPending = true;
    update();
    Q_EMIT zoomChanged(m_zoom);
    Q_EMIT viewChanged();
}

void CanvasView::zoomActualSize()
{
    m_pan = {};
    m_fitPending = false;
    // 100 % is one image pixel per device pixel, also on high-DPI screens.
    m_zoom = 1.0 / devicePixelRatioF();
    update();
    Q_EMIT zoomChanged(m_zoom);
    Q_EMIT viewChanged();
}

void CanvasView::rotateBy(qreal degrees)
{
    m_rotation = std::fmod(m_rotation + degrees + 360.0, 360.0);
    update();
    Q_EMIT viewChanged();
}

void CanvasView::resetRotation()
{
    m_rotation = 0;
    update();
    Q_EMIT viewChanged();
}

void CanvasView::setMirrored(bool mirrored)
{
    m_mirror = mirrored;
    update();
    Q_EMIT viewChanged();
}

void CanvasView::setTool(Tool tool)
{
    m_tool = tool;
    update(outlineRect());
}

void CanvasView::setBrush(const core::BrushSettings& brush)
{
    if (brush.mode == core::BrushMode::Erase) {
        m_eraser = brush;
        setTool(Tool::Eraser);
    } else {
        m_brush = brush;
        setTool(Tool::Brush);
    }
}

void CanvasView::setEraser(const core::BrushSettings& eraser)
{
    m_eraser = eraser;
}

void CanvasView::setColour(const QColor& colour)
{
    m_colour = colour;
}

bool CanvasView::isSelectTool() const
{
    return m_tool == Tool::RectangleSelect || m_tool == Tool::EllipseSelect || m_tool == Tool::LassoSelect;
}

void CanvasView::finishSelection(Qt::KeyboardModifiers modifiers)
{
    if (!m_document || m_selecting.size() < 2) {
        m_selecting.clear();
        return;
    }
    // Shift adds to the selection, Alt takes away from it (as in Krita, GIMP and Photoshop).
    const auto mode = (modifiers & Qt::ShiftModifier)  ? core::Document::SelectMode::Add
                      : (modifiers & Qt::AltModifier) ? core::Document::SelectMode::Subtract
                                                      : core::Document::SelectMode::Replace;
    const QRect box = QRectF(m_selecting.first(), m_selecting.last()).normalized().toRect();
    if (m_tool == Tool::RectangleSelect)
        box.width() < 1 || box.height() < 1 ? m_document->deselect() : m_document->selectRectangle(box, mode);
    else if (m_tool == Tool::EllipseSelect)
        box.width() < 1 || box.height() < 1 ? m_document->deselect() : m_document->selectEllipse(box, mode);
    else
        m_selecting.size() < 3 ? m_document->deselect() : m_document->selectPolygon(m_selecting, mode);
    m_selecting.clear();
    update();
}

const core::BrushSettings& CanvasView::activeBrush() const
{
    return m_tool == Tool::Eraser ? m_eraser : m_brush;
}

void CanvasView::scaleBrushSize(qreal factor)
{
    core::BrushSettings& b = m_tool == Tool::Eraser ? m_eraser : m_brush;
    const QRect old = outlineRect();
    double size = std::round(b.size * factor);
    if (size == b.size) // small brushes: always move by at least one pixel
        size += factor > 1 ? 1 : -1;
    b.size = qBound(1.0, size, 1000.0);
    update(old | outlineRect());
    Q_EMIT brushSizeChanged(b.size);
}

QRect CanvasView::outlineRect() const
{
    if (m_cursor.x() < 0)
        return {};
    const qreal r = activeBrush().size / 2 * m_zoom + 3;
    return QRectF(m_cursor.x() - r, m_cursor.y() - r, 2 * r, 2 * r).toAlignedRect();
}

void CanvasView::updateCursorOutline(QPointF widgetPos)
{
    const QRect old = outlineRect();
    m_cursor = widgetPos;
    update(old | outlineRect());
}

void CanvasView::setOverlay(const QImage& image, const QRect& documentRect)
{
    const QRect old = m_overlayRect;
    m_overlay = image;
    m_overlayRect = image.isNull() ? QRect() : documentRect;
    const QTransform view = viewTransform();
    update(view.mapRect(QRectF(old.united(m_overlayRect))).toAlignedRect().adjusted(-2, -2, 2, 2));
}

void CanvasView::paintEvent(QPaintEvent* event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().color(QPalette::Dark));
    if (m_composite.isNull())
        return;
    const QTransform view = viewTransform();
    // Draw only the part of the composite under the exposed area.
    const QRect source = view.inverted().mapRect(QRectF(event->rect())).toAlignedRect().adjusted(-1, -1, 1, 1).intersected(
        m_composite.rect());
    p.setTransform(view);
    if (!source.isEmpty()) {
        p.fillRect(source, QBrush(Qt::lightGray, Qt::Dense4Pattern)); // transparency shows as a pattern
        p.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 1.0 || !qFuzzyIsNull(std::fmod(m_rotation, 90.0)));
        p.drawImage(source.topLeft(), m_composite, source);
    }
    if (!m_overlay.isNull()) {
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(QRectF(m_overlayRect), m_overlay);
    }
    p.setPen(QPen(palette().color(QPalette::Shadow), 0));
    p.drawRect(QRectF(QPointF(0, 0), QSizeF(m_composite.size())));
    // Selection outline ("marching ants": black and white dashes) and the one being dragged out.
    QPainterPath outline = m_document ? m_document->selection().outline() : QPainterPath();
    if (!m_selecting.isEmpty()) {
        QPainterPath band;
        const QRectF box = QRectF(m_selecting.first(), m_selecting.last()).normalized();
        if (m_tool == Tool::RectangleSelect)
            band.addRect(box);
        else if (m_tool == Tool::EllipseSelect)
            band.addEllipse(box);
        else
            band.addPolygon(m_selecting);
        outline.addPath(band);
    }
    if (!outline.isEmpty()) {
        p.setPen(QPen(Qt::white, 0));
        p.drawPath(outline);
        QPen dashes(Qt::black, 0, Qt::DashLine);
        p.setPen(dashes);
        p.drawPath(outline);
    }
    p.resetTransform();
    if ((m_tool == Tool::Brush || m_tool == Tool::Eraser) && m_cursor.x() >= 0 && !m_panning) {
        const qreal r = activeBrush().size / 2 * m_zoom;
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(QColor(0, 0, 0, 160), 1));
        p.drawEllipse(m_cursor, r, r);
        p.setPen(QPen(QColor(255, 255, 255, 160), 1));
        p.drawEllipse(m_cursor, r + 1, r + 1);
    }
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
        Q_EMIT viewChanged();
    }
    event->accept();
}

bool CanvasView::event(QEvent* event)
{
    if (event->type() == QEvent::NativeGesture) {
        auto* g = static_cast<QNativeGestureEvent*>(event);
        if (g->gestureType() == Qt::ZoomNativeGesture) {
            setZoom(m_zoom * (1.0 + g->value()), g->position());
            return true;
        }
        if (g->gestureType() == Qt::RotateNativeGesture) {
            rotateBy(g->value());
            return true;
        }
    }
    return QWidget::event(event);
}

void CanvasView::beginStroke(const core::InputPoint& p, bool eraserEnd)
{
    if (!m_document)
        return;
    m_strokeErases = eraserEnd || m_tool == Tool::Eraser;
    const int layer = m_document->currentLayer();
    const bool mask = m_editMask && m_document->layer(layer).hasMask;
    m_stroke = std::make_unique<core::StrokeSession>(m_document, layer, m_strokeErases ? m_eraser : m_brush, m_colour, mask);
    if (!m_stroke->isPaintable()) {
        m_stroke.reset();
        Q_EMIT message(tr("The layer \"%1\" is locked.").arg(m_document->layer(m_document->currentLayer()).name));
        return;
    }
    if (!m_strokeErases)
        Q_EMIT strokeStarted(m_colour);
    m_stroke->begin(p);
    flushStroke();
}

void CanvasView::continueStroke(const core::InputPoint& p)
{
    if (!m_stroke)
        return;
    m_stroke->moveTo(p);
    flushStroke();
}

void CanvasView::flushStroke()
{
    const QRect dirty = m_stroke ? m_stroke->takeDirty() : QRect();
    if (!dirty.isEmpty())
        m_document->notifyPixelsChanged(dirty);
}

void CanvasView::endStroke()
{
    if (!m_stroke)
        return;
    auto stroke = std::move(m_stroke);
    stroke->end(m_strokeErases ? tr("Erase") : tr("Brush stroke"));
    const QRect dirty = stroke->takeDirty();
    if (!dirty.isEmpty())
        m_document->notifyPixelsChanged(dirty);
}

void CanvasView::pickColour(QPointF widgetPos)
{
    if (!m_document)
        return;
    const QPoint docPos = viewTransform().inverted().map(widgetPos).toPoint();
    if (!m_document->rect().contains(docPos))
        return;
    QColor c = m_document->render(QRect(docPos, QSize(1, 1))).pixelColor(0, 0);
    c.setAlpha(255);
    m_colour = c;
    Q_EMIT colourPicked(c);
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
    if (event->button() == Qt::LeftButton) {
        const QPointF docPos = viewTransform().inverted().map(event->position());
        if (isSelectTool()) {
            m_selecting = {docPos};
            event->accept();
            return;
        }
        if (m_tool == Tool::Fill) {
            if (m_document && core::floodFill(*m_document, m_document->currentLayer(), docPos.toPoint(), m_colour,
                                              m_fillTolerance, false) == 0 &&
                m_document->layer(m_document->currentLayer()).locked)
                Q_EMIT message(tr("The layer \"%1\" is locked.").arg(m_document->layer(m_document->currentLayer()).name));
            event->accept();
            return;
        }
        if (m_tool == Tool::Eyedropper)
            pickColour(event->position());
        else
            beginStroke({viewTransform().inverted().map(event->position()), 1.0, 0, 0, static_cast<qint64>(event->timestamp())}, false);
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
        Q_EMIT viewChanged();
        return;
    }
    if (!m_selecting.isEmpty() && (event->buttons() & Qt::LeftButton)) {
        const QPointF docPos = viewTransform().inverted().map(event->position());
        if (m_tool == Tool::LassoSelect)
            m_selecting << docPos;
        else if (m_selecting.size() == 1)
            m_selecting << docPos;
        else
            m_selecting.last() = docPos;
        update();
        return;
    }
    if (m_stroke && (event->buttons() & Qt::LeftButton))
        continueStroke({viewTransform().inverted().map(event->position()), 1.0, 0, 0, static_cast<qint64>(event->timestamp())});
    else if (m_tool == Tool::Eyedropper && (event->buttons() & Qt::LeftButton))
        pickColour(event->position());
    updateCursorOutline(event->position());
}

void CanvasView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_panning) {
        m_panning = false;
        setCursor(m_spaceDown ? Qt::OpenHandCursor : Qt::CrossCursor);
        return;
    }
    if (event->button() == Qt::LeftButton) {
        if (!m_selecting.isEmpty())
            finishSelection(event->modifiers());
        endStroke();
    }
    QWidget::mouseReleaseEvent(event);
}

void CanvasView::tabletEvent(QTabletEvent* event)
{
    const core::InputPoint p{viewTransform().inverted().map(event->position()), event->pressure(), event->xTilt(),
                             event->yTilt(), static_cast<qint64>(event->timestamp())};
    const bool eraserEnd = event->pointerType() == QPointingDevice::PointerType::Eraser;
    switch (event->type()) {
    case QEvent::TabletPress:
        if (m_tool == Tool::Eyedropper)
            pickColour(event->position());
        else if (!m_spaceDown)
            beginStroke(p, eraserEnd);
        break;
    case QEvent::TabletMove:
        if (m_stroke)
            continueStroke(p);
        updateCursorOutline(event->position());
        break;
    case QEvent::TabletRelease: endStroke(); break;
    default: break;
    }
    event->accept(); // no synthesized mouse events on top
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
        setCursor(Qt::CrossCursor);
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void CanvasView::leaveEvent(QEvent* event)
{
    updateCursorOutline({-1, -1});
    QWidget::leaveEvent(event);
}

void CanvasView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (m_fitPending)
        zoomToFit();
}

} // namespace ganvas::ui
