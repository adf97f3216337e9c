// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the real studio window offscreen with QTest events.
#include "core/document/Document.h"
#include "core/engine/jobs/Job.h"
#include "core/io/ImageIO.h"
#include "core/jobs/JobRunner.h"
#include "core/settings/ComputeSettings.h"
#include "ui/MainWindow.h"
#include "ui/canvas/CanvasView.h"
#include "ui/dialogs/AboutDialog.h"
#include "ui/panels/JobRow.h"
#include "ui/panels/JobsPanel.h"

#include <QtTest>
#include <QtWidgets>

using namespace ganvas;

namespace {

/// Reports progress and a preview, then works until cancelled.
class SlowPreviewJob : public engine::Job {
public:
    std::string title() const override { return "Slow preview job"; }
    void run(engine::JobContext& ctx) override
    {
        ctx.progress(1, 4, "first pass");
        ctx.preview(torch::full({3, 32, 32}, 0.5f), 0);
        while (true) {
            ctx.throwIfCancelled();
            QThread::msleep(2);
        }
    }
};

QAction* findAction(QWidget* window, const QString& text)
{
    for (QAction* a : window->findChildren<QAction*>())
        if (a->text().remove(QLatin1Char('&')) == text)
            return a;
    return nullptr;
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GanvasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("GanvasTest"));
        QSettings().clear();
        QVERIFY(core::applyComputeSettings({}).error.isEmpty());
    }

    void docksAndMenusExist()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (const char* name : {"styleGalleryDock", "latentSpaceDock", "layersDock", "jobsDock"}) {
            QDockWidget* d = w.dock(QString::fromLatin1(name));
            QVERIFY2(d, name);
            QVERIFY(d->widget());
        }
        QCOMPARE(w.dock("styleGalleryDock")->windowTitle(), QStringLiteral("Style Gallery"));
        QCOMPARE(w.dock("latentSpaceDock")->windowTitle(), QStringLiteral("Latent Space"));
        const QStringList menus = [&] {
            QStringList out;
            for (QAction* a : w.menuBar()->actions())
                out << a->text().remove(QLatin1Char('&'));
            return out;
        }();
        QCOMPARE(menus, QStringList({"File", "Edit", "View", "Tools", "Help"}));
        QCOMPARE(findAction(&w, "Open…")->shortcut(), QKeySequence(QKeySequence::Open));
        QCOMPARE(findAction(&w, "Undo")->shortcut(), QKeySequence(QKeySequence::Undo));
        QCOMPARE(findAction(&w, "Export…")->shortcut(), QKeySequence("Ctrl+Shift+E"));
        QVERIFY(w.canvas()->document());
        QCOMPARE(w.document()->size(), QSize(1024, 768));
    }

    void jobsDockShowsProgressPreviewAndCancels()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        core::JobRunner* runner = w.jobRunner();
        runner->setThrottleInterval(0);
        QSignalSpy cancelled(runner, &core::JobRunner::cancelled);
        const core::JobId id = runner->submit(std::make_shared<SlowPreviewJob>());
        ui::JobRow* row = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((row = w.jobsPanel()->row(id)) && row->hasPreview(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(row->progressValue(), 250, 5000); // 1 of 4
        QCOMPARE(row->statusText(), QStringLiteral("first pass"));
        QVERIFY(row->cancelButton()->isVisible());
        QTest::mouseClick(row->cancelButton(), Qt::LeftButton);
        QVERIFY(cancelled.wait(5000) || cancelled.count() == 1);
        QTRY_VERIFY_WITH_TIMEOUT(row->statusText().startsWith(QStringLiteral("Cancelled")), 5000);
        QCOMPARE(row->state(), core::JobState::Cancelled);
        QVERIFY(!row->cancelButton()->isVisible());
        // The document was not touched by the cancelled job.
        QCOMPARE(w.document()->undoStack()->count(), 0);
        // "Clear finished" removes ended rows.
        QTest::mouseClick(w.jobsPanel()->findChild<QPushButton*>("clearFinished"), Qt::LeftButton);
        QCOMPARE(w.jobsPanel()->rowCount(), 0);
    }

    void windowStateIsKept()
    {
        {
            ui::MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.dock("layersDock")->hide();
            w.resize(900, 650);
            w.close();
        }
        ui::MainWindow again;
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(!again.dock("layersDock")->isVisible());
        QVERIFY(again.dock("jobsDock")->isVisible());
        QCOMPARE(again.size(), QSize(900, 650));
        again.dock("layersDock")->show();
        again.close();
    }

    void aboutShowsVersionsAndDevice()
    {
        ui::MainWindow w;
        w.show();
        findAction(&w, "About Ganvas")->trigger();
        auto* about = w.findChild<ui::AboutDialog*>();
        QVERIFY(about);
        QVERIFY(about->isVisible());
        const QString text = about->detailsText();
        QVERIFY(text.contains("LibTorch: " + QString::fromStdString(std::to_string(TORCH_VERSION_MAJOR))));
        QVERIFY(text.contains(QStringLiteral("CPU threads: %1 of").arg(QThread::idealThreadCount())));
        QVERIFY(text.contains("Device: cpu") || text.contains("Device: cuda"));
        QVERIFY(text.contains("OpenBLAS"));
        about->close();
    }

    void openImageShowsItAndUndoToggles()
    {
        QTemporaryDir dir;
        QImage image(40, 30, QImage::Format_RGB32);
        image.fill(Qt::green);
        QString error;
        QVERIFY(core::saveImage(image, dir.filePath("g.png"), &error));
        ui::MainWindow w;
        w.show();
        QVERIFY(w.openImage(dir.filePath("g.png")));
        QCOMPARE(w.document()->size(), QSize(40, 30));
        QVERIFY(w.windowTitle().contains("g.png"));
        auto* list = w.findChild<QListWidget*>("layerList");
        QCOMPARE(list->count(), 1);
        // Uncheck the layer's visibility box, then undo with Ctrl+Z.
        list->item(0)->setCheckState(Qt::Unchecked);
        QTRY_VERIFY(!w.document()->layer(0).visible);
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QTRY_VERIFY(w.document()->layer(0).visible);
        // A broken file is refused and the document stays.
        QFile broken(dir.filePath("broken.png"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a png");
        broken.close();
        QTimer::singleShot(0, [] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
                box->accept();
        });
        QVERIFY(!w.openImage(dir.filePath("broken.png")));
        QCOMPARE(w.document()->size(), QSize(40, 30));
    }

    void zoomKeepsTheAnchor()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CanvasView* c = w.canvas();
        c->zoomActualSize();
        QCOMPARE(c->zoom(), 1.0);
        c->zoomIn();
        QVERIFY(c->zoom() > 1.4 && c->zoom() < 1.42);
        c->zoomToFit();
        QVERIFY(c->zoom() * 1024 <= c->width());
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
