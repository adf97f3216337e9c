// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file CanvasView.h
/// Shows a Document: zoom (Ctrl+wheel or the View menu, around the cursor), pan (wheel, middle
/// button drag, Space+drag), fit and 100 %. Repaints only what it must; never runs tensor code.

#include <QImage>
#include <QPointF>
#include "core/document/Document.h"

#include <QPointer>
#include <QWidget>


namespace ganvas::ui {

class CanvasView : public QWidget {
    Q_OBJECT
public:
    explicit CanvasView(QWidget* parent = nullptr);

    void setDocument(core::Document* document);
    core::Document* document() const { return m_document; }

    qreal zoom() const { return m_zoom; }
    void setZoom(qreal zoom, QPointF anchor);

    QSize sizeHint() const override { return {800, 600}; }

public Q_SLOTS:
    void zoomIn();
    void zoomOut();
    void zoomToFit();
    void zoomActualSize();

Q_SIGNALS:
    void zoomChanged(qreal zoom);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void refreshComposite();
    QPointF canvasOrigin() const;

    QPointer<core::Document> m_document;
    QImage m_composite;
    qreal m_zoom = 1.0;
    QPointF m_pan;  ///< offset of the canvas centre from the widget centre, widget pixels
    bool m_fitPending = true;
    bool m_spaceDown = false;
    bool m_panning = false;
    QPointF m_lastMouse;
};

} // namespace ganvas::ui
