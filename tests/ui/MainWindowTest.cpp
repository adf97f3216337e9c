// SPDX-License-Identifier: GPL-3.0-or-later
// Drives the real studio window offscreen with QTest events.
#include "core/document/Document.h"
#include "core/engine/jobs/Job.h"

#include "CanvasInput.h"
#include "core/io/ImageIO.h"
#include "core/io/OraFile.h"
#include "core/jobs/JobRunner.h"
#include "core/jobs/MemoryPreflight.h"
#include "core/journal/AutosaveSession.h"
#include "core/settings/ComputeSettings.h"
#include "ui/MainWindow.h"
#include "ui/canvas/CanvasView.h"
#include "ui/dialogs/AboutDialog.h"
#include "ui/dialogs/ExportDialog.h"
#include "ui/dialogs/NewCanvasDialog.h"
#include "ui/dialogs/PreferencesDialog.h"
#include "ui/dialogs/ShortcutsDialog.h"
#include "ui/panels/BrushPanel.h"
#include "ui/panels/ColourPanel.h"
#include "ui/panels/CurveEditor.h"
#include "ui/panels/JobRow.h"
#include "ui/panels/JobsPanel.h"
#include "ui/panels/LayersPanel.h"
#include "ui/panels/StyleGalleryPanel.h"
#include <ATen/ops/full.h>
#include <torch/version.h>

#include "JobSpy.h"
#include "WhenModal.h"

#include "tests/TestMain.h"
#include <QtTest>
#include <QtWidgets>
#include <algorithm>

using namespace ganvas;

namespace {

/// Reports progress and a preview, then works until cancelled.
class SlowPreviewJob : public engine::Job {
public:
    explicit SlowPreviewJob(bool transient = false, int runMs = -1) : m_transient(transient), m_runMs(runMs) {}
    std::string title() const override { return "Slow preview job"; }
    bool transient() const override { return m_transient; }
    void run(engine::JobContext& ctx) override
    {
        ctx.progress(1, 4, "first pass");
        ctx.preview(at::full({3, 32, 32}, 0.5f), 0);
        QElapsedTimer clock;
        clock.start();
        while (m_runMs < 0 || clock.elapsed() < m_runMs) {
            ctx.throwIfCancelled();
            QThread::msleep(2);
        }
    }

private:
    bool m_transient;
    int m_runMs;
};

QColor docPixel(ui::MainWindow& w, int x, int y)
{
    return w.document()->render(QRect(x, y, 1, 1)).pixelColor(0, 0);
}

using test::sendMouse;
using test::toWidget;

void sendTablet(QWidget* w, const QPointingDevice* device, QEvent::Type type, QPointF pos, qreal pressure)
{
    QTabletEvent e(type, device, pos, w->mapToGlobal(pos), pressure, 0, 0, 0, 0, 0, Qt::NoModifier,
                   type == QEvent::TabletMove ? Qt::NoButton : Qt::LeftButton,
                   type == QEvent::TabletRelease ? Qt::NoButton : Qt::LeftButton);
    QApplication::sendEvent(w, &e);
}

/// Width in pixels of the dark run crossing column @p x of the composite.
int lineWidthAt(ui::MainWindow& w, int x, int y0, int y1)
{
    int n = 0;
    for (int y = y0; y < y1; ++y)
        n += docPixel(w, x, y).lightness() < 128 ? 1 : 0;
    return n;
}

/// Answers the next modal message box with @p button (polls until it appears).
void answerNextMessageBox(QMessageBox::StandardButton button, QString* text = nullptr)
{
    QTimer::singleShot(10, [button, text] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box) {
            answerNextMessageBox(button, text);
            return;
        }
        if (text)
            *text = box->text();
        box->button(button)->click();
    });
}

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
        QCOMPARE(menus, QStringList({"File", "Edit", "View", "Image", "Select", "Tools", "Settings", "Help"}));
        QCOMPARE(findAction(&w, "Open…")->shortcut(), QKeySequence(QKeySequence::Open));
        QCOMPARE(findAction(&w, "Undo")->shortcut(), QKeySequence(QKeySequence::Undo));
        QCOMPARE(findAction(&w, "Export…")->shortcut(), QKeySequence("Ctrl+Shift+E"));
        QVERIFY(w.canvas()->document());
        QCOMPARE(w.document()->size(), QSize(1024, 768));
        // At the default window size (first start, no saved layout) the gallery shows a preview
        // large enough to judge and its Apply button without scrolling (issue #13).
        QCOMPARE(w.size(), QSize(1400, 900));
        auto* preview = w.dock("styleGalleryDock")->findChild<QLabel*>(QStringLiteral("stylePreview"));
        auto* apply = w.dock("styleGalleryDock")->findChild<QPushButton*>(QStringLiteral("styleApply"));
        auto* scroll = qobject_cast<QScrollArea*>(w.dock("styleGalleryDock")->widget());
        QVERIFY(preview && apply && scroll);
        QTRY_VERIFY2_WITH_TIMEOUT(preview->height() >= 180, qPrintable(QString::number(preview->height())), 5000);
        QVERIFY2(preview->width() >= 360, qPrintable(QString::number(preview->width())));
        const auto applyInView = [&] { return QRect(apply->mapTo(scroll->viewport(), QPoint(0, 0)), apply->size()); };
        QTRY_VERIFY_WITH_TIMEOUT(scroll->viewport()->rect().contains(applyInView()), 5000);
        QVERIFY2(scroll->viewport()->rect().contains(applyInView()),
                 qPrintable(QStringLiteral("%1,%2 %3x%4 in %5x%6")
                                .arg(applyInView().x()).arg(applyInView().y()).arg(applyInView().width())
                                .arg(applyInView().height()).arg(scroll->viewport()->width()).arg(scroll->viewport()->height())));
    }

    void jobsDockShowsProgressPreviewAndCancels()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        core::JobRunner* runner = w.jobRunner();
        runner->setThrottleInterval(0);
        QSignalSpy cancelled(runner, &core::JobRunner::cancelled);
        auto* empty = w.jobsPanel()->findChild<QLabel*>(QStringLiteral("jobsEmpty"));
        QVERIFY(empty && !empty->isHidden());
        const core::JobId id = runner->submit(std::make_shared<SlowPreviewJob>())->id();
        QVERIFY(empty->isHidden()); // a job the user started is listed at once
        ui::JobRow* row = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((row = w.jobsPanel()->row(id)) && row->hasPreview(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(row->progressValue(), 250, 5000); // 1 of 4
        QCOMPARE(row->statusText(), QStringLiteral("first pass"));
        QVERIFY(row->cancelButton()->isVisible());
        QTest::mouseClick(row->cancelButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(
            std::any_of(cancelled.begin(), cancelled.end(),
                        [&](const QList<QVariant>& args) { return args.at(0).toULongLong() == id; }),
            5000);
        QTRY_VERIFY_WITH_TIMEOUT(row->statusText().startsWith(QStringLiteral("Cancelled")), 5000);
        QCOMPARE(row->state(), core::JobState::Cancelled);
        QVERIFY(!row->cancelButton()->isVisible());
        // The document was not touched by the cancelled job.
        QCOMPARE(w.document()->undoStack()->count(), 0);
        // "Clear finished" removes ended rows.
        QTest::mouseClick(w.jobsPanel()->findChild<QPushButton*>("clearFinished"), Qt::LeftButton);
        QCOMPARE(w.jobsPanel()->rowCount(), 0);

        // The studio's own transient work (previews, thumbnails, Live): a short one is never
        // shown and leaves no row; a long one appears after a second and goes when it ends.
        core::JobHandle* quickJob = runner->submit(std::make_shared<SlowPreviewJob>(true, 50));
        QSignalSpy finished(quickJob, &core::JobHandle::finished);
        const core::JobId quick = quickJob->id();
        QVERIFY(w.jobsPanel()->row(quick) && w.jobsPanel()->row(quick)->isHidden());
        QVERIFY(!empty->isHidden()); // nothing listed yet
        QVERIFY(finished.wait(5000));
        QCOMPARE(w.jobsPanel()->rowCount(), 0);
        const core::JobId slow = runner->submit(std::make_shared<SlowPreviewJob>(true, 2500))->id();
        QVERIFY(w.jobsPanel()->row(slow)->isHidden());
        QTRY_VERIFY_WITH_TIMEOUT(w.jobsPanel()->row(slow) && !w.jobsPanel()->row(slow)->isHidden(), 2000);
        QVERIFY(empty->isHidden());
        QTRY_COMPARE_WITH_TIMEOUT(w.jobsPanel()->rowCount(), 0, 10000);
        QVERIFY(!empty->isHidden());
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

    void paintWithTheMouseAndUndo()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CanvasView* c = w.canvas();
        c->zoomActualSize();
        w.brushPanel()->selectPreset("round");
        w.brushPanel()->spinBox("size")->setValue(20);
        w.brushPanel()->spinBox("hardness")->setValue(1);
        w.colourPanel()->setForeground(QColor(200, 0, 0));
        QCOMPARE(docPixel(w, 500, 384), QColor(Qt::white));
        sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {400, 384}), Qt::LeftButton);
        for (int x = 410; x <= 600; x += 10)
            sendMouse(c, QEvent::MouseMove, toWidget(c, {double(x), 384}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {600, 384}), Qt::NoButton);
        QCOMPARE(docPixel(w, 500, 384), QColor(200, 0, 0));
        QCOMPARE(docPixel(w, 500, 414), QColor(Qt::white));
        QCOMPARE(w.document()->undoStack()->count(), 1);
        QCOMPARE(w.document()->undoStack()->undoText(), QStringLiteral("Brush stroke"));
        QCOMPARE(w.colourPanel()->recent().value(0), QColor(200, 0, 0));
        // The canvas widget shows the stroke (its pixels, not only the document's).
        const QImage shown = c->grab().toImage();
        QCOMPARE(shown.pixelColor(toWidget(c, {500, 384})), QColor(200, 0, 0));
        QCOMPARE(shown.pixelColor(toWidget(c, {500, 414})), QColor(Qt::white));
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(docPixel(w, 500, 384), QColor(Qt::white));
        QCOMPARE(c->grab().toImage().pixelColor(toWidget(c, {500, 384})), QColor(Qt::white));
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(docPixel(w, 500, 384), QColor(200, 0, 0));
    }

    void paintWithATabletPenAndItsEraser()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CanvasView* c = w.canvas();
        c->zoomActualSize();
        w.brushPanel()->selectPreset("ink"); // pressure drives size
        w.brushPanel()->spinBox("size")->setValue(30);
        w.brushPanel()->spinBox("smoothing")->setValue(0);
        const QPointingDevice pen(QStringLiteral("test pen"), 1001, QInputDevice::DeviceType::Stylus,
                                  QPointingDevice::PointerType::Pen,
                                  QInputDevice::Capability::Position | QInputDevice::Capability::Pressure, 1, 3);
        const QPointingDevice eraser(QStringLiteral("test pen eraser"), 1001, QInputDevice::DeviceType::Stylus,
                                     QPointingDevice::PointerType::Eraser,
                                     QInputDevice::Capability::Position | QInputDevice::Capability::Pressure, 1, 3);
        const auto line = [&](const QPointingDevice* d, double y, double pressure) {
            sendTablet(c, d, QEvent::TabletPress, toWidget(c, {100, y}), pressure);
            for (int x = 110; x <= 400; x += 5)
                sendTablet(c, d, QEvent::TabletMove, toWidget(c, {double(x), y}), pressure);
            sendTablet(c, d, QEvent::TabletRelease, toWidget(c, {400, y}), 0);
        };
        line(&pen, 100, 1.0);
        line(&pen, 200, 0.3);
        const int heavy = lineWidthAt(w, 250, 70, 130), light = lineWidthAt(w, 250, 170, 230);
        QVERIFY2(heavy >= 26 && heavy <= 32, qPrintable(QString::number(heavy)));
        QVERIFY2(light > 2 && light < heavy / 2, qPrintable(QString::number(light)));
        // The pen's eraser end erases whatever tool is selected.
        line(&eraser, 100, 1.0);
        QCOMPARE(w.document()->layer(0).pixels.copyRegion(QRect(250, 100, 1, 1)).pixelColor(0, 0).alpha(), 0);
        QCOMPARE(w.document()->undoStack()->count(), 3);
    }

    void toolShortcutsAndEyedropper()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CanvasView* c = w.canvas();
        c->setFocus();
        QTest::keyClick(c, Qt::Key_E);
        QCOMPARE(c->tool(), ui::Tool::Eraser);
        QTest::keyClick(c, Qt::Key_B);
        QCOMPARE(c->tool(), ui::Tool::Brush);
        const double size = c->brush().size;
        QTest::keyClick(c, Qt::Key_BracketRight);
        QVERIFY(c->brush().size > size);
        QCOMPARE(w.brushPanel()->spinBox("size")->value(), c->brush().size);
        QTest::keyClick(c, Qt::Key_BracketLeft);
        QTest::keyClick(c, Qt::Key_BracketLeft);
        QVERIFY(c->brush().size < size);
        // X swaps foreground and background; D resets them.
        w.colourPanel()->setForeground(Qt::green);
        QTest::keyClick(c, Qt::Key_X);
        QCOMPARE(w.colourPanel()->foreground(), QColor(Qt::white));
        QCOMPARE(c->colour(), QColor(Qt::white));
        QTest::keyClick(c, Qt::Key_D);
        QCOMPARE(w.colourPanel()->foreground(), QColor(Qt::black));
        // Eyedropper (I) picks the canvas colour into the colour panel.
        w.document()->addLayer("blue", [] {
            QImage img(1024, 768, QImage::Format_ARGB32_Premultiplied);
            img.fill(QColor(10, 20, 230));
            return img;
        }());
        QTest::keyClick(c, Qt::Key_I);
        QCOMPARE(c->tool(), ui::Tool::Eyedropper);
        QTest::mouseClick(c, Qt::LeftButton, Qt::NoModifier, toWidget(c, {50, 50}));
        QCOMPARE(w.colourPanel()->foreground(), QColor(10, 20, 230));
        // Tab hides all docks, Tab again brings them back.
        QVERIFY(w.dock("layersDock")->isVisible());
        QTest::keyClick(&w, Qt::Key_Tab);
        QVERIFY(!w.dock("layersDock")->isVisible());
        QTest::keyClick(&w, Qt::Key_Tab);
        QVERIFY(w.dock("layersDock")->isVisible());
    }

    void lockedLayerRefusesPaint()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CanvasView* c = w.canvas();
        w.document()->setLayerLocked(0, true);
        const int commands = w.document()->undoStack()->count();
        QSignalSpy message(c, &ui::CanvasView::message);
        sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {100, 100}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseMove, toWidget(c, {200, 100}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {200, 100}), Qt::NoButton);
        QCOMPARE(docPixel(w, 150, 100), QColor(Qt::white));
        QCOMPARE(w.document()->undoStack()->count(), commands);
        QCOMPARE(message.count(), 1);
        QVERIFY(message.at(0).at(0).toString().contains("locked"));
    }

    void shortcutsAreEditableAndKept()
    {
        {
            ui::MainWindow w;
            QAction* brush = w.findChild<QAction*>("actionBrush");
            QCOMPARE(brush->shortcut(), QKeySequence("B"));
            ui::ShortcutsDialog dialog(w.namedActions(), &w);
            auto* edit = dialog.findChild<QKeySequenceEdit*>("actionBrush");
            QVERIFY(edit);
            edit->setKeySequence(QKeySequence("P"));
            dialog.accept();
            QCOMPARE(brush->shortcut(), QKeySequence("P"));
        }
        ui::MainWindow again;
        QCOMPARE(again.findChild<QAction*>("actionBrush")->shortcut(), QKeySequence("P"));
        QSettings().remove("shortcuts");
    }

    void viewRotatesAndMirrorsAroundTheCanvas()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CanvasView* c = w.canvas();
        c->zoomActualSize();
        const QPointF centre(512, 384);
        const QPointF onScreen = c->viewTransform().map(centre);
        c->rotateBy(30);
        c->setMirrored(true);
        QVERIFY(QLineF(c->viewTransform().map(centre), onScreen).length() < 0.01); // pivots on the centre
        const QPointF right = c->viewTransform().map(QPointF(612, 384));
        QVERIFY(right.x() < onScreen.x()); // mirrored: document right is screen left
        // Painting still lands where the pointer is.
        sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {300, 300}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {300, 300}), Qt::NoButton);
        QVERIFY(docPixel(w, 300, 300) != QColor(Qt::white));
    }

    void saveOpenAndTheUnsavedChangesGuard()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("work.ora");
        {
            ui::MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            ui::CanvasView* c = w.canvas();
            c->zoomActualSize();
            sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {500, 380}), Qt::LeftButton);
            sendMouse(c, QEvent::MouseMove, toWidget(c, {560, 380}), Qt::LeftButton);
            sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {560, 380}), Qt::NoButton);
            QVERIFY(w.document()->isModified());
            QVERIFY(w.isWindowModified());
            // Closing asks; Cancel keeps the window and the work.
            QString asked;
            answerNextMessageBox(QMessageBox::Cancel, &asked);
            QVERIFY(!w.close());
            QVERIFY(asked.contains("not saved"));
            QVERIFY(w.isVisible());
            QVERIFY(w.saveTo(path));
            QVERIFY(!w.document()->isModified());
            QVERIFY(w.windowTitle().startsWith("work.ora"));
            QVERIFY(w.close()); // clean: no question
        }
        ui::MainWindow w;
        w.show();
        // The project is read by a background job (the window keeps painting meanwhile) and the
        // document it made belongs to the GUI thread afterwards.
        QSignalSpy queued(w.jobRunner(), &core::JobRunner::queued);
        QVERIFY(w.openImage(path));
        QCOMPARE(test::userJobs(queued).count(), 1);
        QCOMPARE(test::userJobs(queued).at(0).at(1).toString(), QStringLiteral("Open work.ora"));
        QCOMPARE(w.document()->thread(), QThread::currentThread());
        QVERIFY(w.document()->render(QRect(530, 380, 1, 1)).pixelColor(0, 0) != QColor(Qt::white));
        QCOMPARE(w.document()->filePath(), path);
        // Opening something else over unsaved changes asks first; Discard goes ahead.
        w.document()->addLayer("scratch");
        answerNextMessageBox(QMessageBox::Discard);
        QVERIFY(w.openImage(path));
        QCOMPARE(w.document()->layerCount(), 1);
    }

    // Issue #16, defect 3: File > Open or New during a save used to receive the old document's
    // path and clean mark, so the next Ctrl+S overwrote the project with another picture.
    void aSaveBelongsToTheDocumentItStartedFrom()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("first.ora");
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.document()->addLayer("first work");
        const int firstLayers = w.document()->layerCount();
        // (The Latent Space dock's own jobs start too: the save is the one to wait for.)
        core::JobId saveId = 0;
        int saveStarted = 0;
        connect(w.jobRunner(), &core::JobRunner::queued, &w,
                [&](core::JobId id, const QString& title, const QString&, bool transient) {
                    if (!transient && title == QStringLiteral("Save first.ora"))
                        saveId = id;
                });
        QMetaObject::Connection replace = connect(w.jobRunner(), &core::JobRunner::started, &w, [&](core::JobId id) {
            if (id != saveId)
                return;
            ++saveStarted;
            disconnect(replace);
            QImage picture(64, 48, QImage::Format_ARGB32);
            picture.fill(Qt::darkCyan);
            w.setDocument(std::make_unique<core::Document>(picture, QStringLiteral("second")));
            w.document()->addLayer("second work");
        });
        QVERIFY(w.saveTo(path));
        QCOMPARE(saveStarted, 1);
        // The open document is the second one, still unnamed and unsaved...
        QCOMPARE(w.document()->size(), QSize(64, 48));
        QVERIFY(w.document()->filePath() != path);
        QVERIFY(w.document()->isModified());
        QVERIFY(w.statusBar()->currentMessage().contains("closed meanwhile"));
        // ...and the file holds the first.
        ui::MainWindow reader;
        QVERIFY(reader.openImage(path));
        QCOMPARE(reader.document()->layerCount(), firstLayers);
        QVERIFY(reader.document()->size() != QSize(64, 48));
    }

    void newCanvasDialogPresets()
    {
        ui::NewCanvasDialog dialog;
        dialog.presetBox()->setCurrentIndex(4); // A4 portrait, 300 DPI
        QCOMPARE(dialog.canvasSize(), QSize(2480, 3508));
        QCOMPARE(dialog.dpi(), 300);
        QCOMPARE(dialog.background(), QColor(Qt::white));
        dialog.findChildren<QSpinBox*>().at(0)->setValue(1000); // editing the size means Custom
        QCOMPARE(dialog.presetBox()->currentIndex(), dialog.presetBox()->count() - 1);
        QCOMPARE(dialog.canvasSize(), QSize(1000, 3508));
    }

    /// Settings ▸ Preferences… (issue #17, deliverable 6): the values are stored, device and
    /// precision apply to the next jobs at once, the limits at once, threads at the next start;
    /// Cancel changes nothing.
    void preferencesStoreAndApplyTheSettings()
    {
        ui::MainWindow w;
        w.show();
        const auto before = core::currentCompute();
        auto* action = w.findChild<QAction*>(QStringLiteral("actionPreferences"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(QKeySequence::Preferences));

        // Cancel: nothing stored, nothing applied.
        test::whenModal<ui::PreferencesDialog>([](ui::PreferencesDialog* d) {
            d->precisionBox()->setCurrentIndex(d->precisionBox()->findData(QStringLiteral("fp32")));
            d->megapixelsBox()->setValue(3);
            d->reject();
        });
        action->trigger();
        QVERIFY(!QSettings().contains(QStringLiteral("compute/precision")));
        QVERIFY(core::maxMegapixels() != 3);

        const int threadsStored = QSettings().value(QStringLiteral("compute/threads"), 0).toInt();
        bool restartSaid = false;
        test::whenModal<ui::PreferencesDialog>([&](ui::PreferencesDialog* d) {
            // What the machine offers: the CPU always; a CUDA device only when this build sees one.
            QVERIFY(d->deviceBox()->findData(QStringLiteral("cpu")) >= 0);
            QCOMPARE(d->deviceBox()->findData(QStringLiteral("cuda:0")) >= 0, core::computeChoices().cudaDevices > 0);
            d->deviceBox()->setCurrentIndex(d->deviceBox()->findData(QStringLiteral("cpu")));
            d->precisionBox()->setCurrentIndex(d->precisionBox()->findData(QStringLiteral("fp32")));
            d->threadsBox()->setValue(threadsStored == 1 ? 2 : 1);
            d->megapixelsBox()->setValue(3);
            d->memoryBox()->setValue(1024);
            d->canvasBox()->setCurrentIndex(2); // Square 1024 × 1024
            QTest::mouseClick(d->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
            restartSaid = d->needsRestart();
        });
        action->trigger();
        QVERIFY(restartSaid);
        QSettings settings;
        QCOMPARE(settings.value(QStringLiteral("compute/device")).toString(), QStringLiteral("cpu"));
        QCOMPARE(settings.value(QStringLiteral("compute/precision")).toString(), QStringLiteral("fp32"));
        QCOMPARE(settings.value(QStringLiteral("compute/threads")).toInt(), threadsStored == 1 ? 2 : 1);
        // Applied: the next jobs compute in fp32 on the CPU; the thread pool kept its size.
        const auto now = core::currentCompute();
        QCOMPARE(now.precision, QStringLiteral("fp32"));
        QCOMPARE(now.device, QStringLiteral("cpu"));
        QCOMPARE(now.threads, before.threads);
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("starts again")));
        const auto labels = w.statusBar()->findChildren<QLabel*>();
        QVERIFY(std::any_of(labels.begin(), labels.end(),
                            [](QLabel* l) { return l->text().contains(QStringLiteral("fp32")); }));
        // The limits apply at once: a 4-megapixel picture is refused, a job plans for 1 GB at most.
        QCOMPARE(core::maxMegapixels(), 3);
        QImage big(2048, 2048, QImage::Format_RGB32);
        big.fill(Qt::white);
        QTemporaryDir dir;
        QVERIFY(big.save(dir.filePath(QStringLiteral("big.png"))));
        QString error;
        QVERIFY(core::loadImage(dir.filePath(QStringLiteral("big.png")), &error).isNull());
        QVERIFY(!error.isEmpty());
        if (qEnvironmentVariableIsEmpty("GANVAS_MEMORY_LIMIT_MB")) {
            const qint64 free = core::availableMemory(QStringLiteral("cpu"));
            QVERIFY(free != core::kUnknownMemory);
            QVERIFY(free <= qint64(1024) * 1024 * 1024);
        }
        // File ▸ New starts from the chosen canvas.
        ui::NewCanvasDialog canvas;
        QCOMPARE(canvas.canvasSize(), QSize(1024, 1024));

        // Restored for the other tests.
        for (const char* key : {"compute/device", "compute/precision", "compute/threads", "limits/maxMegapixels",
                                "limits/memoryLimitMB", "newCanvas/preset"})
            settings.remove(QLatin1String(key));
        core::ComputeSettings restore;
        restore.device = before.device;
        restore.precision = before.requestedPrecision;
        QVERIFY(core::applyComputeSettings(restore, false).error.isEmpty());
        QCOMPARE(core::currentCompute().precision, before.precision);
    }

    void recoversStrokesAfterKill9()
    {
        for (const auto& o : core::AutosaveSession::findOrphans())
            core::AutosaveSession::removeOrphan(o);
        QProcess helper;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("QT_QPA_PLATFORM", "offscreen");
        helper.setProcessEnvironment(env);
        helper.start(QStringLiteral(GANVAS_CRASH_HELPER));
        QVERIFY(helper.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT((helper.waitForReadyRead(100), helper.peek(5) == "READY"), 60000);
        helper.kill(); // SIGKILL: no destructors, no clean-up, right after the last stroke
        QVERIFY(helper.waitForFinished(10000));
        QCOMPARE(helper.exitStatus(), QProcess::CrashExit);

        const auto orphans = core::AutosaveSession::findOrphans();
        QCOMPARE(orphans.size(), 1);
        ui::MainWindow w;
        w.show();
        QString asked;
        answerNextMessageBox(QMessageBox::Yes, &asked);
        QVERIFY(w.offerRecovery());
        QVERIFY(asked.contains("did not close properly"));
        QCOMPARE(docPixel(w, 500, 384), QColor(200, 0, 0)); // both strokes, the last one included
        QCOMPARE(docPixel(w, 500, 300), QColor(200, 0, 0));
        QCOMPARE(docPixel(w, 500, 340), QColor(Qt::white));
        QCOMPARE(w.document()->undoStack()->count(), 2);
        QVERIFY(w.document()->isModified());
        QVERIFY(!QFileInfo::exists(orphans.first().folder));
        QVERIFY(core::AutosaveSession::findOrphans().isEmpty());
        w.document()->undoStack()->setClean();
    }

    // Issue #7: kill -9 in the middle of saving. The project on disk is then the previous
    // version or the new one, whole, never a torn archive; at several moments inside the save.
    void saveIsOldOrNewAfterKill9()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("project.ora"));
        int killedDuring = 0;
        for (const int delayMs : {0, 40, 120, 250, 400, 700}) {
            QProcess helper;
            helper.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            helper.start(QStringLiteral(GANVAS_CRASH_HELPER), {QStringLiteral("save"), file});
            QVERIFY(helper.waitForStarted(10000));
            QByteArray out;
            // Wait for the second save to begin (the first one gives the "old" file).
            QTRY_VERIFY_WITH_TIMEOUT((helper.waitForReadyRead(50), out += helper.readAll(), out.contains("SAVING 2\n")),
                                     120000);
            QTest::qWait(delayMs);
            helper.kill();
            QVERIFY(helper.waitForFinished(10000));
            out += helper.readAll();
            int lastSaved = 0, lastStarted = 0;
            for (const QByteArray& line : out.split('\n')) {
                if (line.startsWith("SAVED "))
                    lastSaved = line.mid(6).toInt();
                if (line.startsWith("SAVING "))
                    lastStarted = line.mid(7).toInt();
            }
            QVERIFY(lastSaved >= 1);
            killedDuring += lastStarted > lastSaved ? 1 : 0;
            QString error;
            const auto doc = core::loadOra(file, &error);
            QVERIFY2(doc, qPrintable(QStringLiteral("torn project after kill at +%1 ms: %2").arg(delayMs).arg(error)));
            const QString version = doc->layer(doc->layerCount() - 1).name;
            QVERIFY2(version == QStringLiteral("v%1").arg(lastSaved) || version == QStringLiteral("v%1").arg(lastStarted),
                     qPrintable(QStringLiteral("saved v%1, saving v%2, found %3").arg(lastSaved).arg(lastStarted).arg(version)));
            QCOMPARE(doc->layerCount(), 5);
            QCOMPARE(doc->size(), QSize(2048, 2048));
        }
        QVERIFY2(killedDuring >= 3, "most kills should land inside a save");
        for (const auto& o : core::AutosaveSession::findOrphans())
            core::AutosaveSession::removeOrphan(o);
    }

    // Issue #7: kill -9 while a style job runs, or just after its result landed. After the
    // restart the strokes are back and the style layer is either there whole (the exact pixels
    // the dead process showed) or not at all.
    void styleJobIsWholeOrAbsentAfterKill9()
    {
        int before = 0, after = 0;
        for (const int delayMs : {0, 300, -1}) { // -1: wait for the result, then kill
            for (const auto& o : core::AutosaveSession::findOrphans())
                core::AutosaveSession::removeOrphan(o);
            QProcess helper;
            helper.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            helper.start(QStringLiteral(GANVAS_CRASH_HELPER), {QStringLiteral("style"), QStringLiteral("mosaic")});
            QVERIFY(helper.waitForStarted(10000));
            QByteArray out;
            const QByteArray waitFor = delayMs < 0 ? QByteArray("APPLIED") : QByteArray("STYLING\n");
            QTRY_VERIFY_WITH_TIMEOUT((helper.waitForReadyRead(50), out += helper.readAll(), out.contains(waitFor)), 120000);
            if (delayMs > 0)
                QTest::qWait(delayMs);
            helper.kill();
            QVERIFY(helper.waitForFinished(10000));
            out += helper.readAll();
            QVERIFY2(!out.contains("FAILED"), out.constData());
            QString applied;
            for (const QByteArray& line : out.split('\n'))
                if (line.startsWith("APPLIED "))
                    applied = QString::fromLatin1(line.mid(8));

            QCOMPARE(core::AutosaveSession::findOrphans().size(), 1);
            ui::MainWindow w;
            w.show();
            answerNextMessageBox(QMessageBox::Yes);
            QVERIFY(w.offerRecovery());
            core::Document* doc = w.document();
            if (applied.isEmpty()) {
                ++before;
                QCOMPARE(docPixel(w, 500, 340), QColor(Qt::white)); // between the strokes, unstyled
                QCOMPARE(doc->layerCount(), 1);
                QCOMPARE(docPixel(w, 500, 384), QColor(200, 0, 0));
                QCOMPARE(doc->undoStack()->count(), 2);
            } else {
                ++after;
                QCOMPARE(doc->layerCount(), 2);
                QVERIFY(doc->layer(1).name.startsWith(QStringLiteral("Style: ")));
                QCOMPARE(docPixel(w, 500, 384).name(QColor::HexArgb), applied);
                QCOMPARE(doc->undoStack()->count(), 3);
            }
            doc->undoStack()->setClean();
        }
        QVERIFY(before >= 1); // killed while the job ran
        QCOMPARE(after, 1);   // killed after it was applied
    }

    void layersPanelDrivesTheDocument()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* panel = w.findChild<ui::LayersPanel*>();
        core::Document* doc = w.document();
        QTest::mouseClick(panel->button("addLayer"), Qt::LeftButton);
        QTRY_COMPARE(doc->layerCount(), 2);
        QCOMPARE(doc->currentLayer(), 1);
        QCOMPARE(panel->list()->count(), 2);
        QCOMPARE(panel->list()->currentRow(), 0); // top of the list is the top layer
        panel->blendBox()->setCurrentIndex(panel->blendBox()->findText("Multiply"));
        Q_EMIT panel->blendBox()->activated(panel->blendBox()->currentIndex());
        QTRY_COMPARE(doc->layer(1).blend, core::BlendMode::Multiply);
        panel->opacitySlider()->setValue(40);
        QTRY_COMPARE(doc->layer(1).opacity, 0.4);
        panel->findChild<QCheckBox*>("layerLock")->click();
        QTRY_VERIFY(doc->layer(1).locked);
        QTest::mouseClick(panel->button("duplicateLayer"), Qt::LeftButton);
        QTRY_COMPARE(doc->layerCount(), 3);
        QTest::mouseClick(panel->button("lowerLayer"), Qt::LeftButton);
        QTRY_COMPARE(doc->layer(1).name, QStringLiteral("Layer 2 copy"));
        QTest::mouseClick(panel->button("toggleMask"), Qt::LeftButton);
        QTRY_VERIFY(doc->layer(1).hasMask);
        QTest::mouseClick(panel->button("deleteLayer"), Qt::LeftButton);
        QTRY_COMPARE(doc->layerCount(), 2);
        panel->list()->item(0)->setText("Ink");
        QTRY_COMPARE(doc->layer(1).name, QStringLiteral("Ink"));
        // Every step is in the history dock and undoes one at a time.
        auto* history = w.findChild<QUndoView*>("historyView");
        QVERIFY(history);
        const int steps = doc->undoStack()->count();
        QCOMPARE(steps, 9);
        QCOMPARE(history->model()->rowCount(), steps + 1); // + the "<opened>" row
        while (doc->undoStack()->canUndo())
            doc->undoStack()->undo();
        QCOMPARE(doc->layerCount(), 1);
    }

    void selectThenFillAndPaintInside()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CanvasView* c = w.canvas();
        c->zoomActualSize();
        c->setFocus();
        // Rectangle selection by dragging (Ctrl+R), then the fill bucket (F) inside it.
        QTest::keyClick(c, Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(c->tool(), ui::Tool::RectangleSelect);
        sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {450, 330}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseMove, toWidget(c, {500, 360}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseMove, toWidget(c, {550, 430}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {550, 430}), Qt::NoButton);
        QVERIFY(!w.document()->selection().isEmpty());
        const QRect bounds = w.document()->selection().bounds(w.document()->size());
        QVERIFY2(qAbs(bounds.left() - 450) <= 1 && qAbs(bounds.bottom() - 430) <= 1, qPrintable(QString::number(bounds.left())));
        w.colourPanel()->setForeground(QColor(0, 128, 0));
        QTest::keyClick(c, Qt::Key_F);
        QTest::mouseClick(c, Qt::LeftButton, Qt::NoModifier, toWidget(c, {500, 380}));
        QCOMPARE(docPixel(w, 500, 380), QColor(0, 128, 0));
        QCOMPARE(docPixel(w, 460, 340), QColor(0, 128, 0));
        QCOMPARE(docPixel(w, 440, 380), QColor(Qt::white)); // outside the selection
        // The outline is drawn on the canvas (dashes along the selection edge).
        const QImage shown = c->grab().toImage();
        const QColor edge = shown.pixelColor(toWidget(c, {500, 430}));
        QVERIFY(edge == QColor(Qt::black) || edge == QColor(Qt::white));
        // Ctrl+Shift+A deselects; Ctrl+Z brings the selection back.
        QTest::keyClick(c, Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(w.document()->selection().isEmpty());
        QTest::keyClick(c, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!w.document()->selection().isEmpty());
    }

    void exportScalesAndRecordsProvenance()
    {
        QTemporaryDir dir;
        ui::MainWindow w;
        w.show();
        w.document()->addLayer("ink");
        QVERIFY(w.exportTo(dir.filePath("half.png"), QSize(512, 384)));
        const QImage half(dir.filePath("half.png"));
        QCOMPARE(half.size(), QSize(512, 384));
        QVERIFY(half.text("Software").startsWith("Ganvas"));
        const auto prov = QJsonDocument::fromJson(half.text("GanvasProvenance").toUtf8()).object();
        QCOMPARE(prov["canvas"].toArray().at(0).toInt(), 1024);
        QCOMPARE(prov["layers"].toArray().size(), 2);
        QVERIFY(prov["journal_records"].toInt() >= 2);
        QVERIFY(w.exportTo(dir.filePath("full.jpg"), {}, 80));
        QCOMPARE(QImage(dir.filePath("full.jpg")).size(), QSize(1024, 768));
        // The dialog keeps the aspect ratio between scale, width and height.
        ui::ExportDialog dialog(QSize(1000, 500), dir.filePath("x.png"));
        dialog.scaleBox()->setValue(200);
        QCOMPARE(dialog.outputSize(), QSize(2000, 1000));
        dialog.widthBox()->setValue(500);
        QCOMPARE(dialog.outputSize(), QSize(500, 250));
        QCOMPARE(dialog.scaleBox()->value(), 50);
    }

    /// Issue #16 defect 6: compositing, resampling and encoding an export run in a job, so the
    /// window's event loop keeps turning; a failed write says why and leaves nothing.
    void exportRunsInAJobWhileTheWindowStaysResponsive()
    {
        QTemporaryDir dir;
        ui::MainWindow w;
        QImage noise(4096, 4096, QImage::Format_ARGB32);
        quint32 state = 7; // incompressible: encoding takes seconds
        for (int y = 0; y < noise.height(); ++y) {
            auto* line = reinterpret_cast<quint32*>(noise.scanLine(y));
            for (int x = 0; x < noise.width(); ++x)
                line[x] = (state = state * 1664525u + 1013904223u) | 0xff000000u;
        }
        w.setDocument(std::make_unique<core::Document>(noise, QStringLiteral("noise")));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy queued(w.jobRunner(), &core::JobRunner::queued);
        QElapsedTimer clock;
        qint64 last = 0, longest = 0;
        QTimer tick;
        tick.setInterval(5);
        connect(&tick, &QTimer::timeout, this, [&] {
            longest = qMax(longest, clock.elapsed() - last);
            last = clock.elapsed();
        });
        const QString path = dir.filePath(QStringLiteral("noise.png"));
        clock.start();
        tick.start();
        QVERIFY(w.exportTo(path));
        const qint64 total = clock.elapsed();
        tick.stop();
        QCOMPARE(test::userJobs(queued).count(), 1);
        QVERIFY(test::userJobs(queued).first().at(1).toString().contains(QStringLiteral("Export noise.png")));
        QCOMPARE(QImageReader(path).size(), QSize(4096, 4096));
        qInfo("export of a 4096² canvas: %lld ms in all, the longest the window's loop waited: %lld ms", total, longest);
        QVERIFY2(longest < 400, qPrintable(QStringLiteral("the event loop waited %1 ms").arg(longest)));

        // An unwritable place: a warning that names it, nothing written.
        const QString bad = dir.filePath(QStringLiteral("no-such-folder/noise.png"));
        QString warning;
        auto* timer = new QTimer(&w);
        connect(timer, &QTimer::timeout, this, [&] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                warning = box->text();
                box->accept();
            }
        });
        timer->start(10);
        QVERIFY(!w.exportTo(bad, QSize(64, 64)));
        timer->stop();
        QVERIFY2(warning.contains(QStringLiteral("Cannot save noise.png")), qPrintable(warning));
        QVERIFY(!QFile::exists(bad));
    }

    void pasteAndDropImages()
    {
        QTemporaryDir dir;
        ui::MainWindow w;
        w.show();
        QImage red(100, 50, QImage::Format_RGB32);
        red.fill(Qt::red);
        QApplication::clipboard()->setImage(red);
        w.findChild<QAction*>("actionPaste")->trigger(); // Ctrl+V
        QCOMPARE(w.document()->layerCount(), 2);
        QCOMPARE(docPixel(w, 10, 10), QColor(Qt::red));
        QCOMPARE(docPixel(w, 10, 60), QColor(Qt::white));
        // Dropping an image file opens it.
        QString error;
        QVERIFY(core::saveImage(red, dir.filePath("drop.png"), &error));
        w.document()->undoStack()->setClean();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dir.filePath("drop.png"))});
        QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        QCOMPARE(w.document()->size(), QSize(100, 50));
    }

    void paintIntoALayerMaskFromTheLayersDock()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CanvasView* c = w.canvas();
        c->zoomActualSize();
        auto* panel = w.findChild<ui::LayersPanel*>();
        auto* editMask = panel->findChild<QCheckBox*>("editMask");
        QVERIFY(!editMask->isEnabled()); // no mask yet
        QImage blue(1024, 768, QImage::Format_ARGB32_Premultiplied);
        blue.fill(Qt::blue);
        w.document()->addLayer("blue", blue);
        QTest::mouseClick(panel->button("toggleMask"), Qt::LeftButton);
        QTRY_VERIFY(w.document()->layer(1).hasMask);
        QTRY_VERIFY(editMask->isEnabled());
        editMask->setChecked(true);
        QVERIFY(c->isEditingMask());
        w.colourPanel()->setForeground(Qt::black);
        sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {450, 384}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseMove, toWidget(c, {550, 384}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {550, 384}), Qt::NoButton);
        QCOMPARE(docPixel(w, 500, 384), QColor(Qt::white)); // hidden by the mask: the background shows
        QCOMPARE(docPixel(w, 500, 300), QColor(Qt::blue));
        QCOMPARE(w.document()->layer(1).pixels.copyRegion(QRect(500, 384, 1, 1)).pixelColor(0, 0), QColor(Qt::blue));
        // Removing the mask turns mask editing off again.
        QTest::mouseClick(panel->button("toggleMask"), Qt::LeftButton);
        QTRY_VERIFY(!w.document()->layer(1).hasMask);
        QTRY_VERIFY(!c->isEditingMask());
    }

    void pressureCurvesAreEditable()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.dock("brushesDock")->raise();
        w.brushPanel()->selectPreset("round");
        ui::CurveEditor* editor = w.brushPanel()->pressureSizeEditor();
        QTRY_VERIFY(editor->isVisible());
        QCOMPARE(editor->curve().points().size(), 2);
        // Click in the middle, low: a point at pressure 0.5 -> size 0.2 appears.
        QTest::mouseClick(editor, Qt::LeftButton, Qt::NoModifier, editor->toWidget({0.5, 0.2}).toPoint());
        QCOMPARE(editor->curve().points().size(), 3);
        QVERIFY(qAbs(w.canvas()->brush().pressureSize.map(0.5) - 0.2) < 0.03);
        // Drag it up to 0.8.
        const QPoint from = editor->toWidget({0.5, 0.2}).toPoint(), to = editor->toWidget({0.5, 0.8}).toPoint();
        QTest::mousePress(editor, Qt::LeftButton, Qt::NoModifier, from);
        QMouseEvent move(QEvent::MouseMove, to, editor->mapToGlobal(to), Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(editor, &move);
        QTest::mouseRelease(editor, Qt::LeftButton, Qt::NoModifier, to);
        QVERIFY(qAbs(w.canvas()->brush().pressureSize.map(0.5) - 0.8) < 0.03);
        // Double-click removes it again.
        QTest::mouseDClick(editor, Qt::LeftButton, Qt::NoModifier, to);
        QCOMPARE(w.canvas()->brush().pressureSize.points().size(), 2);
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
        // A trackpad pinch zooms around the fingers.
        c->zoomActualSize();
        const QPointF fingers(200, 150);
        const QPointF under = c->viewTransform().inverted().map(fingers);
        const QPointingDevice* touchpad = QPointingDevice::primaryPointingDevice();
        QNativeGestureEvent pinch(Qt::ZoomNativeGesture, touchpad, 2, fingers, fingers, c->mapToGlobal(fingers), 0.5, {}, 0);
        QApplication::sendEvent(c, &pinch);
        QVERIFY(qAbs(c->zoom() - 1.5) < 1e-9);
        QVERIFY(QLineF(c->viewTransform().map(under), fingers).length() < 0.01);
        QCOMPARE(c->devicePixelZoom(), c->zoom() * c->devicePixelRatioF());
    }

    void styleGalleryPreviewsAppliesAndPaintsTheStyleIn()
    {
        QTemporaryDir models;
        QDir().mkpath(models.filePath(QStringLiteral("styles/test-look")));
        QFile config(models.filePath(QStringLiteral("styles/test-look/config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"format": 1, "id": "test-look", "name": "Test Look", "kind": "style", "license": "CC0-1.0",
                        "category": "Testing", "architecture": {"type": "opencv", "filter": "pencil"}})");
        config.close();
        qputenv("GANVAS_MODEL_PATH", models.path().toUtf8());
        ui::MainWindow w;
        w.show();
        qunsetenv("GANVAS_MODEL_PATH");
        auto* gallery = w.styleGallery();
        QVERIFY(gallery->styleCount() >= 1);
        gallery->setSearchText(QStringLiteral("test look"));
        QCOMPARE(gallery->visibleCount(), 1);
        gallery->setSearchText(QStringLiteral("no such style"));
        QCOMPARE(gallery->visibleCount(), 0);
        gallery->setSearchText(QStringLiteral("Testing")); // categories are searched too
        QCOMPARE(gallery->visibleCount(), 1);

        // Something to stylise: a dark square on the white background.
        core::Document* doc = w.document();
        QImage ink(doc->size(), QImage::Format_ARGB32_Premultiplied);
        ink.fill(Qt::transparent);
        QPainter(&ink).fillRect(QRect(300, 200, 300, 300), QColor(30, 60, 160));
        doc->addLayer(QStringLiteral("ink"), ink);
        doc->mergeDown(1);
        const int commands = doc->undoStack()->count();

        QSignalSpy preview(gallery, &ui::StyleGalleryPanel::previewReady);
        gallery->selectStyle(QStringLiteral("test-look"));
        QVERIFY(preview.wait(20000));
        const QImage shown = preview.last().at(0).value<QImage>();
        QVERIFY(std::max(shown.width(), shown.height()) <= 256);
        QCOMPARE(doc->undoStack()->count(), commands); // previews change nothing

        // Each fast style on the canvas as its thumbnail, one small job each (picture styles that
        // earlier tests made keep their picture); the pencil look turns the blue square grey there
        // too. Off: the styles' pictures.
        gallery->setCanvasThumbnails(true);
        QVERIFY(gallery->pendingCanvasThumbnails() > 1);
        QTRY_COMPARE_WITH_TIMEOUT(gallery->pendingCanvasThumbnails(), 0, 60000);
        QVERIFY(gallery->canvasThumbnailCount() > 1);
        QVERIFY(gallery->canvasThumbnailCount() <= gallery->styleCount());
        const QImage thumb = gallery->canvasThumbnail(QStringLiteral("test-look"));
        QVERIFY(!thumb.isNull());
        QVERIFY(std::max(thumb.width(), thumb.height()) <= 176);
        const QColor square = thumb.pixelColor(thumb.width() * 450 / 1024, thumb.height() * 350 / 768);
        QVERIFY2(std::abs(square.red() - square.blue()) < 40, qPrintable(square.name()));
        QCOMPARE(doc->undoStack()->count(), commands);
        gallery->setCanvasThumbnails(false);
        QCOMPARE(gallery->canvasThumbnailCount(), 0);

        // Apply: a new layer above, one undo step; the pencil look turns the blue square grey.
        QSignalSpy applied(gallery, &ui::StyleGalleryPanel::applied);
        gallery->setStrength(100);
        QVERIFY(gallery->applySelected());
        QVERIFY(applied.wait(20000));
        QCOMPARE(doc->layerCount(), 2);
        QCOMPARE(doc->undoStack()->count(), commands + 1);
        QVERIFY(doc->layer(1).name.startsWith(QStringLiteral("Style: Test Look")));
        const QColor styled = doc->render(QRect(450, 350, 1, 1)).pixelColor(0, 0);
        QVERIFY(std::abs(styled.red() - styled.blue()) < 40);
        doc->undoStack()->undo();
        QCOMPARE(doc->layerCount(), 1);

        // Within a selection only; with the style brush the layer starts hidden and its mask is
        // what the brush paints next.
        doc->selectRectangle(QRect(300, 200, 150, 150));
        gallery->setStyleBrush(true);
        QVERIFY(gallery->applySelected());
        QVERIFY(applied.wait(20000));
        QCOMPARE(doc->layerCount(), 2);
        QVERIFY(doc->layer(1).hasMask);
        QCOMPARE(doc->layer(1).pixels.copyRegion(QRect(700, 600, 1, 1)).pixelColor(0, 0).alpha(), 0);
        QCOMPARE(doc->layer(1).pixels.copyRegion(QRect(350, 250, 1, 1)).pixelColor(0, 0).alpha(), 255);
        QCOMPARE(doc->render(QRect(350, 250, 1, 1)).pixelColor(0, 0), QColor(30, 60, 160)); // hidden so far
        ui::CanvasView* c = w.canvas();
        QVERIFY(c->isEditingMask());
        // Paint the style in with the brush on the mask.
        doc->deselect();
        c->zoomActualSize();
        w.brushPanel()->selectPreset("round");
        w.brushPanel()->spinBox("size")->setValue(60);
        w.brushPanel()->spinBox("hardness")->setValue(1);
        w.colourPanel()->setForeground(Qt::white);
        sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {340, 250}), Qt::LeftButton);
        for (int x = 345; x <= 360; x += 5)
            sendMouse(c, QEvent::MouseMove, toWidget(c, {double(x), 250}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {360, 250}), Qt::NoButton);
        QTRY_VERIFY(doc->render(QRect(350, 250, 1, 1)).pixelColor(0, 0) != QColor(30, 60, 160));
        gallery->setStyleBrush(false);

        // Live mode: the canvas shows in the style as an overlay, re-stylised after each stroke,
        // and nothing is added to the document.
        QVERIFY(doc->removeLayer(1)); // the style-brush layer
        doc->deselect();
        w.findChild<ui::LayersPanel*>()->setEditingMask(false);
        QVERIFY(!c->isEditingMask());
        const int undoCount = doc->undoStack()->count();
        gallery->selectStyle(QStringLiteral("test-look"));
        gallery->setLive(true);
        QVERIFY(gallery->isLive());
        QTRY_VERIFY_WITH_TIMEOUT(!c->overlay().isNull(), 20000);
        QCOMPARE(gallery->liveImage().size(), doc->size());
        const QRect strokeArea(400, 344, 200, 80);
        const QImage before = gallery->liveImage().copy(strokeArea);
        w.colourPanel()->setForeground(QColor(250, 250, 250));
        sendMouse(c, QEvent::MouseButtonPress, toWidget(c, {440, 384}), Qt::LeftButton);
        for (int x = 450; x <= 560; x += 10)
            sendMouse(c, QEvent::MouseMove, toWidget(c, {double(x), 384}), Qt::LeftButton);
        sendMouse(c, QEvent::MouseButtonRelease, toWidget(c, {560, 384}), Qt::NoButton);
        QCOMPARE(docPixel(w, 500, 384), QColor(250, 250, 250));
        QTRY_VERIFY_WITH_TIMEOUT(gallery->liveImage().copy(strokeArea) != before, 20000);
        QCOMPARE(doc->undoStack()->count(), undoCount + 1); // the stroke only
        gallery->setLive(false);
        QVERIFY(c->overlay().isNull());

        // A picture imported as a style is applied by optimisation: its passes stream onto the
        // canvas as an overlay, which goes away when the result lands.
        QTemporaryDir dir;
        QImage stripes(64, 64, QImage::Format_RGB888);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x)
                stripes.setPixelColor(x, y, ((x + y) / 4) % 2 ? QColor(230, 40, 30) : QColor(240, 220, 40));
        QVERIFY(stripes.save(dir.filePath(QStringLiteral("stripes.png"))));
        const QString id = gallery->importStyle(dir.filePath(QStringLiteral("stripes.png")), QStringLiteral("Test Stripes"));
        QVERIFY(!id.isEmpty());
        QCOMPARE(gallery->selectedId(), id);
        // Quick optimisation unless Full is chosen (the setting is remembered).
        auto* refine = gallery->findChild<QComboBox*>(QStringLiteral("styleRefinement"));
        QVERIFY(refine && refine->isEnabled());
        QCOMPARE(refine->currentData().toString(), QStringLiteral("quick"));
        doc->selectRectangle(QRect(320, 220, 64, 64));
        QSignalSpy overlay(gallery, &ui::StyleGalleryPanel::applyPreview);
        QSignalSpy failed(gallery, &ui::StyleGalleryPanel::applyFailed);
        const int appliedBefore = applied.count();
        const int layers = doc->layerCount();
        QVERIFY(gallery->applySelected());
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() + failed.count() > appliedBefore, 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(doc->layerCount(), layers + 1);
        QVERIFY(overlay.count() >= 2);
        QVERIFY(!overlay.first().at(0).value<QImage>().isNull());
        QCOMPARE(overlay.first().at(1).toRect(), QRect(320, 220, 64, 64));
        QVERIFY(overlay.last().at(0).value<QImage>().isNull());
        QVERIFY(c->overlay().isNull());
        QVERIFY2(gallery->findChild<QLabel*>(QStringLiteral("styleStatus"))->text().contains(QStringLiteral("quick optimisation")),
                 qPrintable(gallery->findChild<QLabel*>(QStringLiteral("styleStatus"))->text()));
        // A network preset: Fast runs its network alone (no optimisation settings); Fast, then
        // refine and Optimise use them.
        gallery->selectStyle(QStringLiteral("cubist"));
        QCOMPARE(gallery->selectedId(), QStringLiteral("cubist"));
        auto* method = gallery->findChild<QComboBox*>(QStringLiteral("styleMethod"));
        QVERIFY(method->isEnabled());
        gallery->setMethod(QStringLiteral("auto"));
        QVERIFY(!refine->isEnabled());
        gallery->setMethod(QStringLiteral("optimisation"));
        QVERIFY(refine->isEnabled());
        gallery->setMethod(QStringLiteral("refine"));
        QVERIFY(refine->isEnabled());
        QCOMPARE(QSettings().value(QStringLiteral("styles/method")).toString(), QStringLiteral("refine"));

        // Fast, then refine: the network's result is on the canvas first (the first overlay),
        // then the optimisation's passes stream over it and the refined result lands, one layer.
        auto* accept = gallery->findChild<QPushButton*>(QStringLiteral("styleAccept"));
        const QRect area(320, 220, 96, 96);
        doc->selectRectangle(area);
        overlay.clear();
        QSignalSpy statuses(gallery, &ui::StyleGalleryPanel::statusMessage);
        int appliedAtStart = applied.count();
        QVERIFY(gallery->applySelected());
        QVERIFY(!accept->isHidden());
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() + failed.count() > appliedAtStart, 120000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QCOMPARE(doc->layerCount(), layers + 2);
        QVERIFY(overlay.count() >= 3); // the network's result, at least one pass, then cleared
        const QImage fast = overlay.first().at(0).value<QImage>().convertToFormat(QImage::Format_RGB888);
        QCOMPARE(fast.size(), area.size());
        QCOMPARE(overlay.first().at(1).toRect(), area);
        QVERIFY(overlay.last().at(0).value<QImage>().isNull());
        QStringList said;
        for (const auto& args : statuses)
            said << args.at(0).toString();
        // "… is on the canvas; refining …" when the network's result came, "… (refined by quick
        // optimisation)" when the layer was added.
        QVERIFY2(said.filter(QStringLiteral("is on the canvas; refining")).size() == 1, qPrintable(said.join('\n')));
        QVERIFY2(said.filter(QStringLiteral("refined by quick optimisation")).size() == 1, qPrintable(said.join('\n')));
        const QImage refined =
            doc->layer(doc->layerCount() - 1).pixels.copyRegion(area).convertToFormat(QImage::Format_RGB888);
        // Compared where the source layer (the stripes result, 64 px) is opaque: the result keeps
        // the source's alpha, the previews have none.
        auto meanDifference = [](const QImage& a, const QImage& b) {
            double sum = 0;
            for (int y = 0; y < 64; ++y)
                for (int x = 0; x < 64; ++x) {
                    const QColor p = a.pixelColor(x, y), q = b.pixelColor(x, y);
                    sum += std::abs(p.red() - q.red()) + std::abs(p.green() - q.green()) + std::abs(p.blue() - q.blue());
                }
            return sum / (3.0 * 64 * 64);
        };
        QVERIFY2(meanDifference(refined, fast) > 2, "the refinement changed nothing");
        // Accept now while the network's result is all that was shown: that result is kept.
        doc->undoStack()->undo();
        overlay.clear();
        appliedAtStart = applied.count();
        QVERIFY(gallery->applySelected());
        QVERIFY(overlay.wait(60000));
        QTest::mouseClick(accept, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(applied.count() + failed.count() > appliedAtStart, 120000);
        QVERIFY(failed.isEmpty());
        const QImage kept = doc->layer(doc->layerCount() - 1).pixels.copyRegion(area).convertToFormat(QImage::Format_RGB888);
        const QImage first = overlay.first().at(0).value<QImage>().convertToFormat(QImage::Format_RGB888);
        if (overlay.count() == 2) // nothing but the network's result was previewed appliedAtStart the click
            QVERIFY2(meanDifference(kept, first) < 1.5, qPrintable(QString::number(meanDifference(kept, first))));
        doc->deselect();
        // Canvas thumbnails run each style's own network, whatever Method says for Apply.
        gallery->setMethod(QStringLiteral("optimisation"));
        gallery->setCanvasThumbnails(true);
        QTRY_COMPARE_WITH_TIMEOUT(gallery->pendingCanvasThumbnails(), 0, 60000);
        const QImage thumbWhileOptimise = gallery->canvasThumbnail(QStringLiteral("cubist"));
        gallery->setCanvasThumbnails(false);
        gallery->setMethod(QStringLiteral("auto"));
        gallery->setCanvasThumbnails(true);
        QTRY_COMPARE_WITH_TIMEOUT(gallery->pendingCanvasThumbnails(), 0, 60000);
        QVERIFY(!thumbWhileOptimise.isNull());
        QCOMPARE(gallery->canvasThumbnail(QStringLiteral("cubist")), thumbWhileOptimise);
        gallery->setCanvasThumbnails(false);
        QString error;
        QVERIFY(core::StyleLibrary::deleteUserStyle(
            core::ModelCatalogue::readEntry(core::ModelCatalogue::userModelRoot() + QStringLiteral("/styles/") + id), &error));
        doc->undoStack()->setClean();
    }
};

GANVAS_QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
