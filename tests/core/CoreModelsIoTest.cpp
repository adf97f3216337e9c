// SPDX-License-Identifier: GPL-3.0-or-later
// ModelCatalogue, ImageIO, Document and ComputeSettings: the core services the shell uses.
#include "core/document/Document.h"
#include "core/engine/nn/SafeTensors.h"
#include "core/gan/GeneratorSession.h"
#include "core/io/ImageIO.h"
#include "core/models/ModelCatalogue.h"
#include "core/settings/ComputeSettings.h"

#include "PngHeaderBomb.h"

#include <QtTest>
#include "tests/TestMain.h"

using namespace ganvas;

namespace {

void writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
}

QByteArray config(const QString& id, const QString& kind, const QString& weights, const QString& sha = {})
{
    QJsonObject o{{"format", 1}, {"id", id}, {"name", id.toUpper()}, {"kind", kind}, {"weights", weights},
                  {"license", "CC0-1.0"}};
    if (!sha.isEmpty())
        o["sha256"] = sha;
    return QJsonDocument(o).toJson();
}

} // namespace

class CoreModelsIoTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void catalogueFindsModelsAndReportsBrokenOnes()
    {
        QTemporaryDir dir;
        const QString root = dir.path();
        QVERIFY(QDir().mkpath(root + "/styles/ink"));
        engine::saveSafeTensors((root + "/styles/ink/model.safetensors").toStdString(), {{"w", torch::ones({2})}});
        QFile weights(root + "/styles/ink/model.safetensors");
        QVERIFY(weights.open(QIODevice::ReadOnly));
        const QString sha = QString::fromLatin1(QCryptographicHash::hash(weights.readAll(), QCryptographicHash::Sha256).toHex());
        writeFile(root + "/styles/ink/config.json", config("ink", "style", "model.safetensors", sha));
        writeFile(root + "/styles/escape/config.json", config("escape", "style", "../../../etc/passwd"));
        writeFile(root + "/styles/missing/config.json", config("missing", "style", "gone.safetensors"));
        writeFile(root + "/styles/garbage/config.json", "{not json");
        writeFile(root + "/generators/emoji/config.json", config("emoji", "generator", "g.safetensors"));
        writeFile(root + "/generators/emoji/g.safetensors", "x");
        QVERIFY(QDir().mkpath(root + "/styles/no-config"));

        core::ModelCatalogue catalogue;
        catalogue.scan({root});
        QCOMPARE(catalogue.entries().size(), 5);
        const auto styles = catalogue.entries("style");
        QCOMPARE(catalogue.entries("generator").size(), 1);
        QHash<QString, core::ModelEntry> byFolder;
        for (const auto& e : catalogue.entries())
            byFolder.insert(QFileInfo(e.folder).fileName(), e);
        QVERIFY(byFolder["ink"].isValid());
        QCOMPARE(byFolder["ink"].name, QStringLiteral("INK"));
        QVERIFY(core::ModelCatalogue::verify(byFolder["ink"]).isEmpty());
        QVERIFY(byFolder["escape"].error.contains("must not leave the model folder"));
        QVERIFY(byFolder["missing"].error.contains("missing"));
        QVERIFY(byFolder["garbage"].error.contains("not valid JSON"));
        QVERIFY(core::ModelCatalogue::verify(byFolder["emoji"]).contains("unverified"));

        // Tampered weights fail verification.
        engine::saveSafeTensors((root + "/styles/ink/model.safetensors").toStdString(), {{"w", torch::zeros({2})}});
        QVERIFY(core::ModelCatalogue::verify(byFolder["ink"]).contains("mismatch"));
    }

    // Issue #16, defect 2: a model whose weights do not match the SHA-256 in its config loaded
    // silently. Every load now goes through requireVerified, which hashes a file once and then
    // trusts its path, size and modification time (in memory and in the cache folder).
    void loadsRefuseWeightsThatDoNotMatchTheirHash()
    {
        QTemporaryDir dir;
        const QString bundled = core::ModelCatalogue::bundledResourceRoot() + "/generators/noto-emoji";
        const QString folder = dir.path() + "/noto-emoji";
        QVERIFY(QDir().mkpath(folder));
        for (const QString& name : QDir(bundled).entryList(QDir::Files))
            QVERIFY(QFile::copy(bundled + "/" + name, folder + "/" + name));
        const QString weights = folder + "/weights.safetensors";

        const int hashed = core::ModelCatalogue::hashedCount();
        QVERIFY(core::GeneratorModel::load(folder) != nullptr);
        QCOMPARE(core::ModelCatalogue::hashedCount(), hashed + 1);
        QVERIFY(core::GeneratorModel::load(folder) != nullptr);
        QCOMPARE(core::ModelCatalogue::hashedCount(), hashed + 1); // known good: not hashed again
        QVERIFY(QFile::exists(QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + "/model-hashes.json"));

        // One weight changed, the file the same size and still a valid safetensors file: the
        // engine alone would load it.
        QFile file(weights);
        QVERIFY(file.open(QIODevice::ReadWrite));
        const QDateTime stamp = file.fileTime(QFileDevice::FileModificationTime);
        QVERIFY(file.seek(file.size() - 2));
        const QByteArray original = file.read(1);
        QVERIFY(file.seek(file.size() - 2));
        file.write(QByteArray(1, static_cast<char>(original.at(0) ^ 0x10)));
        file.close();
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.setFileTime(stamp.addSecs(5), QFileDevice::FileModificationTime));
        file.close();
        QVERIFY(!engine::loadSafeTensors(weights.toStdString()).tensors.empty());
        try {
            core::GeneratorModel::load(folder);
            QFAIL("a generator with damaged weights loaded");
        } catch (const std::runtime_error& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains("noto-emoji") && message.contains("mismatch"), qPrintable(message));
        }
        QCOMPARE(core::ModelCatalogue::hashedCount(), hashed + 2);

        // Put back, it loads again (hashed afresh: the file changed).
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek(file.size() - 2));
        file.write(original);
        file.close();
        QVERIFY(core::GeneratorModel::load(folder) != nullptr);
        QCOMPARE(core::ModelCatalogue::hashedCount(), hashed + 3);

        // A config without a hash (a model trained here) passes, unverified; an invalid entry is
        // refused with its own error.
        core::ModelEntry unhashed = core::ModelCatalogue::readEntry(folder);
        unhashed.sha256.clear();
        core::ModelCatalogue::requireVerified(unhashed);
        core::ModelEntry broken = unhashed;
        broken.error = QStringLiteral("weights file missing");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, core::ModelCatalogue::requireVerified(broken));
    }

    void earlierRootsShadowLaterOnes()
    {
        QTemporaryDir a, b;
        for (const QString& root : {a.path(), b.path()}) {
            writeFile(root + "/styles/same/config.json", config("same", "style", "w.safetensors"));
            writeFile(root + "/styles/same/w.safetensors", "x");
        }
        core::ModelCatalogue catalogue;
        catalogue.scan({a.path(), b.path()});
        QCOMPARE(catalogue.entries().size(), 1);
        QVERIFY(catalogue.entries().first().folder.startsWith(a.path()));
    }

    void defaultRootsIncludeEnvironmentAndUserFolder()
    {
        qputenv("GANVAS_MODEL_PATH", "/tmp/ganvas-a:/tmp/ganvas-b");
        const auto roots = core::ModelCatalogue::defaultRoots();
        qunsetenv("GANVAS_MODEL_PATH");
        QCOMPARE(roots.value(0), QStringLiteral("/tmp/ganvas-a"));
        QCOMPARE(roots.value(1), QStringLiteral("/tmp/ganvas-b"));
        QVERIFY(roots.contains(core::ModelCatalogue::userModelRoot()));
        QVERIFY(QFileInfo(core::ModelCatalogue::bundledResourceRoot() + "/styles").isDir());
    }

    void imagesLoadAndSaveAtomically()
    {
        QTemporaryDir dir;
        QImage image(31, 17, QImage::Format_RGB32);
        image.fill(QColor(10, 200, 30));
        QString error;
        const QString png = dir.filePath("a.png");
        QVERIFY2(core::saveImage(image, png, &error), qPrintable(error));
        const QImage back = core::loadImage(png, &error);
        QCOMPARE(back.size(), image.size());
        QCOMPARE(back.pixelColor(30, 16), QColor(10, 200, 30));
        // Formats from the issue all round-trip through our writer and reader.
        for (const char* suffix : {"jpg", "webp", "tif", "bmp"}) {
            const QString path = dir.filePath(QStringLiteral("a.") + suffix);
            QVERIFY2(core::saveImage(image, path, &error, 95), qPrintable(error));
            QCOMPARE(core::loadImage(path, &error).size(), image.size());
        }
        // A failed write leaves the old file intact and no temporary behind.
        QVERIFY(!core::saveImage(image, dir.filePath("a.nosuchformat"), &error));
        QVERIFY(error.contains("not supported"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 5);
    }

    // encodePng writes layers through OpenCV's libpng (Sub filter, zlib level 1) and images with
    // text through Qt's writer: both must give back every pixel, alpha included, and the text.
    void pngEncodingKeepsEveryPixelAndTheText()
    {
        QImage image(301, 117, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        {
            QPainter p(&image);
            p.fillRect(QRect(10, 10, 200, 60), QColor(200, 40, 90, 120));
            p.setPen(QPen(QColor(20, 180, 240, 230), 5));
            p.drawLine(0, 116, 300, 0);
        }
        const QImage straight = image.convertToFormat(QImage::Format_ARGB32);
        const QByteArray plain = core::encodePng(image);
        QVERIFY(plain.startsWith("\x89PNG"));
        QCOMPARE(QImage::fromData(plain, "png").convertToFormat(QImage::Format_ARGB32), straight);
        QImage withText = straight;
        withText.setText(QStringLiteral("Software"), QStringLiteral("Ganvas test"));
        const QImage back = QImage::fromData(core::encodePng(withText), "png");
        QCOMPARE(back.text(QStringLiteral("Software")), QStringLiteral("Ganvas test"));
        QCOMPARE(back.convertToFormat(QImage::Format_ARGB32), straight);
        // An opaque grey mask and a null image: the first round-trips, the second gives nothing.
        QImage mask(64, 32, QImage::Format_Grayscale8);
        mask.fill(77);
        QCOMPARE(QImage::fromData(core::encodePng(mask), "png").pixelColor(63, 31), QColor(77, 77, 77));
        QVERIFY(core::encodePng(QImage()).isEmpty());
    }

    void brokenAndHugeImagesAreRefused()
    {
        QTemporaryDir dir;
        QString error;
        QVERIFY(core::loadImage(dir.filePath("none.png"), &error).isNull());
        QVERIFY(error.contains("no such file"));
        writeFile(dir.filePath("broken.png"), QByteArray("\x89PNG\r\n\x1a\n garbage"));
        QVERIFY(core::loadImage(dir.filePath("broken.png"), &error).isNull());
        QVERIFY(error.startsWith("Cannot open broken.png"));
        // A valid 64 x 64 PNG refused by a 1000-pixel limit before decoding.
        QImage image(64, 64, QImage::Format_RGB32);
        image.fill(Qt::blue);
        QVERIFY(core::saveImage(image, dir.filePath("big.png"), &error));
        core::ImageLoadLimits limits;
        limits.maxPixels = 1000;
        QVERIFY(core::loadImage(dir.filePath("big.png"), &error, limits).isNull());
        QVERIFY(error.contains("megapixel limit"));
        // A PNG whose header claims 100000 x 100000 is refused from the header, before decoding.
        writeFile(dir.filePath("bomb.png"), ganvas::test::pngClaimingSize(100000, 100000));
        QVERIFY(core::loadImage(dir.filePath("bomb.png"), &error).isNull());
        QVERIFY2(error.contains("100000 x 100000") && error.contains("megapixel limit"), qPrintable(error));
        // Found by fuzz_image: a BMP whose negative (top-down) height hides its size from the
        // header check decoded to 8 x 526081 pixels, past a 4 MP limit; the decoded size is checked too.
        writeFile(dir.filePath("tall.bmp"), QByteArray::fromHex("424df600000000000000360000002800000008000000fff8f7ff0100180000000000001f5e656c01080f8585852d161d242bab9393939339"));
        limits.maxPixels = 4 << 20;
        QVERIFY(core::loadImage(dir.filePath("tall.bmp"), &error, limits).isNull());
        QVERIFY2(error.contains("8 x 526081") && error.contains("megapixel limit"), qPrintable(error));
    }

    void documentVisibilityIsUndoable()
    {
        core::Document doc(QSize(8, 8), Qt::white);
        QImage red(8, 8, QImage::Format_ARGB32_Premultiplied);
        red.fill(Qt::red);
        doc.addLayer("red", red);
        QCOMPARE(doc.composite().pixelColor(0, 0), QColor(Qt::red));
        doc.setLayerVisible(1, false);
        QCOMPARE(doc.composite().pixelColor(0, 0), QColor(Qt::white));
        QVERIFY(doc.isModified());
        doc.undoStack()->undo();
        QCOMPARE(doc.composite().pixelColor(0, 0), QColor(Qt::red));
        doc.undoStack()->undo();
        QCOMPARE(doc.layerCount(), 1);
        QVERIFY(!doc.isModified());
    }

    void computeSettingsValidateBeforeApplying()
    {
        const auto ok = core::applyComputeSettings({"cpu", 0, "fp32"});
        QVERIFY(ok.error.isEmpty());
        QCOMPARE(ok.threads, QThread::idealThreadCount());
        QCOMPARE(torch::get_num_threads(), ok.threads);
        const auto bad = core::applyComputeSettings({"tpu", 1, "fp32"});
        QVERIFY(bad.error.contains("unknown device"));
        QCOMPARE(torch::get_num_threads(), ok.threads); // unchanged
        QVERIFY(!core::applyComputeSettings({"cpu", 0, "fp64"}).error.isEmpty());
        QCOMPARE(core::currentCompute().device, QStringLiteral("cpu"));
    }
};

GANVAS_QTEST_GUILESS_MAIN(CoreModelsIoTest)
#include "CoreModelsIoTest.moc"
