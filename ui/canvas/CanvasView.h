// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file CanvasView.h
/// Shows a Document and paints on it. View: zoom (Ctrl+wheel, pinch, View menu) around the
/// pointer, pan (wheel, middle button, Space+drag), rotate, mirror, fit, 100 %. Painting: mouse
/// and tablet (pressure, tilt; the pen's eraser end erases) through the brush engine onto the
/// current layer; each stroke is one undo command. Only dirty regions are re-composited and
/// repainted. GUI thread; never runs tensor code.

#include "core/brush/BrushSettings.h"
#include "core/document/Document.h"

#include <QImage>
#include <QPointF>
#include <QPolygonF>
#include <QPointer>
#include <QTransform>
#include <QWidget>

#include <memory>

namespace ganvas::core {
class StrokeSession;
struct InputPoint;
} // namespace ganvas::core

namespace ganvas::ui {

enum class Tool { Brush, Eraser, Eyedropper, Fill, RectangleSelect, EllipseSelect, LassoSelect };

class CanvasView : public QWidget {
    Q_OBJECT
public:
    explicit CanvasView(QWidget* parent = nullptr);
    ~CanvasView() override;

    void setDocument(core::Document* document);
    core::Document* document() const { return m_document; }

    /// Logical widget pixels per image pixel.
    qreal zoom() const { return m_zoom; }
    /// Device pixels per image pixel: what "100 %" refers to.
    qreal devicePixelZoom() const { return m_zoom * devicePixelRatioF(); }
    void setZoom(qreal zoom, QPointF anchor);
    qreal rotation() const { return m_rotation; }
    bool isMirrored() const { return m_mirror; }
    /// Document -> widget coordinates.
    QTransform viewTransform() const;

    Tool tool() const { return m_tool; }
    const core::BrushSettings& brush() const { return m_brush; }
    const core::BrushSettings& eraser() const { return m_eraser; }
    QColor colour() const { return m_colour; }

    QSize sizeHint() const override { return {800, 600}; }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void zoomActualSize();
    void rotateBy(qreal degrees);
    void resetRotation();
    void setMirrored(bool mirrored);
    void setTool(ganvas::ui::Tool tool);
    void setBrush(const ganvas::core::BrushSettings& brush);
    void setEraser(const ganvas::core::BrushSettings& eraser);
    void setColour(const QColor& colour);
    void setFillTolerance(int tolerance) { m_fillTolerance = tolerance; }
    /// Strokes go into the current layer's mask (when it has one) instead of its pixels.
    void setEditingMask(bool editing) { m_editMask = editing; }
    /// Shows @p image stretched over @p documentRect above the canvas (a running job's preview,
    /// e.g. style transfer streaming its coarse-to-fine passes); a null image removes it.
    void setOverlay(const QImage& image, const QRect& documentRect);
    const QImage& overlay() const { return m_overlay; }
    bool isEditingMask() const { return m_editMask; }
    int fillTolerance() const { return m_fillTolerance; }
    /// Multiplies the active tool's size (the [ and ] keys).
    void scaleBrushSize(qreal factor);

Q_SIGNALS:
    void zoomChanged(qreal zoom);
    void viewChanged();
    void colourPicked(const QColor& colour);
    void brushSizeChanged(double size);
    /// A user-facing note ("This layer is locked").
    void message(const QString& text);
    /// A brush stroke began with @p colour (eraser strokes too, with the brush colour).
    void strokeStarted(const QColor& colour);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void tabletEvent(QTabletEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void leaveEvent(QEvent* event) override;
    bool event(QEvent* event) override;

private:
    void onPixelsChanged(const QRect& area);
    void rebuildComposite();
    void beginStroke(const core::InputPoint& p, bool eraserEnd);
    void continueStroke(const core::InputPoint& p);
    void endStroke();
    void flushStroke();
    void pickColour(QPointF widgetPos);
    void updateCursorOutline(QPointF widgetPos);
    QRect outlineRect() const;
    const core::BrushSettings& activeBrush() const;
    bool isSelectTool() const;
    void finishSelection(Qt::KeyboardModifiers modifiers);

    QPointer<core::Document> m_document;
    QImage m_composite;
    qreal m_zoom = 1.0;
    qreal m_rotation = 0;   ///< degrees, clockwise on screen
    bool m_mirror = false;
    QPointF m_pan;          ///< canvas centre offset from the widget centre, widget pixels
    bool m_fitPending = true;
    bool m_spaceDown = false;
    bool m_panning = false;
    QPointF m_lastMouse;
    QPointF m_cursor{-1, -1};

    Tool m_tool = Tool::Brush;
    core::BrushSettings m_brush;
    core::BrushSettings m_eraser;
    QColor m_colour = Qt::black;
    std::unique_ptr<core::StrokeSession> m_stroke;
    bool m_strokeErases = false;
    int m_fillTolerance = 32;
    bool m_editMask = false;
    QImage m_overlay;
    QRect m_overlayRect;
    QPolygonF m_selecting; ///< document points of the selection being dragged out
};

} // namespace ganvas::ui
