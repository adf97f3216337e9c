// SPDX-License-Identifier: GPL-3.0-or-later
// Where AI upscaling is used in the studio (issue #6, part 4): the Export dialog's multiplier with
// "AI upscale", Image ▸ AI Upscale…, and placing a GAN sample on the canvas. Driven offscreen with
// real widgets over a tiny "upscaler" written for the test (a TF.js layers-model that is only a
// nearest-neighbour UpSampling2D, so its output is known exactly) and a tiny random generator;
// the bundled resources are hidden so that only these models are installed.
#include "GanUiFixtures.h"
#include "core/document/Document.h"
#include "core/jobs/JobRunner.h"
#include "core/models/ModelCatalogue.h"
#include "core/settings/ComputeSettings.h"
#include "core/upscale/UpscaleTask.h"
#include "ui/MainWindow.h"
#include "ui/dialogs/ExportDialog.h"
#include "ui/dialogs/UpscaleDialog.h"
#include "ui/panels/JobsPanel.h"
#include "ui/panels/LatentStudioPanel.h"

#include "JobSpy.h"
#include "WhenModal.h"

#include <QtTest>
#include <QPainter>
#include <QtWidgets>

#include <fstream>
#include <functional>
#include "tests/TestMain.h"

using namespace ganvas;

namespace {

using test::maxDifference;
using test::writeFile;
using test::writeNearestUpscaler;
using test::writeTinyGenerator;

/// An opaque picture with a different colour in every pixel (so a shifted enlargement shows).
QImage pattern(QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    for (int y = 0; y < size.height(); ++y)
        for (int x = 0; x < size.width(); ++x)
            image.setPixel(x, y, qRgb((x * 7 + y * 3) % 256, (x * 13) % 256, (y * 11 + x) % 256));
    return image;
}

/// Every pixel of @p image repeated @p s × @p s times.
QImage nearest(const QImage& image, int s)
{
    const QImage in = image.convertToFormat(QImage::Format_ARGB32);
    QImage out(in.width() * s, in.height() * s, QImage::Format_ARGB32);
    for (int y = 0; y < out.height(); ++y)
        for (int x = 0; x < out.width(); ++x)
            out.setPixel(x, y, in.pixel(x / s, y / s));
    return out;
}

using test::whenModal;

/// The window, shown, with @p picture as its (clean) document.
void showWithPicture(ui::MainWindow& w, const QImage& picture)
{
    w.setDocument(std::make_unique<core::Document>(picture, QStringLiteral("pattern")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
}

} // namespace

class UpscaleUiTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_models;    ///< GANVAS_MODEL_PATH: the tiny upscaler (slim 2×) and generator
    QTemporaryDir m_resources; ///< GANVAS_RESOURCES: the bundled brushes only, no upscalers
    QTemporaryDir m_none;      ///< an empty model root
    QTemporaryDir m_damaged;   ///< the same models, the upscaler's weights not matching its hash

    void useModels(bool installed)
    {
        qputenv("GANVAS_MODEL_PATH", (installed ? m_models.path() : m_none.path()).toUtf8());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GanvasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("GanvasUpscaleUiTest"));
        QSettings().clear();
        QVERIFY(core::applyComputeSettings({}).error.isEmpty());
        QVERIFY(m_models.isValid() && m_resources.isValid() && m_none.isValid());
        // Hide the bundled models (the real ESRGAN weights may be installed there), keep the brushes.
        const QString bundled = core::ModelCatalogue::bundledResourceRoot();
        QVERIFY(QFile::link(bundled + QStringLiteral("/brushes"), m_resources.filePath(QStringLiteral("brushes"))));
        qputenv("GANVAS_RESOURCES", m_resources.path().toUtf8());
        writeNearestUpscaler(m_models.path(), QStringLiteral("slim"), 2);
        writeTinyGenerator(m_models.filePath(QStringLiteral("generators/tiny")));
        // The damaged root: the same two models, the upscaler's configuration naming a SHA-256
        // that its weights do not have (a download cut short, a file edited by hand).
        QVERIFY(m_damaged.isValid());
        writeNearestUpscaler(m_damaged.path(), QStringLiteral("slim"), 2);
        writeTinyGenerator(m_damaged.filePath(QStringLiteral("generators/tiny")));
        {
            const QString config = m_damaged.filePath(QStringLiteral("upscalers/esrgan-slim-x2/config.json"));
            QFile file(config);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
            file.close();
            object[QStringLiteral("sha256")] = QString(64, QLatin1Char('0'));
            writeFile(config, QJsonDocument(object).toJson());
        }
        useModels(true);
        const auto installed = core::installedUpscalers();
        QCOMPARE(installed.size(), 1);
        QVERIFY2(installed.first().isValid(), qPrintable(installed.first().error));
    }

    void cleanupTestCase()
    {
        qunsetenv("GANVAS_MODEL_PATH");
        qunsetenv("GANVAS_RESOURCES");
    }

    void withoutUpscalersAiIsOffAndSaysHowToInstall()
    {
        useModels(false);
        QVERIFY(core::installedUpscalers().isEmpty());
        QTemporaryDir dir;
        ui::ExportDialog dialog(QSize(200, 100), dir.filePath(QStringLiteral("x.png")));
        dialog.setMultiplier(2);
        QCOMPARE(dialog.outputSize(), QSize(400, 200));
        QVERIFY(!dialog.aiBox()->isEnabled());
        QVERIFY(dialog.aiBox()->toolTip().contains(QStringLiteral("fetch-models.sh")));
        auto* hint = dialog.findChild<QLabel*>(QStringLiteral("exportAiHint"));
        QVERIFY(hint && !hint->isHidden());
        QVERIFY(hint->text().contains(QStringLiteral("fetch-models.sh")));
        QVERIFY(!dialog.aiUpscale());
        QVERIFY(dialog.upscaler().id.isEmpty());

        // Image ▸ AI Upscale… says the same instead of offering nothing.
        ui::MainWindow w;
        showWithPicture(w, pattern(QSize(40, 30)));
        QString said;
        whenModal<QMessageBox>([&](QMessageBox* box) {
            said = box->text();
            box->accept();
        });
        w.findChild<QAction*>(QStringLiteral("actionUpscaleImage"))->trigger();
        QVERIFY(said.contains(QStringLiteral("fetch-models.sh")));
        QCOMPARE(w.document()->size(), QSize(40, 30));
        useModels(true);
    }

    void exportDialogOffersOnlyInstalledModels()
    {
        QTemporaryDir dir;
        ui::ExportDialog dialog(QSize(200, 100), dir.filePath(QStringLiteral("x.png")));
        QCOMPARE(dialog.multiplier(), 1);
        QVERIFY(!dialog.aiBox()->isEnabled()); // 1×: nothing to enlarge
        dialog.multiplierBox()->setCurrentIndex(dialog.multiplierBox()->findData(2));
        QCOMPARE(dialog.outputSize(), QSize(400, 200));
        QVERIFY(dialog.aiBox()->isEnabled());
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("exportAiHint"))->isHidden());
        dialog.aiBox()->setChecked(true);
        QCOMPARE(dialog.aiModelBox()->count(), 1); // slim only: medium and thick are not installed
        QCOMPARE(dialog.aiModelBox()->currentData().toString(), QStringLiteral("slim"));
        QVERIFY(dialog.aiUpscale());
        QCOMPARE(dialog.upscaler().id, QStringLiteral("esrgan-slim-x2"));
        QVERIFY(!dialog.widthBox()->isEnabled()); // the network sets the size
        // 3× has no model: AI switches off and the dialog says why.
        dialog.setMultiplier(3);
        QCOMPARE(dialog.outputSize(), QSize(600, 300));
        QVERIFY(!dialog.aiBox()->isEnabled());
        QVERIFY(!dialog.aiBox()->isChecked());
        QVERIFY(dialog.aiBox()->toolTip().contains(QStringLiteral("3×")));
        QVERIFY(dialog.widthBox()->isEnabled());
        // A custom size is a custom multiplier.
        dialog.widthBox()->setValue(250);
        QCOMPARE(dialog.multiplier(), 0);
        dialog.widthBox()->setValue(400);
        QCOMPARE(dialog.multiplier(), 2);
    }

    void exportAt2xWithAiWritesTheUpscaledPicture()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big.png"));
        const QImage picture = pattern(QSize(300, 220)); // more than one 192 px tile
        ui::MainWindow w;
        showWithPicture(w, picture);
        core::JobRunner* runner = w.jobRunner();
        QSignalSpy queued(runner, &core::JobRunner::queued);
        QSignalSpy finished(runner, &core::JobRunner::finished);
        // The file appears only once the job finished.
        bool fileWhileRunning = false;
        connect(runner, &core::JobRunner::started, this, [&] { fileWhileRunning = fileWhileRunning || QFile::exists(path); });

        whenModal<ui::ExportDialog>([&](ui::ExportDialog* dialog) {
            dialog->setPath(path);
            dialog->multiplierBox()->setCurrentIndex(dialog->multiplierBox()->findData(2));
            QTest::mouseClick(dialog->aiBox(), Qt::LeftButton);
            QVERIFY(dialog->aiUpscale());
            QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        });
        w.findChild<QAction*>(QStringLiteral("actionExport"))->trigger(); // returns once written
        QCOMPARE(test::userJobs(queued).count(), 1);
        QVERIFY(test::userJobs(queued).first().at(1).toString().contains(QStringLiteral("Export big.png")));
        QCOMPARE(test::ofUserJobs(finished, queued).count(), 1);
        QVERIFY(!fileWhileRunning);
        // It was shown in the Jobs dock.
        QVERIFY(w.jobsPanel()->findChild<QWidget*>(
            QStringLiteral("jobRow-%1").arg(test::userJobs(queued).first().at(0).toULongLong())));

        QImageReader reader(path);
        const QImage out = reader.read();
        QVERIFY2(!out.isNull(), qPrintable(reader.errorString()));
        QCOMPARE(out.size(), QSize(600, 440));
        QVERIFY(maxDifference(out, nearest(picture, 2)) <= 1);
        // The provenance is kept and names the upscaler.
        QVERIFY(out.text(QStringLiteral("Software")).startsWith(QStringLiteral("Ganvas")));
        QCOMPARE(out.text(QStringLiteral("GanvasUpscaler")), QStringLiteral("esrgan-slim-x2"));
        const auto provenance = QJsonDocument::fromJson(out.text(QStringLiteral("GanvasProvenance")).toUtf8()).object();
        QCOMPARE(provenance[QStringLiteral("canvas")].toArray().at(0).toInt(), 300);
        QCOMPARE(provenance[QStringLiteral("upscaler")].toObject()[QStringLiteral("id")].toString(),
                 QStringLiteral("esrgan-slim-x2"));
        QCOMPARE(provenance[QStringLiteral("upscaler")].toObject()[QStringLiteral("scale")].toInt(), 2);
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("esrgan-slim-x2")));

        // Without AI the same multiplier resamples, as before, and names no upscaler.
        const QString plain = dir.filePath(QStringLiteral("plain.png"));
        QVERIFY(w.exportTo(plain, QSize(600, 440)));
        const QImage resampled(plain);
        QCOMPARE(resampled.size(), QSize(600, 440));
        QVERIFY(resampled.text(QStringLiteral("GanvasUpscaler")).isEmpty());
        QCOMPARE(test::userJobs(queued).count(), 2); // plain resampling runs in its own export job, no upscaler in it
    }

    void cancellingTheAiExportWritesNothing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("never.png"));
        ui::MainWindow w;
        showWithPicture(w, pattern(QSize(64, 48)));
        // Cancel from the Jobs dock as soon as the job is listed there.
        bool clicked = false;
        connect(w.jobRunner(), &core::JobRunner::queued, this,
                [&](core::JobId id, const QString&, const QString&, bool transient) {
                    if (transient)
                        return; // the Latent Space dock's own renders
                    auto* row = w.jobsPanel()->findChild<QWidget*>(QStringLiteral("jobRow-%1").arg(id));
                    QVERIFY(row);
                    auto* cancel = row->findChild<QToolButton*>(QStringLiteral("cancelButton"));
                    QVERIFY(cancel);
                    cancel->click();
                    clicked = true;
                });
        QSignalSpy queued(w.jobRunner(), &core::JobRunner::queued);
        QSignalSpy cancelled(w.jobRunner(), &core::JobRunner::cancelled);
        QVERIFY(!w.exportTo(path, {}, 92, core::findUpscaler(QStringLiteral("slim"), 2)));
        QVERIFY(clicked);
        QCOMPARE(test::ofUserJobs(cancelled, queued).count(), 1);
        QVERIFY(!QFile::exists(path));
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("cancelled")));
    }

    void upscaleImageOpensTheDoubledPictureAsANewDocument()
    {
        const QImage picture = pattern(QSize(120, 90));
        ui::MainWindow w;
        showWithPicture(w, picture);
        const core::Document* before = w.document();
        QVERIFY(!before->isModified());

        whenModal<ui::UpscaleDialog>([&](ui::UpscaleDialog* dialog) {
            // Only 2× has an installed model.
            auto* items = qobject_cast<QStandardItemModel*>(dialog->scaleBox()->model());
            QVERIFY(items);
            QVERIFY(items->item(dialog->scaleBox()->findData(2))->isEnabled());
            QVERIFY(!items->item(dialog->scaleBox()->findData(4))->isEnabled());
            QCOMPARE(dialog->scale(), 2);
            QCOMPARE(dialog->modelBox()->count(), 1);
            QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("upscaleSize"))->text().contains(QStringLiteral("240 × 180")));
            QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        });
        QSignalSpy queued(w.jobRunner(), &core::JobRunner::queued);
        QSignalSpy finished(w.jobRunner(), &core::JobRunner::finished);
        w.findChild<QAction*>(QStringLiteral("actionUpscaleImage"))->trigger();
        QCOMPARE(test::ofUserJobs(finished, queued).count(), 1);
        core::Document* doc = w.document();
        QVERIFY(doc != before);
        QCOMPARE(doc->size(), QSize(240, 180));
        QCOMPARE(doc->layerCount(), 1);
        QCOMPARE(doc->layer(0).name, QStringLiteral("Upscaled ×2"));
        QVERIFY(maxDifference(doc->composite(), nearest(picture, 2)) <= 1);
        QVERIFY(doc->isModified()); // not saved anywhere yet
        QVERIFY(doc->filePath().isEmpty());
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("esrgan-slim-x2")));

        // With unsaved changes it asks first; Cancel leaves everything as it was.
        whenModal<QMessageBox>([](QMessageBox* box) {
            QCOMPARE(box->objectName(), QStringLiteral("unsavedChanges"));
            box->button(QMessageBox::Cancel)->click();
        });
        QVERIFY(!w.upscaleImage(core::findUpscaler(QStringLiteral("slim"), 2)));
        QCOMPARE(w.document(), doc);
        QCOMPARE(test::ofUserJobs(finished, queued).count(), 1); // the studio's own redraw jobs may end meanwhile
    }

    void upscaleLayerEnlargesItsContentOntoANewLayer()
    {
        const QImage picture = pattern(QSize(120, 90));
        ui::MainWindow w;
        showWithPicture(w, picture);
        core::Document* doc = w.document();
        // A second layer holding a 20 x 10 opaque patch at (30, 40).
        QImage patch(doc->size(), QImage::Format_ARGB32_Premultiplied);
        patch.fill(Qt::transparent);
        {
            QPainter p(&patch);
            p.fillRect(QRect(30, 40, 20, 10), QColor(200, 30, 40));
        }
        doc->addLayer(QStringLiteral("Patch"), patch);
        const int layers = doc->layerCount();
        whenModal<ui::UpscaleDialog>([&](ui::UpscaleDialog* dialog) {
            QVERIFY(dialog->findChild<QLabel*>(QStringLiteral("upscaleSize"))->text().contains(QStringLiteral("40 × 20")));
            QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        });
        QSignalSpy queued(w.jobRunner(), &core::JobRunner::queued);
        QSignalSpy finished(w.jobRunner(), &core::JobRunner::finished);
        w.findChild<QAction*>(QStringLiteral("actionUpscaleLayer"))->trigger();
        QCOMPARE(test::ofUserJobs(finished, queued).count(), 1);
        QCOMPARE(doc->layerCount(), layers + 1);
        const auto& added = doc->layer(doc->currentLayer());
        QVERIFY(added.name.startsWith(QStringLiteral("Upscaled ×2: Patch")));
        // The 40 x 20 result is centred where the patch was: x 20..59, y 35..54.
        const QImage out = added.image().convertToFormat(QImage::Format_ARGB32);
        QCOMPARE(qAlpha(out.pixel(20, 35)), 255);
        QCOMPARE(qAlpha(out.pixel(59, 54)), 255);
        QCOMPARE(qAlpha(out.pixel(19, 35)), 0);
        QCOMPARE(qAlpha(out.pixel(60, 54)), 0);
        QVERIFY(qAbs(qRed(out.pixel(40, 45)) - 200) <= 1);
        // One undo step removes it; an empty layer is refused.
        doc->undoStack()->undo();
        QCOMPARE(doc->layerCount(), layers);
        QImage empty(doc->size(), QImage::Format_ARGB32_Premultiplied);
        empty.fill(Qt::transparent);
        doc->addLayer(QStringLiteral("Empty"), empty);
        QVERIFY(!w.upscaleLayer(core::findUpscaler(QStringLiteral("slim"), 2)));
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("empty")));
    }

    void placingAGanSampleGoesThroughTheUpscaler()
    {
        ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.dock(QStringLiteral("latentSpaceDock"))->show();
        w.dock(QStringLiteral("latentSpaceDock"))->raise();
        auto* panel = w.latentStudio();
        QVERIFY(QTest::qWaitFor([&] { return panel->model() && !panel->currentImage().isNull(); }, 30000));
        QVERIFY(QTest::qWaitFor(
            [&] { return !panel->currentLatent().isEmpty() && panel->currentImageLatent() == panel->currentLatent(); },
            20000));
        const QImage sample = panel->currentImage();
        QCOMPARE(sample.size(), QSize(32, 32));
        core::Document* doc = w.document();
        const int layers = doc->layerCount();
        const int commands = doc->undoStack()->count();

        // 64 px is twice the generator's 32 px: the slim 2× network enlarges it, in a job.
        QSignalSpy placed(panel, &ui::LatentStudioPanel::placed);
        QSignalSpy queued(w.jobRunner(), &core::JobRunner::queued);
        panel->findChild<QSpinBox*>(QStringLiteral("latentPlaceSize"))->setValue(64);
        QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("latentPlace")), Qt::LeftButton);
        QCOMPARE(test::userJobs(queued).count(), 1);
        QVERIFY(panel->isPlacing());
        QVERIFY(!panel->findChild<QPushButton*>(QStringLiteral("latentPlace"))->isEnabled());
        QVERIFY(panel->statusText().contains(QStringLiteral("esrgan-slim-x2")));
        QCOMPARE(doc->layerCount(), layers); // nothing yet
        QVERIFY(placed.wait(30000));
        QVERIFY(!panel->isPlacing());
        QCOMPARE(doc->layerCount(), layers + 1);
        QCOMPARE(doc->undoStack()->count(), commands + 1); // one undo step
        QVERIFY(panel->statusText().contains(QStringLiteral("AI")));
        QVERIFY(panel->statusText().contains(QStringLiteral("esrgan-slim-x2")));
        QRect target(0, 0, 64, 64);
        target.moveCenter(doc->rect().center());
        const QImage layer = doc->layer(doc->currentLayer()).image().copy(target);
        QVERIFY(maxDifference(layer, nearest(sample, 2)) <= 1);
        doc->undoStack()->undo();
        QCOMPARE(doc->layerCount(), layers);

        // Less than twice: Lanczos, at once, and the status says so.
        placed.clear();
        QVERIFY(panel->placeOnCanvas(48));
        QCOMPARE(placed.count(), 1);
        QCOMPARE(test::userJobs(queued).count(), 1);
        QVERIFY(panel->statusText().contains(QStringLiteral("Lanczos")));
        QCOMPARE(doc->layerCount(), layers + 1);

        // Cancelling the enlargement adds nothing.
        QSignalSpy cancelled(w.jobRunner(), &core::JobRunner::cancelled);
        connect(w.jobRunner(), &core::JobRunner::queued, this,
                [&](core::JobId id, const QString&, const QString&, bool transient) {
                    if (!transient) // not the dock's own renders
                        w.jobRunner()->cancel(id);
                });
        QVERIFY(panel->placeOnCanvas(100)); // no 4× installed: 2× then Lanczos
        QTRY_COMPARE_WITH_TIMEOUT(test::ofUserJobs(cancelled, queued).count(), 1, 30000);
        QTRY_VERIFY(!panel->isPlacing());
        QCOMPARE(doc->layerCount(), layers + 1);
        QVERIFY(panel->statusText().contains(QStringLiteral("cancelled")));
    }

    /// Issue #16 defect 6: the upscaler's weights are hashed and its network built in the job,
    /// not on the thread that asks (the GUI thread, for Export and Place on canvas). A damaged
    /// model therefore fails in its job, in words: export writes nothing, placing falls back
    /// to Lanczos.
    void aDamagedUpscalerFailsInItsJobNotOnTheGuiThread()
    {
        qputenv("GANVAS_MODEL_PATH", m_damaged.path().toUtf8());
        const auto restore = qScopeGuard([this] { useModels(true); });
        const core::ModelEntry damaged = core::findUpscaler(QStringLiteral("slim"), 2);
        QVERIFY2(damaged.isValid(), qPrintable(damaged.error));
        QVERIFY(!damaged.sha256.isEmpty());

        // Making the task hashes nothing; its job refuses the weights and says why.
        const int hashed = core::ModelCatalogue::hashedCount();
        core::UpscaleTask task(damaged, pattern(QSize(16, 12)));
        QCOMPARE(core::ModelCatalogue::hashedCount(), hashed);
        QCOMPARE(task.scale(), 2);
        {
            core::JobRunner runner;
            QSignalSpy failed(&runner, &core::JobRunner::failed);
            runner.submit(task.job());
            QVERIFY(failed.wait(30000));
            QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("cannot be used")),
                     qPrintable(failed.first().at(1).toString()));
        }
        QVERIFY(core::ModelCatalogue::hashedCount() > hashed);

        // Export with AI: a warning that names the problem, no file.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("never.png"));
        ui::MainWindow w;
        showWithPicture(w, pattern(QSize(40, 30)));
        QString warning;
        whenModal<QMessageBox>([&](QMessageBox* box) {
            warning = box->text();
            box->accept();
        });
        QVERIFY(!w.exportTo(path, {}, 92, damaged));
        QVERIFY(!QFile::exists(path));
        QVERIFY2(warning.contains(QStringLiteral("AI upscaling failed")) && warning.contains(QStringLiteral("cannot be used")),
                 qPrintable(warning));

        // Place on canvas: the job fails, the sample is placed enlarged with Lanczos.
        w.dock(QStringLiteral("latentSpaceDock"))->show();
        auto* panel = w.latentStudio();
        QVERIFY(QTest::qWaitFor([&] { return panel->model() && !panel->currentImage().isNull(); }, 30000));
        QVERIFY(QTest::qWaitFor(
            [&] { return !panel->currentLatent().isEmpty() && panel->currentImageLatent() == panel->currentLatent(); },
            20000));
        core::Document* doc = w.document();
        const int layers = doc->layerCount();
        QSignalSpy placed(panel, &ui::LatentStudioPanel::placed);
        QVERIFY(panel->placeOnCanvas(64));
        QVERIFY(placed.count() == 1 || placed.wait(30000));
        QCOMPARE(doc->layerCount(), layers + 1);
        QVERIFY2(panel->statusText().contains(QStringLiteral("Lanczos")) &&
                     panel->statusText().contains(QStringLiteral("cannot be used")),
                 qPrintable(panel->statusText()));
    }
};

GANVAS_QTEST_MAIN(UpscaleUiTest)
#include "UpscaleUiTest.moc"
