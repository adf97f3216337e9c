// SPDX-License-Identifier: GPL-3.0-or-later
// Test helper for crash safety: runs the studio, does something, reports on stdout and keeps
// running until the test kills it with SIGKILL (issue #7).
//   ganvas_crash_helper              paints two strokes, prints "READY <journal>"
//   ganvas_crash_helper save FILE    saves a 2048² four-layer project to FILE over and over; prints
//                                    "SAVING k" before and "SAVED k" after version k (layer 4 is named "v<k>")
//   ganvas_crash_helper style ID     paints the two strokes, prints "READY <journal>", applies the
//                                    bundled style ID to the 1024² canvas, prints "STYLING" when the
//                                    job has started and "APPLIED #aarrggbb" (the composite at 500,384)
//                                    once its layer is in the document
#include "CanvasInput.h"
#include "core/settings/ComputeSettings.h"
#include "ui/MainWindow.h"
#include "ui/canvas/CanvasView.h"
#include "ui/panels/ColourPanel.h"
#include "ui/panels/StyleGalleryPanel.h"
#include "core/document/Document.h"
#include "core/journal/Journal.h"

#include <QRandomGenerator>
#include <QTimer>

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
    const QString mode = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    if (mode == QLatin1String("save")) {
        if (argc < 3)
            return 2;
        const QString file = QString::fromLocal8Bit(argv[2]);
        // Noise compresses badly, so each save writes ~50 MB of PNG and takes a while.
        auto doc = std::make_unique<ganvas::core::Document>(QSize(2048, 2048));
        QImage noise(2048, 2048, QImage::Format_ARGB32_Premultiplied);
        for (int l = 0; l < 3; ++l) {
            auto* rng = QRandomGenerator::global();
            for (int y = 0; y < noise.height(); ++y) {
                auto* row = reinterpret_cast<quint32*>(noise.scanLine(y));
                for (int x = 0; x < noise.width(); ++x)
                    row[x] = rng->generate() | 0xff000000u;
            }
            doc->addLayer(QStringLiteral("noise %1").arg(l), noise);
        }
        doc->addLayer(QStringLiteral("v0"), {});
        w.setDocument(std::move(doc));
        QTimer::singleShot(0, &w, [&w, file] {
            for (int k = 1;; ++k) {
                ganvas::core::Document* d = w.document();
                d->renameLayer(d->layerCount() - 1, QStringLiteral("v%1").arg(k));
                std::printf("SAVING %d\n", k);
                std::fflush(stdout);
                if (!w.saveTo(file))
                    return;
                std::printf("SAVED %d\n", k);
                std::fflush(stdout);
            }
        });
        return app.exec();
    }

    w.colourPanel()->setForeground(QColor(200, 0, 0));
    w.canvas()->zoomActualSize();
    stroke(w.canvas(), 384);
    stroke(w.canvas(), 300);
    std::printf("READY %s\n", qPrintable(w.autosaveJournal()));
    std::fflush(stdout);
    if (mode == QLatin1String("style") && argc > 2) {
        ganvas::ui::StyleGalleryPanel* gallery = w.styleGallery();
        QObject::connect(gallery, &ganvas::ui::StyleGalleryPanel::applied, &w, [&w] {
            const QColor c = w.document()->render(QRect(500, 384, 1, 1)).pixelColor(0, 0);
            w.document()->journal()->waitForWritten(); // the layer's picture is encoded off the GUI thread
            std::printf("APPLIED %s\n", qPrintable(c.name(QColor::HexArgb)));
            std::fflush(stdout);
        });
        QObject::connect(gallery, &ganvas::ui::StyleGalleryPanel::applyFailed, &w, [](const QString& message) {
            std::printf("FAILED %s\n", qPrintable(message));
            std::fflush(stdout);
        });
        gallery->selectStyle(QString::fromLocal8Bit(argv[2]));
        gallery->setStrength(100);
        gallery->setMethod(QStringLiteral("auto")); // the network alone: this is about the journal
        if (!gallery->applySelected())
            return 3;
        std::printf("STYLING\n");
        std::fflush(stdout);
    }
    return app.exec();
}
