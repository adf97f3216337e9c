// SPDX-License-Identifier: GPL-3.0-or-later
// Memory pre-flight and the configurable pixel limit (issue #7 item 4, docs/RELIABILITY.md):
// the estimators grow with what costs memory; with GANVAS_MEMORY_LIMIT_MB set tiny, applying
// a style to a large layer asks first, "Downscale to fit" runs it and adds the layer, Cancel
// changes nothing; with limits/maxMegapixels at 1 a 2-megapixel PNG is refused from its header.
#include "core/document/Document.h"
#include "core/gan/GanTraining.h"
#include "core/io/ImageIO.h"
#include "core/style/StyleRequest.h"
#include "core/upscale/UpscaleTask.h"
#include "ui/MainWindow.h"
#include "ui/panels/StyleGalleryPanel.h"
#include "GanUiFixtures.h"

#include <QtTest>
#include <QtWidgets>
#include "tests/TestMain.h"

using namespace ganvas;

namespace {

/// Clicks the button named @p buttonName of the next modal message box once it is shown and
/// records its object name and text.
void answerNextBox(const QString& buttonName, QString* boxName, QString* text)
{
    QTimer::singleShot(10, [=] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box) {
            answerNextBox(buttonName, boxName, text);
            return;
        }
        *boxName = box->objectName();
        *text = box->text();
        auto* button = box->findChild<QAbstractButton*>(buttonName);
        if (!button) // a standard button: by its role
            button = box->button(buttonName == QLatin1String("cancel") ? QMessageBox::Cancel : QMessageBox::Ok);
        QVERIFY(button);
        button->click();
    });
}

core::StyleRequest requestOf(const QString& architecture, QSize size)
{
    core::StyleRequest r;
    r.style.architecture = architecture;
    r.content = QImage(size, QImage::Format_RGBA8888);
    r.method = architecture == QLatin1String("opencv") ? core::StyleMethod::Classic
               : architecture == QLatin1String("gatys") ? core::StyleMethod::Optimisation
                                                         : core::StyleMethod::Network;
    return r;
}

} // namespace

class PreflightTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GanvasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("GanvasPreflightTest"));
        QSettings().clear();
        qunsetenv("GANVAS_MEMORY_LIMIT_MB");
        qunsetenv("GANVAS_MAX_MEGAPIXELS");
    }

    void estimatesGrowWithWhatCostsMemory()
    {
        for (const char* arch : {"johnson", "gatys", "opencv"}) {
            const auto small = core::estimateStyleMemory(requestOf(QLatin1String(arch), {512, 512}));
            const auto big = core::estimateStyleMemory(requestOf(QLatin1String(arch), {2048, 2048}));
            QVERIFY2(small.bytes > 0 && big.bytes > small.bytes, arch);
            QVERIFY(!big.what.empty());
            auto capped = requestOf(QLatin1String(arch), {2048, 2048});
            capped.maxSide = 512; // works on a copy of 512 px: the same as a 512 px picture
            QCOMPARE(core::estimateStyleMemory(capped).bytes, small.bytes);
        }
        // Smaller network tiles, less memory; the picture-sized part stays.
        auto tiles = requestOf(QStringLiteral("johnson"), {4096, 4096});
        const auto whole = core::estimateStyleMemory(tiles);
        tiles.tileSize = 512;
        const auto smaller = core::estimateStyleMemory(tiles);
        QVERIFY(smaller.bytes < whole.bytes);
        QVERIFY(smaller.bytes > qint64(4096) * 4096 * 16); // at least the float RGBA picture

        // Upscaling: at least the 8-bit result; alpha costs a float plane more; a bigger factor more.
        const auto x4 = core::estimateUpscaleMemory({1024, 1024}, 4, false);
        QVERIFY(x4.bytes > qint64(4096) * 4096 * 3);
        QVERIFY(core::estimateUpscaleMemory({1024, 1024}, 4, true).bytes >= x4.bytes + qint64(4096) * 4096 * 4);
        QVERIFY(core::estimateUpscaleMemory({1024, 1024}, 8, false).bytes > x4.bytes);

        // GAN training: batch and resolution.
        core::GanTrainRequest gan;
        const auto b32 = core::estimateGanTrainingMemory(gan);
        gan.batch = 64;
        QVERIFY(core::estimateGanTrainingMemory(gan).bytes > b32.bytes);
        gan.batch = 32;
        gan.resolution = 128;
        QVERIFY(core::estimateGanTrainingMemory(gan).bytes > b32.bytes);
    }

    void styleApplyAsksFirstWhenMemoryIsShort()
    {
        QTemporaryDir models;
        QDir().mkpath(models.filePath(QStringLiteral("styles/test-look")));
        QFile config(models.filePath(QStringLiteral("styles/test-look/config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"format": 1, "id": "test-look", "name": "Test Look", "kind": "style", "license": "CC0-1.0",
                        "category": "Testing", "architecture": {"type": "opencv", "filter": "pencil"}})");
        config.close();
        // A large picture: 1600 x 1200 with a blue square.
        QImage picture(1600, 1200, QImage::Format_RGB32);
        picture.fill(Qt::white);
        QPainter(&picture).fillRect(QRect(400, 300, 600, 500), QColor(30, 60, 160));
        const QString path = models.filePath(QStringLiteral("large.png"));
        QVERIFY(picture.save(path));

        qputenv("GANVAS_MODEL_PATH", models.path().toUtf8());
        ui::MainWindow w;
        w.show();
        qunsetenv("GANVAS_MODEL_PATH");
        QVERIFY(w.openImage(path));
        core::Document* doc = w.document();
        QCOMPARE(doc->size(), QSize(1600, 1200));
        auto* gallery = w.styleGallery();
        gallery->selectStyle(QStringLiteral("test-look"));
        gallery->setStrength(100);
        const int commands = doc->undoStack()->count();
        const int layers = doc->layerCount();

        // 200 MiB "free": the whole picture does not fit, a downscaled one does.
        qputenv("GANVAS_MEMORY_LIMIT_MB", "200");
        QString boxName, text;
        answerNextBox(QStringLiteral("cancel"), &boxName, &text);
        QVERIFY(!gallery->applySelected());
        QCOMPARE(boxName, QStringLiteral("memoryPreflight"));
        QVERIFY2(text.contains(QStringLiteral("This needs about")) && text.contains(QStringLiteral("is free on cpu")),
                 qPrintable(text));
        QVERIFY(!gallery->isApplying()); // nothing submitted
        QCOMPARE(doc->undoStack()->count(), commands);
        QCOMPARE(doc->layerCount(), layers);

        QSignalSpy applied(gallery, &ui::StyleGalleryPanel::applied);
        answerNextBox(QStringLiteral("preflight_downscale"), &boxName, &text);
        QVERIFY(gallery->applySelected());
        QCOMPARE(boxName, QStringLiteral("memoryPreflight"));
        QVERIFY(applied.wait(30000));
        QCOMPARE(doc->layerCount(), layers + 1);
        QCOMPARE(doc->undoStack()->count(), commands + 1);
        // Enlarged back to the whole picture: styled inside the square, and it covers the canvas.
        const QImage layer = doc->layer(doc->layerCount() - 1).image();
        QCOMPARE(layer.size(), doc->size());
        QCOMPARE(layer.pixelColor(1590, 1190).alpha(), 255);
        const QColor styled = layer.pixelColor(700, 550);
        QVERIFY2(std::abs(styled.red() - styled.blue()) < 40, qPrintable(styled.name())); // pencil: grey

        // Nothing fits at all: a refusal, nothing submitted.
        qputenv("GANVAS_MEMORY_LIMIT_MB", "1");
        answerNextBox(QStringLiteral("ok"), &boxName, &text);
        QVERIFY(!gallery->applySelected());
        QCOMPARE(boxName, QStringLiteral("memoryRefused"));
        QCOMPARE(doc->undoStack()->count(), commands + 1);
        qunsetenv("GANVAS_MEMORY_LIMIT_MB");
    }

    void upscaleAsksFirstAndDownscalesToFit()
    {
        QTemporaryDir models;
        test::writeNearestUpscaler(models.path(), QStringLiteral("slim"), 2);
        const core::ModelEntry upscaler = core::findUpscaler(QStringLiteral("slim"), 2, {models.path()});
        QVERIFY2(upscaler.isValid(), qPrintable(upscaler.error));
        QCOMPARE(core::upscalerScale(upscaler), 2);
        QImage picture(2000, 1500, QImage::Format_RGB32);
        picture.fill(QColor(200, 40, 40));
        const QString path = models.filePath(QStringLiteral("wide.png"));
        QVERIFY(picture.save(path));

        ui::MainWindow w;
        w.show();
        QVERIFY(w.openImage(path));
        auto* before = w.document();
        const int commands = before->undoStack()->count();
        // 2000 x 1500 enlarged 2x needs more than 90 % of 700 MiB, a smaller copy does not.
        const QSize size = w.document()->composite().size();
        const bool alpha = w.document()->composite().hasAlphaChannel();
        QVERIFY(core::estimateUpscaleMemory(size, 2, alpha).bytes > qint64(0.9 * 700 * 1024 * 1024));
        qputenv("GANVAS_MEMORY_LIMIT_MB", "700");
        QString boxName, text;
        answerNextBox(QStringLiteral("cancel"), &boxName, &text);
        QVERIFY(!w.upscaleImage(upscaler));
        QCOMPARE(boxName, QStringLiteral("memoryPreflight"));
        QVERIFY2(text.contains(QStringLiteral("needs about")), qPrintable(text));
        QCOMPARE(w.document(), before); // the same document, untouched
        QCOMPARE(w.document()->undoStack()->count(), commands);

        answerNextBox(QStringLiteral("preflight_downscale"), &boxName, &text);
        QVERIFY(w.upscaleImage(upscaler));
        qunsetenv("GANVAS_MEMORY_LIMIT_MB");
        QCOMPARE(boxName, QStringLiteral("memoryPreflight"));
        const QSize result = w.document()->size();
        QVERIFY2(result.width() > 2000 && result.width() < 4000, qPrintable(QString::number(result.width())));
        QVERIFY(std::abs(result.width() * 3 - result.height() * 4) <= 8); // the aspect kept
        QCOMPARE(w.document()->composite().pixelColor(result.width() / 2, result.height() / 2), QColor(200, 40, 40));
    }

    void pixelLimitIsASettingCheckedBeforeDecoding()
    {
        QTemporaryDir dir;
        // A 2-megapixel PNG (1448 x 1448) whose pixel data are cut off: only its header can be
        // read, so a refusal naming the limit proves nothing was decoded.
        const QString path = dir.filePath(QStringLiteral("two-mp.png"));
        {
            QImage image(1448, 1448, QImage::Format_RGB32);
            image.fill(Qt::red);
            QByteArray bytes;
            QBuffer buffer(&bytes);
            buffer.open(QIODevice::WriteOnly);
            QVERIFY(image.save(&buffer, "png"));
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(bytes.left(64));
        }
        QSettings().setValue(QLatin1String(core::kMaxMegapixelsKey), 1);
        QCOMPARE(core::maxMegapixels(), 1);
        QString error;
        QVERIFY(core::loadImage(path, &error).isNull());
        QVERIFY2(error.contains(QStringLiteral("more than the 1 megapixel limit")), qPrintable(error));

        // The studio's Open says the same, and keeps its document.
        ui::MainWindow w;
        w.show();
        const QSize before = w.document()->size();
        QString boxName, text;
        answerNextBox(QStringLiteral("ok"), &boxName, &text);
        QVERIFY(!w.openImage(path));
        QVERIFY2(text.contains(QStringLiteral("1 megapixel limit")), qPrintable(text));
        QCOMPARE(w.document()->size(), before);

        // The environment (the CLI's --max-megapixels) wins over the setting; back to the default.
        qputenv("GANVAS_MAX_MEGAPIXELS", "3");
        QCOMPARE(core::maxMegapixels(), 3);
        qunsetenv("GANVAS_MAX_MEGAPIXELS");
        QSettings().remove(QLatin1String(core::kMaxMegapixelsKey));
        QCOMPARE(core::maxMegapixels(), 256);
        QVERIFY(core::loadImage(path, &error).isNull());
        QVERIFY2(!error.contains(QStringLiteral("megapixel limit")), qPrintable(error)); // now it is decoded (and fails)
    }
};

GANVAS_QTEST_MAIN(PreflightTest)
#include "PreflightTest.moc"
