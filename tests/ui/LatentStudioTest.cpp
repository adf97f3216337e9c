// SPDX-License-Identifier: GPL-3.0-or-later
// The Latent Space dock and the generator training dialog, driven offscreen with real widgets
// over a tiny random generator written for the test.
#include "GanUiFixtures.h"
#include "core/document/Document.h"
#include "core/engine/jobs/Job.h"
#include "core/gan/GeneratorSession.h"
#include "core/jobs/JobRunner.h"
#include "core/models/ModelCatalogue.h"
#include "core/settings/ComputeSettings.h"
#include "tests/StepJob.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/GanTrainDialog.h"
#include "ui/panels/LatentStudioPanel.h"

#include "JobSpy.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>
#include <QtWidgets>

#include "tests/TestMain.h"
#include <atomic>
#include <fstream>

using namespace ganvas;

namespace {

using test::maxDifference;
using test::writeTinyGenerator;

/// A random (untrained) generator folder: resolution 32, latent 16, 8 channels. Only the test


/// Bounding box of the pixels of @p image with alpha > 0.
QRect opaqueBounds(const QImage& image)
{
    const QImage a = image.convertToFormat(QImage::Format_ARGB32);
    int x0 = a.width(), y0 = a.height(), x1 = -1, y1 = -1;
    for (int y = 0; y < a.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(a.constScanLine(y));
        for (int x = 0; x < a.width(); ++x)
            if (qAlpha(line[x]) > 0) {
                x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
            }
    }
    return x1 < 0 ? QRect() : QRect(QPoint(x0, y0), QPoint(x1, y1));
}

void clickItem(QListWidget* list, int row)
{
    QListWidgetItem* item = list->item(row);
    QVERIFY(item);
    list->scrollToItem(item);
    const QPoint centre = list->visualItemRect(item).center();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, Qt::NoModifier, centre);
}

} // namespace

class LatentStudioTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_models;

    /// The window with the Latent Space dock in front and the tiny generator loaded and shown.
    ui::LatentStudioPanel* openStudio(ui::MainWindow& w)
    {
        w.show();
        if (!QTest::qWaitForWindowExposed(&w))
            return nullptr;
        w.dock(QStringLiteral("latentSpaceDock"))->show();
        w.dock(QStringLiteral("latentSpaceDock"))->raise();
        auto* panel = w.latentStudio();
        if (!QTest::qWaitFor([&] { return panel->model() && !panel->currentImage().isNull(); }, 30000))
            return nullptr;
        return panel;
    }

    /// Waits until the main preview shows the current latent.
    static bool settled(ui::LatentStudioPanel* panel, int ms = 20000)
    {
        return QTest::qWaitFor(
            [&] {
                return !panel->currentLatent().isEmpty() && panel->currentImageLatent() == panel->currentLatent();
            },
            ms);
    }

    static QImage renderDirect(const ui::LatentStudioPanel* panel, const core::Latent& latent)
    {
        return panel->model()->render({latent}, panel->truncation()).value(0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GanvasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("GanvasLatentTest"));
        QSettings().clear();
        QVERIFY(core::applyComputeSettings({}).error.isEmpty());
        QVERIFY(m_models.isValid());
        writeTinyGenerator(m_models.filePath(QStringLiteral("generators/tiny")));
        qputenv("GANVAS_MODEL_PATH", m_models.path().toUtf8());
    }

    void cleanupTestCase()
    {
        qunsetenv("GANVAS_MODEL_PATH");
    }

    void emptyStateWithoutGenerators()
    {
        QTemporaryDir none;
        qputenv("GANVAS_MODEL_PATH", none.path().toUtf8());
        ui::MainWindow w;
        qputenv("GANVAS_MODEL_PATH", m_models.path().toUtf8());
        auto* panel = w.latentStudio();
        QVERIFY(panel);
        if (panel->generatorCount() > 0)
            QSKIP("a generator is installed in the user or bundled folders");
        auto* empty = panel->findChild<QLabel*>(QStringLiteral("emptyState"));
        QVERIFY(empty);
        QVERIFY(!empty->isHidden());
        QVERIFY(empty->text().contains(QStringLiteral("/generators")));
        QVERIFY(panel->findChild<QComboBox*>(QStringLiteral("latentGenerator"))->isHidden());
    }

    void selectingTheGeneratorRendersAPreview()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        auto* combo = panel->findChild<QComboBox*>(QStringLiteral("latentGenerator"));
        QVERIFY(combo->findData(QStringLiteral("tiny")) >= 0);
        QCOMPARE(panel->currentGeneratorId(), QStringLiteral("tiny"));
        QVERIFY(panel->findChild<QLabel*>(QStringLiteral("emptyState"))->isHidden());
        QVERIFY(settled(panel));
        QCOMPARE(panel->currentImage().size(), QSize(32, 32));
        auto* preview = panel->findChild<QLabel*>(QStringLiteral("latentPreview"));
        QTRY_VERIFY(!preview->pixmap().isNull());
        QVERIFY(preview->pixmap().width() >= 64); // shown enlarged, not at 32 px
        QVERIFY(panel->findChild<QLabel*>(QStringLiteral("latentInfo"))->text().contains(QStringLiteral("32 px")));
        // The image is the seed's own image at the shown truncation.
        QCOMPARE(panel->currentLatent(), panel->model()->latentForSeed(panel->seed()));
        QVERIFY(maxDifference(panel->currentImage(), renderDirect(panel, panel->currentLatent())) <= 1);
        // The first result is in the history.
        QCOMPARE(panel->historyCount(), 1);

        // Direction rows: at most 12 shown until "More…".
        const int directions = panel->directionCount();
        QCOMPARE(directions, panel->model()->info().directionCount);
        QVERIFY(directions > 0);
        auto* more = panel->findChild<QToolButton*>(QStringLiteral("latentMoreDirections"));
        if (directions > 12) {
            QVERIFY(!more->isHidden());
            QVERIFY(panel->directionSlider(12)->isHidden());
            QTest::mouseClick(more, Qt::LeftButton);
            QVERIFY(!panel->directionSlider(12)->isHidden());
        }
        const QString label0 = panel->findChild<QLabel*>(QStringLiteral("directionLabel0"))->text();
        QVERIFY(label0.startsWith(QStringLiteral("Direction 1 (")));
        // The strips follow lazily.
        QSignalSpy strip(panel, &ui::LatentStudioPanel::stripRendered);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->directionStrip(0).isNull(), 10000);
    }

    void changingTheSeedChangesTheImage()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        QVERIFY(settled(panel));
        const QImage before = panel->currentImage();
        const int history = panel->historyCount();
        auto* spin = panel->findChild<QSpinBox*>(QStringLiteral("latentSeed"));
        spin->setValue(spin->value() + 17);
        QVERIFY(settled(panel));
        QVERIFY(panel->currentImage() != before);
        QCOMPARE(panel->currentLatent(), panel->model()->latentForSeed(spin->value()));
        QVERIFY(maxDifference(panel->currentImage(), renderDirect(panel, panel->currentLatent())) <= 1);
        QCOMPARE(panel->historyCount(), history + 1);
        // Truncation changes the picture too.
        const QImage truncated = panel->currentImage();
        panel->setTruncation(0.3);
        QVERIFY(QTest::qWaitFor([&] { return panel->currentImage() != truncated; }, 10000));
        QVERIFY(maxDifference(panel->currentImage(), renderDirect(panel, panel->currentLatent())) <= 1);
    }

    void sliderDragEndsWithTheFinalImage()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        QVERIFY(settled(panel));
        const int history = panel->historyCount();
        QSlider* slider = panel->directionSlider(0);
        QVERIFY(slider);
        slider->setSliderDown(true);
        QElapsedTimer timer;
        timer.start();
        for (int v = 1; v <= 25; ++v)
            slider->setValue(v); // a fast drag: the UI never waits for a render
        const qint64 dragMs = timer.elapsed();
        slider->setSliderDown(false); // release: settles into the history
        QVERIFY2(dragMs < 500, qPrintable(QStringLiteral("the drag took %1 ms").arg(dragMs)));

        QVector<double> offsets(panel->directionCount(), 0.0);
        offsets[0] = 2.5;
        const core::Latent expected = panel->model()->moved(panel->model()->latentForSeed(panel->seed()), offsets);
        QCOMPARE(panel->offsets().value(0), 2.5);
        QCOMPARE(panel->currentLatent(), expected);
        QVERIFY(settled(panel));
        QVERIFY(maxDifference(panel->currentImage(), renderDirect(panel, expected)) <= 1);
        QCOMPARE(panel->historyCount(), history + 1); // one entry for the whole drag
        // The window answered throughout: a queued call runs promptly.
        bool answered = false;
        QMetaObject::invokeMethod(panel, [&] { answered = true; }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(answered, 1000);
    }

    void sliderRendersAreInteractiveJobsOfTheStudiosRunner()
    {
        // Issue #16: slider renders ran on LatentRenderer's own thread, outside the runner, so a
        // training never gave way to them. Now each is an Interactive, transient job of the
        // studio's runner, and a drag during a training still ends on the final image.
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        QVERIFY(settled(panel));
        auto training = std::make_shared<test::StepJob>(engine::JobPriority::Background);
        core::JobHandle* trainingJob = w.jobRunner()->submit(training);
        QTRY_VERIFY_WITH_TIMEOUT(training->steps.load() >= 3, 10000);
        QStringList renders;
        connect(w.jobRunner(), &core::JobRunner::queued, this,
                [&](core::JobId, const QString& title, const QString& queue, bool transient) {
                    if (title.startsWith(QStringLiteral("Render")) && transient)
                        renders << queue;
                });
        QSlider* slider = panel->directionSlider(0);
        QVERIFY(slider);
        slider->setSliderDown(true);
        for (int v = 1; v <= 15; ++v)
            slider->setValue(v);
        slider->setSliderDown(false);
        QVector<double> offsets(panel->directionCount(), 0.0);
        offsets[0] = 1.5;
        const core::Latent expected = panel->model()->moved(panel->model()->latentForSeed(panel->seed()), offsets);
        QCOMPARE(panel->currentLatent(), expected);
        QVERIFY(settled(panel, 10000));
        QVERIFY(maxDifference(panel->currentImage(), renderDirect(panel, expected)) <= 1);
        QVERIFY(!renders.isEmpty());
        QCOMPARE(renders.first(), QStringLiteral("cpu"));
        QCOMPARE(trainingJob->state(), core::JobState::Running); // it gave way and carries on
        QSignalSpy cancelled(trainingJob, &core::JobHandle::cancelled);
        trainingJob->cancel();
        QVERIFY(cancelled.wait(5000));
    }

    void lockKeepsADirectionAcrossRandomise()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        QVERIFY(panel->directionCount() >= 2);
        panel->directionSlider(0)->setValue(15);
        panel->directionLock(0)->setChecked(true);
        panel->directionSlider(1)->setValue(-10);
        const qint64 seed = panel->seed();
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("latentRandomise")), Qt::LeftButton);
        QVERIFY(panel->seed() != seed);
        QCOMPARE(panel->directionSlider(0)->value(), 15);
        QCOMPARE(panel->directionSlider(1)->value(), 0);
        QCOMPARE(panel->offsets().value(0), 1.5);
        QCOMPARE(panel->offsets().value(1), 0.0);
        QVector<double> offsets(panel->directionCount(), 0.0);
        offsets[0] = 1.5;
        QCOMPARE(panel->currentLatent(), panel->model()->moved(panel->model()->latentForSeed(panel->seed()), offsets));
        QVERIFY(settled(panel));
    }

    void breedingGivesNineChildrenWithLineage()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        panel->setSeed(101);
        panel->setSeed(202);
        QVERIFY(panel->historyCount() >= 2);
        QVERIFY(settled(panel));
        QListWidget* history = panel->historyList();
        const int rows = history->count();
        QCOMPARE(rows, panel->historyCount());
        const int idA = panel->historyRecord(rows - 2).id, idB = panel->historyRecord(rows - 1).id;
        history->clearSelection();
        history->item(rows - 2)->setSelected(true);
        history->item(rows - 1)->setSelected(true);
        auto* breed = panel->findChild<QPushButton*>(QStringLiteral("latentBreed"));
        QVERIFY(breed->isEnabled());
        QSignalSpy children(panel, &ui::LatentStudioPanel::childrenReady);
        QTest::mouseClick(breed, Qt::LeftButton);
        QVERIFY(children.wait(20000));
        QCOMPARE(children.last().at(0).toInt(), 9);
        QCOMPARE(panel->childCount(), 9);
        QCOMPARE(panel->childList()->count(), 9);
        QVERIFY(panel->childList()->isVisible());

        QSignalSpy grew(panel, &ui::LatentStudioPanel::historyChanged);
        clickItem(panel->childList(), 4);
        QCOMPARE(grew.count(), 1);
        QCOMPARE(panel->historyCount(), rows + 1);
        const QString tip = panel->historyList()->item(panel->historyList()->count() - 1)->toolTip();
        QVERIFY2(tip.contains(QStringLiteral("child of #%1 × #%2").arg(idA).arg(idB)), qPrintable(tip));
        QCOMPARE(panel->historyRecord(panel->historyCount() - 1).parents, QVector<int>({idA, idB}));
        QVERIFY(settled(panel));

        // Clicking an older history item goes back to it.
        clickItem(history, rows - 2);
        QCOMPARE(panel->currentLatent(), panel->historyRecord(rows - 2).latent);
        QVERIFY(settled(panel));
    }

    void interpolationStartsAtAAndEndsAtB()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        panel->setSeed(5);
        QVERIFY(settled(panel));
        const core::Latent a = panel->currentLatent();
        const QImage imageA = panel->currentImage();
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("latentSetA")), Qt::LeftButton);
        panel->setSeed(6);
        QVERIFY(settled(panel));
        const core::Latent b = panel->currentLatent();
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("latentSetB")), Qt::LeftButton);
        auto* blend = panel->findChild<QSlider*>(QStringLiteral("latentBlend"));
        QVERIFY(blend->isEnabled());

        blend->setValue(50);
        QCOMPARE(panel->currentLatent(), core::interpolateLatents(a, b, 0.5));
        QVERIFY(settled(panel));
        blend->setValue(0);
        QCOMPARE(panel->currentLatent(), a);
        QVERIFY(settled(panel));
        QVERIFY(maxDifference(panel->currentImage(), imageA) <= 1);
        QVERIFY(panel->setBlend(1.0));
        QCOMPARE(panel->currentLatent(), b);
    }

    void placeOnCanvasAddsOneLayerAndUndoRemovesIt()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        QVERIFY(settled(panel));
        core::Document* doc = w.document();
        const int layers = doc->layerCount();
        const int commands = doc->undoStack()->count();
        panel->findChild<QSpinBox*>(QStringLiteral("latentPlaceSize"))->setValue(100);
        QSignalSpy placed(panel, &ui::LatentStudioPanel::placed);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("latentPlace")), Qt::LeftButton);
        // With an AI upscaler installed (100 px >= 2 x 32 px) the layer comes when its job finished.
        QVERIFY(placed.count() == 1 || placed.wait(60000));
        QCOMPARE(placed.count(), 1);
        QCOMPARE(doc->layerCount(), layers + 1);
        QCOMPARE(doc->undoStack()->count(), commands + 1);
        const core::Layer& layer = doc->layer(doc->currentLayer());
        QCOMPARE(layer.name, QStringLiteral("Generated: Tiny #%1").arg(panel->seed()));
        QRect expected(0, 0, 100, 100);
        expected.moveCenter(doc->rect().center());
        QCOMPARE(opaqueBounds(layer.image()), expected);
        // The enlarged image is the current one (its mean colour survives the resize).
        const auto meanColour = [](const QImage& image) {
            return image.convertToFormat(QImage::Format_RGBA8888)
                .scaled(1, 1, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        };
        QVERIFY(maxDifference(meanColour(layer.image().copy(expected)), meanColour(panel->currentImage())) < 24);
        doc->undoStack()->undo();
        QCOMPARE(doc->layerCount(), layers);

        // With a selection it fills the selection's bounding box.
        doc->selectRectangle(QRect(100, 120, 200, 150));
        placed.clear();
        QVERIFY(panel->placeOnCanvas(256));
        QVERIFY(placed.count() == 1 || placed.wait(60000));
        QCOMPARE(doc->layerCount(), layers + 1);
        QCOMPARE(opaqueBounds(doc->layer(doc->currentLayer()).image()), QRect(100, 120, 200, 150));
    }

    void projectingTheCanvasSetsALatent()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        QVERIFY(settled(panel));
        core::Document* doc = w.document();
        QImage ink(doc->size(), QImage::Format_ARGB32_Premultiplied);
        ink.fill(Qt::transparent);
        QPainter(&ink).fillRect(QRect(200, 150, 500, 400), QColor(200, 60, 40));
        doc->addLayer(QStringLiteral("ink"), ink);
        const int history = panel->historyCount();
        const int commands = doc->undoStack()->count();
        const core::Latent before = panel->currentLatent();

        QSignalSpy finished(w.jobRunner(), &core::JobRunner::finished);
        QSignalSpy ended(panel, &ui::LatentStudioPanel::projectionEnded);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("latentProject")), Qt::LeftButton);
        QVERIFY(panel->isProjecting());
        QVERIFY(!panel->findChild<QPushButton*>(QStringLiteral("latentCancelProjection"))->isHidden());
        QVERIFY(ended.wait(120000));
        QCOMPARE(ended.last().at(0).toBool(), true);
        QVERIFY(finished.count() >= 1);
        QVERIFY(!panel->isProjecting());
        QVERIFY(panel->findChild<QPushButton*>(QStringLiteral("latentCancelProjection"))->isHidden());
        QCOMPARE(panel->historyCount(), history + 1);
        QVERIFY(panel->currentLatent() != before);
        QCOMPARE(panel->currentLatent().size(), panel->model()->info().latentDim);
        QCOMPARE(panel->truncation(), 1.0);
        for (double v : panel->offsets())
            QCOMPARE(v, 0.0);
        QVERIFY(panel->historyList()->item(panel->historyCount() - 1)->toolTip().contains(QStringLiteral("projected")));
        QCOMPARE(doc->undoStack()->count(), commands); // projecting changes nothing in the picture
        QVERIFY(settled(panel));
    }

    /// Issue #16 defect 6: Project canvas composites its area in the job, not on the GUI thread.
    void projectionMakesItsTargetOnTheWorker()
    {
        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        QVERIFY(settled(panel));
        QThread* madeOn = nullptr;
        core::ProjectionTask task(
            panel->model(),
            std::function<QImage()>([&] {
                madeOn = QThread::currentThread();
                QImage red(300, 300, QImage::Format_RGB32);
                red.fill(QColor(200, 40, 40));
                return red;
            }),
            3);
        QCOMPARE(madeOn, nullptr); // nothing made yet
        core::JobHandle* job = w.jobRunner()->submit(task.job());
        QSignalSpy finished(job, &core::JobHandle::finished);
        QSignalSpy failed(job, &core::JobHandle::failed);
        QVERIFY(QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, 60000));
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));
        QVERIFY(madeOn && madeOn != QThread::currentThread());
        QCOMPARE(task.latent().size(), panel->model()->info().latentDim);
        QVERIFY(!task.image().isNull());

        // An empty picture fails the job in words.
        core::ProjectionTask empty(panel->model(), std::function<QImage()>([] { return QImage(); }), 3);
        QSignalSpy emptyFailed(w.jobRunner()->submit(empty.job()), &core::JobHandle::failed);
        QVERIFY(emptyFailed.wait(60000));
        QVERIFY(emptyFailed.first().at(0).toString().contains(QStringLiteral("nothing to project")));
        QVERIFY(empty.latent().isEmpty());
    }

    void trainDialogRefusesAnEmptyFolder()
    {
        ui::MainWindow w;
        w.show();
        auto* panel = w.latentStudio();
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("latentTrain")), Qt::LeftButton);
        auto* dialog = panel->findChild<ui::GanTrainDialog*>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(!dialog->isModal());
        QCOMPARE(dialog->findChild<QComboBox*>(QStringLiteral("ganResolution"))->currentData().toInt(), 64);
        QCOMPARE(dialog->findChild<QSpinBox*>(QStringLiteral("ganBatch"))->value(), 32);
        QCOMPARE(dialog->findChild<QSpinBox*>(QStringLiteral("ganMinutes"))->value(), 10);

        QTemporaryDir empty;
        dialog->setDataFolder(empty.path());
        QSignalSpy queued(w.jobRunner(), &core::JobRunner::queued);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("ganStart")), Qt::LeftButton);
        QVERIFY(!dialog->errorText().isEmpty());
        QVERIFY(!dialog->isRunning());
        QCOMPARE(test::userJobs(queued).count(), 0);
        // (The dock's own slider renders are jobs of the same runner: they end by themselves.)
        QTRY_COMPARE_WITH_TIMEOUT(w.jobRunner()->activeCount(), 0, 5000);
        QVERIFY(dialog->findChild<QPushButton*>(QStringLiteral("ganStart"))->isEnabled());

        dialog->setDataFolder(empty.filePath(QStringLiteral("missing")));
        QVERIFY(!dialog->start());
        QVERIFY(!dialog->errorText().isEmpty());
        QCOMPARE(test::userJobs(queued).count(), 0);

        QCOMPARE(ui::GanTrainDialog::idForName(QStringLiteral("My Cats!")), QStringLiteral("my-cats"));
        QCOMPARE(ui::GanTrainDialog::idForName(QStringLiteral("  Éclair  2 ")), QStringLiteral("eclair-2"));
        QCOMPARE(ui::GanTrainDialog::idForName(QStringLiteral("???")), QStringLiteral("my-generator"));
        QVERIFY(ui::GanTrainDialog::outputFolderFor(QStringLiteral("My Cats!"))
                    .startsWith(core::ModelCatalogue::userModelRoot() + QStringLiteral("/generators/")));
    }

    void trainDialogTrainsATinyGenerator()
    {
        QTemporaryDir data;
        for (int i = 0; i < 4; ++i) {
            QImage image(40, 40, QImage::Format_RGB32);
            image.fill(QColor::fromHsv(i * 80, 200, 220));
            {
                QPainter p(&image);
                p.setPen(Qt::NoPen);
                p.setBrush(QColor(20, 20, 20 + 50 * i));
                p.drawEllipse(QRect(5 + 3 * i, 8, 20, 20));
            }
            QVERIFY(image.save(data.filePath(QStringLiteral("img%1.png").arg(i))));
        }
        const QString name = QStringLiteral("Latent Test Run");
        const QString output = ui::GanTrainDialog::outputFolderFor(name);
        QDir(output).removeRecursively();

        ui::MainWindow w;
        auto* panel = openStudio(w);
        QVERIFY(panel);
        const int generators = panel->generatorCount();
        auto* dialog = panel->openTrainDialog();
        dialog->setDataFolder(data.path());
        dialog->setGeneratorName(name);
        dialog->setResolution(32);
        dialog->setSteps(2);
        dialog->setBatch(4);
        dialog->setMinutes(0);
        // Issue #14: the network is the artist's choice; FastGAN goes through the same path.
        auto* architecture = dialog->findChild<QComboBox*>(QStringLiteral("ganArchitecture"));
        QCOMPARE(architecture->currentData().toString(), QStringLiteral("dcgan"));
        architecture->setCurrentIndex(architecture->findData(QStringLiteral("fastgan")));
        QSignalSpy trained(dialog, &ui::GanTrainDialog::generatorTrained);
        QSignalSpy ended(dialog, &ui::GanTrainDialog::ended);
        QVERIFY2(dialog->start(), qPrintable(dialog->errorText()));
        QVERIFY(dialog->isRunning());
        QVERIFY(dialog->findChild<QPushButton*>(QStringLiteral("ganStop"))->isEnabled());
        QVERIFY(!dialog->findChild<QPushButton*>(QStringLiteral("ganStart"))->isEnabled());
        QVERIFY(QTest::qWaitFor([&] { return trained.count() + ended.count() > 0; }, 300000));
        QVERIFY2(trained.count() == 1, qPrintable(dialog->errorText() + dialog->statusText()));
        QCOMPARE(trained.first().at(0).toString(), output);
        QVERIFY(!dialog->isRunning());
        QVERIFY(!dialog->dataSummaryText().isEmpty());
        QVERIFY(dialog->curvePointCount() >= 1);
        QVERIFY(QFileInfo::exists(output + QStringLiteral("/config.json")));
        {
            QFile config(output + QStringLiteral("/config.json"));
            QVERIFY(config.open(QIODevice::ReadOnly));
            const QJsonObject arch =
                QJsonDocument::fromJson(config.readAll()).object().value(QStringLiteral("architecture")).toObject();
            QCOMPARE(arch.value(QStringLiteral("type")).toString(), QStringLiteral("fastgan"));
        }
        // The studio rescanned the catalogue: the new generator can be chosen.
        QCOMPARE(panel->generatorCount(), generators + 1);
        QVERIFY(panel->findChild<QComboBox*>(QStringLiteral("latentGenerator"))
                    ->findData(ui::GanTrainDialog::idForName(name)) >= 0);
        QSignalSpy ready(panel, &ui::LatentStudioPanel::generatorReady);
        QVERIFY(panel->selectGenerator(ui::GanTrainDialog::idForName(name)));
        QVERIFY(ready.wait(30000));
        QVERIFY(settled(panel));
        // Its evaluation is on the info line, RF-FID labelled as such.
        const QString info = panel->findChild<QLabel*>(QStringLiteral("latentInfo"))->text();
        QVERIFY2(info.contains(QStringLiteral("SWD")) && info.contains(QStringLiteral("RF-FID")), qPrintable(info));
        const QString tip = panel->findChild<QLabel*>(QStringLiteral("latentInfo"))->toolTip();
        QVERIFY(tip.contains(QStringLiteral("NOT comparable")));
        QDir(output).removeRecursively();
    }

    void trainDialogPausesStopsAndResumes()
    {
        QTemporaryDir data;
        for (int i = 0; i < 4; ++i) {
            QImage image(32, 32, QImage::Format_RGB32);
            image.fill(QColor::fromHsv(i * 70, 180, 200));
            QVERIFY(image.save(data.filePath(QStringLiteral("img%1.png").arg(i))));
        }
        const QString name = QStringLiteral("Latent Pause Run");
        const QString output = ui::GanTrainDialog::outputFolderFor(name);
        QDir(output).removeRecursively();

        ui::MainWindow w;
        w.show();
        auto* dialog = w.latentStudio()->openTrainDialog();
        dialog->setDataFolder(data.path());
        dialog->setGeneratorName(name);
        dialog->setResolution(32);
        dialog->setSteps(1000000);
        dialog->setBatch(4);
        dialog->setMinutes(0);
        QSignalSpy ended(dialog, &ui::GanTrainDialog::ended);
        QVERIFY2(dialog->start(), qPrintable(dialog->errorText()));
        // Training is under way once the loss curve has points.
        QVERIFY(QTest::qWaitFor([&] { return dialog->curvePointCount() >= 1 || !ended.isEmpty(); }, 120000));
        QVERIFY(ended.isEmpty());
        auto* pause = dialog->findChild<QPushButton*>(QStringLiteral("ganPause"));
        QTest::mouseClick(pause, Qt::LeftButton);
        QVERIFY(dialog->isPaused());
        QCOMPARE(pause->text(), QStringLiteral("Resume"));
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("ganStop")), Qt::LeftButton);
        QVERIFY(ended.wait(60000)); // a paused job still answers Stop
        QVERIFY(!dialog->isRunning());
        QVERIFY(dialog->statusText().contains(QStringLiteral("checkpoint")));
        QVERIFY(dialog->findChild<QCheckBox*>(QStringLiteral("ganResume"))->isChecked());
        QVERIFY(QFileInfo::exists(output + QStringLiteral("/checkpoint.safetensors")));

        // Without Resume the name is taken; with it, training continues.
        dialog->setResume(false);
        QVERIFY(!dialog->start());
        QVERIFY(dialog->errorText().contains(QStringLiteral("Resume")));
        dialog->setResume(true);
        QVERIFY2(dialog->start(), qPrintable(dialog->errorText()));
        QVERIFY(dialog->isRunning());
        dialog->stop();
        QVERIFY(ended.wait(60000));
        QVERIFY(!dialog->isRunning());
        QDir(output).removeRecursively();
    }
};

GANVAS_QTEST_MAIN(LatentStudioTest)
#include "LatentStudioTest.moc"
