// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper for crash recovery: opens the studio, paints two strokes with synthesized mouse
// events, prints "READY" and keeps running until the test kills it with SIGKILL.
#include "CanvasInput.h"
#include "core/settings/ComputeSettings.h"
#include "ui/MainWindow.h"
#include "ui/canvas/CanvasView.h"
#include "ui/panels/ColourPanel.h"

#include <QApplication>
#include <QStandardPaths>

#include <cstdio>

namespace {
void stroke(ganvas::ui::CanvasView* c, double y)
{
    using ganvas::test::sendMouse;
    using ganvas::test::toWidget;
    sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {400, y}), Qt::LeftButton);
    for (int x = 410; x <= 600; x += 10)
        sendMouse(c, QEvent::MouseMove, toWidget(c, {double(x), y}), Qt::LeftButton);
    sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {600, y}), Qt::NoButton);
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
