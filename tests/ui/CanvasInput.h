// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file CanvasInput.h
/// Synthesized pointer input for the studio's GUI tests and the crash-recovery helper.

#include "ui/canvas/CanvasView.h"

#include <QApplication>
#include <QMouseEvent>

namespace ganvas::test {

/// Widget position of document point @p p on @p canvas.
inline QPoint toWidget(const ui::CanvasView* canvas, QPointF p)
{
    return canvas->viewTransform().map(p).toPoint();
}

/// A left-button mouse event (press, move with @p buttons held, release) at widget position @p pos.
inline void sendMouse(QWidget* w, QEvent::Type type, QPoint pos, Qt::MouseButtons buttons)
{
    QMouseEvent e(type, pos, w->mapToGlobal(pos), type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons,
                  Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

} // namespace ganvas::test
