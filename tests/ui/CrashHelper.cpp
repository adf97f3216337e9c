// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper for crash recovery: opens the studio, paints two strokes with synthesized mouse
// events, prints "READY" and keeps running until the test kills it with SIGKILL.
#include "core/settings/ComputeSettings.h"
#include "ui/MainWindow.h"
#include "ui/canvas/CanvasView.h"
#include "ui/panels/ColourPanel.h"

#include <QApplication>
#include <QMouseEvent>
#include <QStandardPaths>

#include <cstdio>

namespace {
void send(QWidget* w, QEvent::Type type, QPointF docPos, ganvas::ui::CanvasView* c)
{
    const QPointF pos = c->viewTransform().map(docPos);
    QMouseEvent e(type, pos, w->mapToGlobal(pos), type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton,
                  type == QEvent::MouseButtonRelease ? Qt::NoButton : Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

void stroke(ganvas::ui::CanvasView* c, double y)
{
    send(c, QEvent::MouseButtonPress, {400, y}, c);
    for (int x = 410; x <= 600; x += 10)
        send(c, QEvent::MouseMove, {double(x), y}, c);
    send(c, QEvent::MouseButtonRelease, {600, y}, c);
}
} // namespace

int main(int argc, char** argv)
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("GanvasTest"));
    QCoreApplication::setApplicationName(QStringLiteral("GanvasTest"));
    ganvas::core::applyComputeSettings({});
    ganvas::ui::MainWindow w;
    w.show();
    w.colourPanel()->setForeground(QColor(200, 0, 0));
    w.canvas()->zoomActualSize();
    stroke(w.canvas(), 384);
    stroke(w.canvas(), 300);
    std::printf("READY %s\n", qPrintable(w.autosaveJournal()));
    std::fflush(stdout);
    return app.exec();
}
