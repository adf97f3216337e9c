// SPDX-License-Identifier: GPL-3.0-or-later
// GAN training data: a messy folder (nested, mixed formats, broken files, duplicates, odd
// shapes, alpha, 16-bit) becomes a clean [N,3,R,R] tensor with an honest report; the cache is
// hit, invalidated and survives corruption; the emoji set renders from Noto Color Emoji.
#include "core/gan/GanDataset.h"
#include "PngHeaderBomb.h"

#include <QtTest>

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImageReader>
#include <QRandomGenerator>
#include "tests/TestMain.h"

using namespace ganvas;

namespace {

void writeBytes(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

void save(const QImage& image, const QString& path, const char* format = nullptr, int quality = -1)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QVERIFY2(image.save(path, format, quality), qPrintable(path));
}

QImage solid(int w, int h, const QColor& colour, QImage::Format format = QImage::Format_RGB888)
{
    QImage image(w, h, format);
    image.fill(colour);
    return image;
}

/// Left half red, right half blue.
QImage redBlue(int w, int h)
{
    QImage image(w, h, QImage::Format_RGB888);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.setPixelColor(x, y, x < w / 2 ? QColor(255, 0, 0) : QColor(0, 0, 255));
    return image;
}

QImage gradient(int w, int h, int shift = 0)
{
    QImage image(w, h, QImage::Format_RGB888);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.setPixelColor(x, y, QColor((x * 255 / w + shift) % 256, y * 255 / h, (x + y + shift) % 256));
    return image;
}

/// Mirrors prepareGanDataset()'s own sort (relative paths, QString order).
const QStringList kMessyKept = {"a/b/c/grad.bmp", "a/b/green.jpg", "a/red_blue.png", "alpha.png", "grey16.png",
                                "wide.png"};

/// The folder every test starts from: 11 files, 6 different usable images.
void makeMessyFolder(const QString& root)
{
    save(gradient(80, 60), root + "/a/b/c/grad.bmp");
    save(solid(120, 90, QColor(0, 200, 0)), root + "/a/b/green.jpg", "jpg", 95);
    save(redBlue(200, 100), root + "/a/red_blue.png");
    QFile::copy(root + "/a/red_blue.png", root + "/z_copy.png"); // same bytes: a duplicate
    // Half-transparent black: composited on white it is mid grey.
    save(solid(64, 64, QColor(0, 0, 0, 128), QImage::Format_ARGB32), root + "/alpha.png");
    QImage grey16(70, 70, QImage::Format_Grayscale16);
    grey16.fill(QColor::fromRgba64(0x8080, 0x8080, 0x8080));
    save(grey16, root + "/grey16.png");
    save(solid(4000, 20, QColor(250, 200, 0)), root + "/wide.png"); // short side 20 >= 64 / 4: kept
    save(solid(3, 3000, QColor(10, 10, 10)), root + "/thin.png");   // short side 3: too small
    save(solid(8, 8, QColor(10, 10, 10)), root + "/tiny.png");
    QByteArray noise(2048, '\0');
    QRandomGenerator rng(7);
    for (auto& c : noise)
        c = static_cast<char>(rng.generate() & 0xff);
    writeBytes(root + "/broken.png", noise);
    writeBytes(root + "/notes.txt", "not a picture\n");
}

core::GanDatasetOptions noCache(int resolution = 64, const QString& crop = QStringLiteral("centre"))
{
    core::GanDatasetOptions o;
    o.resolution = resolution;
    o.crop = crop;
    o.cacheDir = QStringLiteral("-");
    return o;
}

QString errorOf(const QString& folder, const core::GanDatasetOptions& options,
                const std::function<bool(int, int)>& progress = {})
{
    try {
        core::prepareGanDataset(folder, options, nullptr, progress);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

bool allEqual(const torch::Tensor& t, int value)
{
    return t.eq(value).all().item<bool>();
}

} // namespace

class GanDataTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void preparesAMessyFolder()
    {
        QTemporaryDir dir;
        makeMessyFolder(dir.path());
        core::GanDatasetReport report;
        QList<QPair<int, int>> calls;
        const auto images = core::prepareGanDataset(dir.path(), noCache(), &report, [&](int done, int total) {
            calls << qMakePair(done, total);
            return true;
        });
        QCOMPARE(images.scalar_type(), torch::kUInt8);
        QCOMPARE(images.sizes().vec(), (std::vector<int64_t>{6, 3, 64, 64}));
        QVERIFY(images.is_contiguous());
        QCOMPARE(report.files, 11);
        QCOMPARE(report.images, 6);
        QCOMPARE(report.unreadable, (QStringList{"broken.png", "notes.txt"}));
        QCOMPARE(report.unreadableReasons.size(), 2);
        QCOMPARE(report.duplicates, QStringList{"z_copy.png"});
        QCOMPARE(report.tooSmall, (QStringList{"thin.png", "tiny.png"}));
        QVERIFY(!report.fromCache);
        QVERIFY(report.cacheFile.isEmpty());
        QCOMPARE(report.summary(), QStringLiteral("6 images from 11 files (2 unreadable, 1 duplicates, 2 too small)"));
        QCOMPARE(calls.size(), 11);
        QCOMPARE(calls.last(), qMakePair(11, 11));

        // a/red_blue.png (index 2): the centre square of a 200 x 100 picture is half red, half
        // blue, and the area filter keeps the halves exact at 64 px.
        const auto rb = images[2];
        QVERIFY(allEqual(rb[0].narrow(1, 0, 32), 255) && allEqual(rb[1].narrow(1, 0, 32), 0) &&
                allEqual(rb[2].narrow(1, 0, 32), 0));
        QVERIFY(allEqual(rb[0].narrow(1, 32, 32), 0) && allEqual(rb[1].narrow(1, 32, 32), 0) &&
                allEqual(rb[2].narrow(1, 32, 32), 255));
        // alpha.png: 50 % black on white -> 127 everywhere, in all three channels.
        QVERIFY(allEqual(images[3], 127));
        // grey16.png: 0x8080 / 257 = 128.
        QVERIFY(allEqual(images[4], 128));
        // green.jpg (lossy): still clearly green.
        const auto green = images[1].to(torch::kFloat).mean({1, 2});
        QVERIFY(green[1].item<float>() > 190 && green[0].item<float>() < 30 && green[2].item<float>() < 30);
        // wide.png: 4000 x 20 -> its centre 20 x 20 enlarged.
        const auto wide = images[5].to(torch::kInt);
        QVERIFY(wide[0].sub(250).abs().max().item<int>() <= 1);
        QVERIFY(wide[1].sub(200).abs().max().item<int>() <= 1);
        QVERIFY(wide[2].abs().max().item<int>() <= 1);
        // grad.bmp: not flat.
        QVERIFY(images[0].to(torch::kFloat).std().item<float>() > 20);
    }

    void deterministicAndCropsDiffer()
    {
        QTemporaryDir dir;
        makeMessyFolder(dir.path());
        save(gradient(300, 200, 40), dir.path() + "/big_gradient.png");
        const auto a = core::prepareGanDataset(dir.path(), noCache(32), nullptr);
        const auto b = core::prepareGanDataset(dir.path(), noCache(32), nullptr);
        QVERIFY(torch::equal(a, b));
        const auto r1 = core::prepareGanDataset(dir.path(), noCache(32, "random"), nullptr);
        const auto r2 = core::prepareGanDataset(dir.path(), noCache(32, "random"), nullptr);
        QVERIFY(torch::equal(r1, r2));
        QCOMPARE(r1.sizes(), a.sizes());
        QVERIFY(!torch::equal(r1, a)); // the gradients crop differently
        QCOMPARE(errorOf(dir.path(), noCache(32, "sideways")).contains("sideways"), true);
        QVERIFY(errorOf(dir.path(), noCache(4)).contains("8 to 1024"));
    }

    void cacheHitInvalidationAndCorruption()
    {
        QTemporaryDir dir, cache;
        makeMessyFolder(dir.path());
        core::GanDatasetOptions options;
        options.cacheDir = cache.path() + "/nested/cache";
        core::GanDatasetReport first, second;
        const auto a = core::prepareGanDataset(dir.path(), options, &first);
        QVERIFY(!first.fromCache);
        QVERIFY(QFileInfo(first.cacheFile).isFile());
        QVERIFY(first.cacheFile.startsWith(options.cacheDir));
        QElapsedTimer timer;
        timer.start();
        const auto b = core::prepareGanDataset(dir.path(), options, &second);
        qInfo("cache hit in %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY(second.fromCache);
        QCOMPARE(second.cacheFile, first.cacheFile);
        QVERIFY(torch::equal(a, b));
        QCOMPARE(second.summary(), first.summary());
        QCOMPARE(second.unreadable, first.unreadable);
        QCOMPARE(second.unreadableReasons, first.unreadableReasons);
        QCOMPARE(second.duplicates, first.duplicates);
        QCOMPARE(second.tooSmall, first.tooSmall);

        // Another resolution is another cache entry.
        core::GanDatasetOptions other = options;
        other.resolution = 32;
        core::GanDatasetReport otherReport;
        QCOMPARE(core::prepareGanDataset(dir.path(), other, &otherReport).size(2), 32);
        QVERIFY(!otherReport.fromCache);

        // A changed file (new pixels, new time) misses the cache and shows up in the tensor.
        save(gradient(80, 60, 100), dir.path() + "/a/b/c/grad.bmp");
        QFile touched(dir.path() + "/a/b/c/grad.bmp");
        QVERIFY(touched.open(QIODevice::ReadWrite));
        QVERIFY(touched.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime));
        touched.close();
        core::GanDatasetReport third;
        const auto c = core::prepareGanDataset(dir.path(), options, &third);
        QVERIFY(!third.fromCache);
        QVERIFY(third.cacheFile != first.cacheFile);
        QVERIFY(!torch::equal(c[0], a[0]));
        QVERIFY(torch::equal(c.narrow(0, 1, 5), a.narrow(0, 1, 5)));
        // Only the time changed: still a miss (the key does not trust contents it has not read).
        QVERIFY(touched.open(QIODevice::ReadWrite));
        QVERIFY(touched.setFileTime(QDateTime::currentDateTime().addSecs(120), QFileDevice::FileModificationTime));
        touched.close();
        core::GanDatasetReport fourth;
        QVERIFY(torch::equal(core::prepareGanDataset(dir.path(), options, &fourth), c));
        QVERIFY(!fourth.fromCache);

        // A corrupt cache file is ignored (and replaced), never an error.
        for (const QByteArray& junk : {QByteArray("garbage"), QByteArray(), QByteArray(64, '\xff')}) {
            writeBytes(fourth.cacheFile, junk);
            core::GanDatasetReport afterCorruption, again;
            QVERIFY(torch::equal(core::prepareGanDataset(dir.path(), options, &afterCorruption), c));
            QVERIFY(!afterCorruption.fromCache);
            QVERIFY(torch::equal(core::prepareGanDataset(dir.path(), options, &again), c));
            QVERIFY(again.fromCache);
        }
        // A valid safetensors file of the wrong shape is a miss too.
        QFile::remove(fourth.cacheFile);
        QVERIFY(QFile::copy(otherReport.cacheFile, fourth.cacheFile));
        core::GanDatasetReport wrongShape;
        QVERIFY(torch::equal(core::prepareGanDataset(dir.path(), options, &wrongShape), c));
        QVERIFY(!wrongShape.fromCache);
    }

    void refusesHugeAndSurvivesTruncated()
    {
        QTemporaryDir dir;
        save(gradient(90, 90), dir.path() + "/one.png");
        save(gradient(90, 90, 50), dir.path() + "/two.png");
        writeBytes(dir.path() + "/bomb.png", test::pngClaimingSize(20000, 20000)); // 400 megapixels
        QByteArray jpeg;
        {
            QBuffer buffer(&jpeg);
            buffer.open(QIODevice::WriteOnly);
            QVERIFY(gradient(300, 300, 9).save(&buffer, "jpg", 90));
        }
        writeBytes(dir.path() + "/truncated.jpg", jpeg.left(jpeg.size() / 3));
        writeBytes(dir.path() + "/empty.png", {});
        core::GanDatasetReport report;
        const auto images = core::prepareGanDataset(dir.path(), noCache(), &report);
        QCOMPARE(report.files, 5);
        QVERIFY(report.unreadable.contains("bomb.png"));
        QVERIFY(report.unreadable.contains("empty.png"));
        const int bomb = static_cast<int>(report.unreadable.indexOf("bomb.png"));
        QVERIFY2(report.unreadableReasons[bomb].contains("megapixels"), qPrintable(report.unreadableReasons[bomb]));
        // A truncated JPEG decodes partly (kept) or not at all (reported); either way no crash.
        QCOMPARE(report.images + report.unreadable.size(), 5);
        QCOMPARE(images.size(0), report.images);
    }

    void appliesExifOrientation()
    {
        // A wide JPEG (left red, right blue) whose EXIF says "rotate 90 degrees clockwise to
        // show": shown upright it is tall, red on top. Small files take the full decode (OpenCV
        // unchanged + Qt's transformation), big ones libjpeg's reduced decode: both must agree.
        QTemporaryDir dir;
        for (const auto& [name, w] : {std::pair<const char*, int>{"small.jpg", 120}, {"big.jpg", 1200}}) {
            QByteArray jpeg;
            {
                QBuffer buffer(&jpeg);
                buffer.open(QIODevice::WriteOnly);
                QVERIFY(redBlue(w, w / 2).save(&buffer, "jpg", 95));
            }
            // APP1 "Exif": a big-endian TIFF header with one IFD entry, Orientation (0x0112) = 6.
            const QByteArray exif = QByteArray("\xFF\xE1\x00\x22" "Exif\0\0" "MM\x00\x2A\x00\x00\x00\x08"
                                               "\x00\x01" "\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00"
                                               "\x00\x00\x00\x00",
                                               36);
            writeBytes(dir.path() + "/" + name, jpeg.left(2) + exif + jpeg.mid(2));
            QCOMPARE(QImageReader(dir.path() + "/" + name).transformation(), QImageIOHandler::TransformationRotate90);
        }
        const auto images = core::prepareGanDataset(dir.path(), noCache(), nullptr).to(torch::kFloat);
        QCOMPARE(images.size(0), 2);
        for (int i = 0; i < 2; ++i) {
            const auto top = images[i].narrow(1, 4, 24).mean({1, 2}), bottom = images[i].narrow(1, 36, 24).mean({1, 2});
            QVERIFY2(top[0].item<float>() > 200 && top[2].item<float>() < 50, qPrintable(QString::number(i)));
            QVERIFY2(bottom[0].item<float>() < 50 && bottom[2].item<float>() > 200, qPrintable(QString::number(i)));
        }
    }

    void errorsNameTheProblem()
    {
        QTemporaryDir dir;
        const QString missing = dir.path() + "/nope";
        QString e = errorOf(missing, noCache());
        QVERIFY2(e.contains(missing) && e.contains("does not exist"), qPrintable(e));

        const QString empty = dir.path() + "/empty";
        QDir().mkpath(empty + "/sub/folder");
        e = errorOf(empty, noCache());
        QVERIFY2(e.contains(empty) && e.contains("no files"), qPrintable(e));

        const QString junk = dir.path() + "/junk";
        writeBytes(junk + "/a.png", "not a png");
        writeBytes(junk + "/b/readme.txt", "hello");
        e = errorOf(junk, noCache());
        QVERIFY2(e.contains(junk) && e.contains("no images Ganvas can read (2 files, all unreadable)"), qPrintable(e));

        const QString single = dir.path() + "/single";
        save(gradient(64, 64), single + "/only.png");
        writeBytes(single + "/x.txt", "x");
        e = errorOf(single, noCache());
        QVERIFY2(e.contains("needs at least 2 different images; found 1"), qPrintable(e));

        const QString twins = dir.path() + "/twins";
        save(gradient(64, 64), twins + "/a.png");
        save(gradient(64, 64), twins + "/b.bmp"); // other bytes, same pixels
        e = errorOf(twins, noCache());
        QVERIFY2(e.contains("at least 2") && e.contains("found 1") && e.contains("1 duplicates"), qPrintable(e));

        const QString small = dir.path() + "/small";
        save(gradient(10, 10), small + "/a.png");
        save(gradient(12, 12), small + "/b.png");
        e = errorOf(small, noCache());
        QVERIFY2(e.contains("found 0") && e.contains("2 too small"), qPrintable(e));
    }

    void cancels()
    {
        QTemporaryDir dir, cache;
        makeMessyFolder(dir.path());
        core::GanDatasetOptions options;
        options.cacheDir = cache.path();
        int calls = 0;
        const QString e = errorOf(dir.path(), options, [&](int done, int total) {
            ++calls;
            return done < 3 && total == 11;
        });
        QCOMPARE(e, QStringLiteral("cancelled"));
        QCOMPARE(calls, 3);
        QVERIFY(QDir(cache.path()).entryList(QDir::Files).isEmpty()); // nothing half-written
    }

    void defaultCacheLivesInTheUserCache()
    {
        QTemporaryDir dir;
        makeMessyFolder(dir.path());
        core::GanDatasetReport report;
        core::prepareGanDataset(dir.path(), core::GanDatasetOptions(), &report);
        const QString expected = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + "/ganvas/datasets/";
        QVERIFY2(report.cacheFile.startsWith(expected), qPrintable(report.cacheFile));
        QVERIFY(QFile::remove(report.cacheFile));
    }

    void rendersEmoji()
    {
        if (!QFileInfo::exists("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"))
            QSKIP("fonts-noto-color-emoji is not installed");
        QTemporaryDir dir;
        QElapsedTimer timer;
        timer.start();
        const int written = core::renderEmojiDataset(dir.path() + "/some", 32, {}, 40);
        qInfo("40 emoji at 32 px in %lld ms", static_cast<long long>(timer.elapsed()));
        QCOMPARE(written, 40);
        const QStringList files = QDir(dir.path() + "/some").entryList({"*.png"}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 40);
        QSet<QByteArray> distinct;
        for (const QString& name : files) {
            QVERIFY2(QRegularExpression("^[0-9a-f]+(-[0-9a-f]+)*\\.png$").match(name).hasMatch(), qPrintable(name));
            const QImage image(dir.path() + "/some/" + name);
            QCOMPARE(image.size(), QSize(32, 32));
            QCOMPARE(image.pixelColor(0, 0), QColor(Qt::white)); // centred with a margin, on white
            const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
            int nonWhite = 0;
            for (int y = 0; y < 32; ++y)
                for (int x = 0; x < 32; ++x)
                    nonWhite += rgb.pixelColor(x, y) != QColor(Qt::white);
            QVERIFY2(nonWhite > 10, qPrintable(name));
            distinct.insert(QByteArray(reinterpret_cast<const char*>(rgb.constBits()), rgb.sizeInBytes()));
        }
        QVERIFY(distinct.size() > 30);

        // The whole font: thousands of pictures, with skin tones and flags, in seconds.
        timer.restart();
        int lastTotal = 0;
        const int all = core::renderEmojiDataset(dir.path() + "/all", 16, [&](int, int total) {
            lastTotal = total;
            return true;
        });
        qInfo("%d emoji at 16 px in %lld ms (%d candidates)", all, static_cast<long long>(timer.elapsed()), lastTotal);
        QVERIFY(all > 1000);
        QVERIFY(all <= lastTotal);
        QCOMPARE(QDir(dir.path() + "/all").entryList(QDir::Files).size(), all);
        QVERIFY(QFileInfo::exists(dir.path() + "/all/1f600.png"));       // grinning face
        QVERIFY(QFileInfo::exists(dir.path() + "/all/1f44d-1f3fd.png")); // thumbs up, medium skin tone
        QVERIFY(QFileInfo::exists(dir.path() + "/all/1f1e9-1f1ea.png")); // flag of Germany
        // The set is a dataset: prepareGanDataset reads it without a complaint.
        core::GanDatasetReport report;
        const auto images = core::prepareGanDataset(dir.path() + "/all", noCache(16), &report);
        QCOMPARE(report.files, all);
        QVERIFY(report.unreadable.isEmpty());
        QVERIFY(report.images > 1000);
        QCOMPARE(images.size(0), report.images);
    }
};

GANVAS_QTEST_MAIN(GanDataTest)
#include "GanDataTest.moc"
