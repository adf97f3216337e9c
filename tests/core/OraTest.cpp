// SPDX-License-Identifier: GPL-3.0-or-later
// OpenRaster: lossless round trip, the archive layout other programs expect, and hostile files.
#include "core/document/Document.h"
#include "core/engine/jobs/Job.h"
#include "core/io/ImageIO.h"
#include "core/io/OraFile.h"

#include "PngHeaderBomb.h"

#include <QtTest>

#include <zip.h>
#include "tests/TestMain.h"

using namespace ganvas::core;

namespace {

QImage pattern(QSize size, int seed)
{
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < size.height(); ++y)
        for (int x = 0; x < size.width(); ++x) {
            const int a = (x * 7 + y * 3 + seed * 40) % 256;
            img.setPixelColor(x, y, QColor((x + seed * 31) % 256, (y * 2) % 256, (x ^ y) % 256, a));
        }
    return img;
}

/// Writes a zip with the given entries in order (name, bytes); mimetype stored.
void writeZip(const QString& path, const QList<QPair<QString, QByteArray>>& entries)
{
    int err = 0;
    zip_t* z = zip_open(QFile::encodeName(path).constData(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    QVERIFY(z);
    for (const auto& [name, data] : entries) {
        zip_source_t* s = zip_source_buffer(z, data.constData(), zip_uint64_t(data.size()), 0);
        const auto index = zip_file_add(z, name.toUtf8().constData(), s, ZIP_FL_OVERWRITE);
        QVERIFY(index >= 0);
        zip_set_file_compression(z, zip_uint64_t(index), name == "mimetype" ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
    }
    QCOMPARE(zip_close(z), 0);
}

QByteArray png(const QImage& image)
{
    QByteArray bytes;
    QBuffer b(&bytes);
    b.open(QIODevice::WriteOnly);
    image.save(&b, "png");
    return bytes;
}

QByteArray stack(int w, int h, const QString& src)
{
    return QStringLiteral("<image w=\"%1\" h=\"%2\"><stack><layer name=\"a\" src=\"%3\"/></stack></image>")
        .arg(w)
        .arg(h)
        .arg(src)
        .toUtf8();
}

} // namespace

class OraTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Issue #16, defect 5: Cancel while opening a project did nothing until every layer was
    // decoded. The open job now reports each layer and stops at the next one after Cancel.
    void openingIsCancelledBetweenLayers()
    {
        const QSize size(512, 512);
        Document doc(size, QColor(250, 240, 230));
        for (int k = 1; k <= 7; ++k)
            doc.addLayer(QStringLiteral("layer %1").arg(k), pattern(size, k));
        QTemporaryDir dir;
        const QString path = dir.filePath("big.ora");
        QString error;
        QElapsedTimer wall;
        wall.start();
        OraSaveTimes times;
        QVERIFY2(saveOra(doc, path, &error, {}, &times), qPrintable(error));
        // Where the save's time went (issue #18): every phase measured, together no more than
        // the whole save, and the PNG encodes of eight 512² images are not free.
        const double seconds = wall.nsecsElapsed() / 1e9;
        QVERIFY(times.encodeSeconds > 0);
        QVERIFY(times.archiveSeconds > 0);
        QVERIFY(times.syncSeconds >= 0);
        QVERIFY(times.encodeSeconds + times.archiveSeconds + times.syncSeconds <= seconds);

        struct Observer : ganvas::engine::JobObserver {
            ganvas::engine::CancelToken* token = nullptr;
            int cancelAt = -1;
            QVector<int> done;
            void onProgress(int64_t d, int64_t total, const std::string&) override
            {
                QCOMPARE(total, int64_t(8));
                done.push_back(static_cast<int>(d));
                if (d == cancelAt)
                    token->cancel();
            }
        };
        // Uncancelled: progress before every layer and at the end, and a document.
        {
            ganvas::engine::CancelToken token;
            Observer observer;
            observer.token = &token;
            auto result = std::make_shared<OraLoadResult>();
            auto job = makeOraLoadJob(path, result);
            ganvas::engine::JobContext ctx(token, &observer);
            QCOMPARE(ganvas::engine::runJob(*job, ctx).outcome, ganvas::engine::JobOutcome::Finished);
            QCOMPARE(observer.done, (QVector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
            QVERIFY(result->document);
            QCOMPARE(result->document->layerCount(), 8);
        }
        // Cancelled after two layers: no third layer is read, no document.
        {
            ganvas::engine::CancelToken token;
            Observer observer;
            observer.token = &token;
            observer.cancelAt = 2;
            auto result = std::make_shared<OraLoadResult>();
            auto job = makeOraLoadJob(path, result);
            ganvas::engine::JobContext ctx(token, &observer);
            QCOMPARE(ganvas::engine::runJob(*job, ctx).outcome, ganvas::engine::JobOutcome::Cancelled);
            QCOMPARE(observer.done, (QVector<int>{0, 1, 2}));
            QVERIFY(!result->document);
        }
    }

    void roundTripIsLossless()
    {
        const QSize size(301, 157);
        Document doc(size, QColor(250, 240, 230));
        doc.addLayer("ink", pattern(size, 1));
        doc.addLayer("glaze", pattern(size, 2));
        doc.addLayer("hidden", pattern(size, 3));
        doc.setLayerBlendMode(2, BlendMode::Multiply);
        doc.setLayerOpacity(2, 0.37);
        doc.setLayerVisible(3, false);
        doc.setLayerLocked(1, true);
        doc.addLayerMask(1);
        doc.setDpi(300);
        QTemporaryDir dir;
        const QString path = dir.filePath("painting.ora");
        QString error;
        QVERIFY2(saveOra(doc, path, &error), qPrintable(error));
        const auto back = loadOra(path, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->size(), size);
        QCOMPARE(back->layerCount(), doc.layerCount());
        for (int i = 0; i < doc.layerCount(); ++i) {
            const Layer& a = doc.layer(i);
            const Layer& b = back->layer(i);
            QCOMPARE(b.name, a.name);
            QVERIFY2(b.pixels == a.pixels, qPrintable(a.name));
            QCOMPARE(b.opacity, a.opacity);
            QCOMPARE(b.visible, a.visible);
            QCOMPARE(b.locked, a.locked);
            QCOMPARE(b.blend, a.blend);
            QCOMPARE(b.hasMask, a.hasMask);
            if (a.hasMask)
                QVERIFY(b.mask == a.mask);
        }
        QCOMPARE(back->composite(), doc.composite());
        QCOMPARE(back->filePath(), path);
        QCOMPARE(back->dpi(), 300);
    }

    /// Qt's decode guard is one setting for the whole process: a picture opened under a low
    /// limit must not keep a later project's layers from decoding (found with Preferences).
    void aLowLimitForOnePictureDoesNotStopTheNextProject()
    {
        const QSize size(2048, 1200); // a layer of 9.4 MB decoded: above Qt's guard once set for 1 megapixel
        Document doc(size, QColor(250, 240, 230));
        doc.addLayer("ink", pattern(size, 1));
        QTemporaryDir dir;
        const QString project = dir.filePath("big.ora"), picture = dir.filePath("small.png");
        QString error;
        QVERIFY2(saveOra(doc, project, &error), qPrintable(error));
        QVERIFY(pattern(QSize(600, 600), 2).save(picture));
        ImageLoadLimits tight;
        tight.maxPixels = 1024 * 1024;
        QVERIFY2(!loadImage(picture, &error, tight).isNull(), qPrintable(error));
        const auto back = loadOra(project, &error);
        QVERIFY2(back, qPrintable(error));
        QVERIFY(back->layer(1).pixels == doc.layer(1).pixels);
        // And the tight limit still holds for what is opened under it.
        const QString large = dir.filePath("large.png");
        QVERIFY(pattern(size, 1).save(large));
        QVERIFY(loadImage(large, &error, tight).isNull());
        QVERIFY2(error.contains("megapixel limit"), qPrintable(error));
    }

    void archiveLayoutIsOpenRaster()
    {
        Document doc(QSize(600, 300), Qt::white);
        doc.addLayer("top", pattern(QSize(600, 300), 4));
        QTemporaryDir dir;
        const QString path = dir.filePath("a.ora");
        QString error;
        QVERIFY(saveOra(doc, path, &error));
        int err = 0;
        zip_t* z = zip_open(QFile::encodeName(path).constData(), ZIP_RDONLY, &err);
        QVERIFY(z);
        QCOMPARE(QString::fromUtf8(zip_get_name(z, 0, 0)), QStringLiteral("mimetype"));
        zip_stat_t st;
        QCOMPARE(zip_stat_index(z, 0, 0, &st), 0);
        QCOMPARE(st.comp_method, zip_uint16_t(ZIP_CM_STORE));
        QCOMPARE(st.size, zip_uint64_t(16));
        QStringList names;
        for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i)
            names << QString::fromUtf8(zip_get_name(z, zip_uint64_t(i), 0));
        for (const char* n : {"stack.xml", "data/layer0.png", "data/layer1.png", "mergedimage.png", "Thumbnails/thumbnail.png"})
            QVERIFY2(names.contains(n), n);
        const auto readEntry = [&](const char* name) {
            zip_stat_t s;
            zip_stat(z, name, 0, &s);
            QByteArray data(qsizetype(s.size), 0);
            zip_file_t* f = zip_fopen(z, name, 0);
            zip_fread(f, data.data(), s.size);
            zip_fclose(f);
            return data;
        };
        const QImage merged = QImage::fromData(readEntry("mergedimage.png"));
        QCOMPARE(merged.convertToFormat(QImage::Format_ARGB32_Premultiplied), doc.composite());
        QVERIFY(merged.text("Software").startsWith("Ganvas"));
        const QImage thumb = QImage::fromData(readEntry("Thumbnails/thumbnail.png"));
        QCOMPARE(thumb.size(), QSize(256, 128));
        const QByteArray xml = readEntry("stack.xml");
        QVERIFY(xml.indexOf("name=\"top\"") < xml.indexOf("name=\"Background\"")); // top layer first
        zip_close(z);
    }

    void hostileFilesAreRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("message");
        QTest::newRow("random bytes") << "random" << "not a readable OpenRaster archive";
        QTest::newRow("truncated") << "truncated" << "not a readable OpenRaster archive";
        QTest::newRow("no mimetype") << "nomime" << "does not start with an OpenRaster mimetype";
        QTest::newRow("wrong mimetype") << "wrongmime" << "not image/openraster";
        QTest::newRow("no stack.xml") << "nostack" << "no entry \"stack.xml\"";
        QTest::newRow("bad xml") << "badxml" << "not valid XML";
        QTest::newRow("huge size in stack.xml") << "hugesize" << "invalid image size 100000 x 100000";
        QTest::newRow("path escape") << "escape" << "is not allowed";
        QTest::newRow("missing layer") << "missinglayer" << "no entry \"data/none.png\"";
        QTest::newRow("broken png") << "brokenpng" << "not a valid size";
        QTest::newRow("png claims 100000^2") << "hugepng" << "100000 x 100000";
        QTest::newRow("zip bomb") << "bomb" << "zip bomb";
        QTest::newRow("no layers") << "nolayers" << "lists no layers";
    }
    void hostileFilesAreRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.ora");
        const QByteArray mime("image/openraster");
        const QByteArray goodPng = png(pattern(QSize(10, 10), 5));
        OraLimits limits;
        if (kind == "random") {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(5000, 'x'));
        } else if (kind == "truncated") {
            Document doc(QSize(200, 200), Qt::white);
            QString e;
            QVERIFY(saveOra(doc, path, &e));
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.resize(f.size() / 2);
        } else if (kind == "nomime") {
            writeZip(path, {{"stack.xml", stack(10, 10, "a.png")}, {"a.png", goodPng}});
        } else if (kind == "wrongmime") {
            writeZip(path, {{"mimetype", "image/png"}, {"stack.xml", stack(10, 10, "a.png")}});
        } else if (kind == "nostack") {
            writeZip(path, {{"mimetype", mime}});
        } else if (kind == "badxml") {
            writeZip(path, {{"mimetype", mime}, {"stack.xml", "<image w=\"1\" h=\"1\"><stack><layer"}});
        } else if (kind == "hugesize") {
            writeZip(path, {{"mimetype", mime}, {"stack.xml", stack(100000, 100000, "a.png")}, {"a.png", goodPng}});
        } else if (kind == "escape") {
            writeZip(path, {{"mimetype", mime}, {"stack.xml", stack(10, 10, "../../etc/passwd")}});
        } else if (kind == "missinglayer") {
            writeZip(path, {{"mimetype", mime}, {"stack.xml", stack(10, 10, "data/none.png")}});
        } else if (kind == "brokenpng") {
            writeZip(path, {{"mimetype", mime}, {"stack.xml", stack(10, 10, "a.png")}, {"a.png", "\x89PNG garbage"}});
        } else if (kind == "hugepng") {
            writeZip(path, {{"mimetype", mime}, {"stack.xml", stack(10, 10, "a.png")}, {"a.png", ganvas::test::pngClaimingSize(100000, 100000)}});
        } else if (kind == "bomb") {
            limits.maxEntryBytes = 1 << 20; // 16 MiB of zeros deflate to ~16 KiB
            writeZip(path, {{"mimetype", mime}, {"stack.xml", stack(10, 10, "a.png")}, {"a.png", QByteArray(16 << 20, 0)}});
        } else if (kind == "nolayers") {
            writeZip(path, {{"mimetype", mime}, {"stack.xml", "<image w=\"10\" h=\"10\"><stack/></image>"}});
        }
        QString error;
        const auto doc = loadOra(path, &error, limits);
        QVERIFY(!doc);
        QVERIFY2(error.startsWith("Cannot open bad.ora: ") && error.contains(message), qPrintable(error));
    }

    void saveJobReportsProgressAndCancels()
    {
        using namespace ganvas;
        Document doc(QSize(300, 200), Qt::white);
        for (int i = 0; i < 4; ++i)
            doc.addLayer(QStringLiteral("l%1").arg(i), pattern(QSize(300, 200), i));
        QTemporaryDir dir;
        struct Recorder : ganvas::engine::JobObserver {
            QList<qint64> done;
            qint64 total = 0;
            ganvas::engine::CancelToken* cancelAt2 = nullptr;
            void onProgress(int64_t d, int64_t t, const std::string&) override
            {
                done << d;
                total = t;
                if (cancelAt2 && d == 2)
                    cancelAt2->cancel();
            }
        };
        {
            auto error = std::make_shared<QString>();
            auto job = makeOraSaveJob(doc, dir.filePath("ok.ora"), error);
            doc.addLayer("painted after the snapshot"); // not in the file
            ganvas::engine::CancelToken token;
            Recorder r;
            ganvas::engine::JobContext ctx(token, &r);
            QCOMPARE(ganvas::engine::runJob(*job, ctx).outcome, ganvas::engine::JobOutcome::Finished);
            QVERIFY(error->isEmpty());
            QCOMPARE(r.total, 6); // 5 layers + the merged image
            QCOMPARE(r.done.first(), 0);
            QCOMPARE(r.done.last(), 6);
            QVERIFY(std::is_sorted(r.done.begin(), r.done.end()));
            QString e;
            QCOMPARE(loadOra(dir.filePath("ok.ora"), &e)->layerCount(), 5);
        }
        {
            auto error = std::make_shared<QString>();
            auto job = makeOraSaveJob(doc, dir.filePath("cancelled.ora"), error);
            ganvas::engine::CancelToken token;
            Recorder r;
            r.cancelAt2 = &token;
            ganvas::engine::JobContext ctx(token, &r);
            QCOMPARE(ganvas::engine::runJob(*job, ctx).outcome, ganvas::engine::JobOutcome::Cancelled);
            QVERIFY(!QFileInfo::exists(dir.filePath("cancelled.ora")));
        }
    }

    void failedSaveLeavesNothingBehind()
    {
        Document doc(QSize(32, 32));
        QString error;
        QVERIFY(!saveOra(doc, "/nonexistent-dir/x.ora", &error));
        QVERIFY(error.startsWith("Cannot save x.ora"));
        // Saving over an existing file replaces it whole.
        QTemporaryDir dir;
        const QString path = dir.filePath("keep.ora");
        Document red(QSize(16, 16), Qt::red);
        QVERIFY(saveOra(red, path, &error));
        Document blue(QSize(16, 16), Qt::blue);
        QVERIFY(saveOra(blue, path, &error));
        QCOMPARE(loadOra(path, &error)->composite().pixelColor(0, 0), QColor(Qt::blue));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList({"keep.ora"}));
    }
};

GANVAS_QTEST_GUILESS_MAIN(OraTest)
#include "OraTest.moc"
