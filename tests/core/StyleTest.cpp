// SPDX-License-Identifier: GPL-3.0-or-later
// Core style services: OpenCV looks, the style library (search, categories, favourites, import,
// delete), training content folders, StyleJob for all three methods (strength, mask, alpha),
// and AI results as one undo step that the journal replays.
#include "core/document/Document.h"
#include "core/engine/style/StyleTrainer.h"
#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"
#include "core/journal/Journal.h"
#include "core/journal/JournalPlayer.h"
#include "core/style/ClassicStyles.h"
#include "core/style/ContentImages.h"
#include "core/style/StyleEvaluation.h"
#include "core/style/StyleJob.h"
#include "core/style/StyleLibrary.h"

#include <QtTest>
#include "tests/TestMain.h"

using namespace ganvas;

namespace {

/// A colourful test picture with a transparent corner.
QImage picture(int w = 96, int h = 64)
{
    QImage image(w, h, QImage::Format_RGBA8888);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            image.setPixelColor(x, y, QColor((x * 255) / w, (y * 255) / h, ((x + y) * 7) % 256, x < 8 && y < 8 ? 0 : 255));
    return image;
}

QImage stripes(int side = 64)
{
    QImage image(side, side, QImage::Format_RGB888);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            image.setPixelColor(x, y, ((x + y) / 4) % 2 ? QColor(230, 40, 30) : QColor(20, 40, 200));
    return image;
}

void writeJson(const QString& path, const QJsonObject& o)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(o).toJson());
}

QJsonObject classicConfig(const QString& id, const QString& filter, const QString& category)
{
    return {{"format", 1},       {"id", id},          {"name", id.toUpper()},
            {"kind", "style"},   {"license", "CC0-1.0"}, {"category", category},
            {"tags", QJsonArray{"test"}}, {"architecture", QJsonObject{{"type", "opencv"}, {"filter", filter}}}};
}

int maxDiff(const QImage& a, const QImage& b)
{
    const QImage x = a.convertToFormat(QImage::Format_RGBA8888), y = b.convertToFormat(QImage::Format_RGBA8888);
    int m = 0;
    for (int r = 0; r < x.height(); ++r)
        for (int c = 0; c < x.bytesPerLine(); ++c)
            m = std::max(m, std::abs(int(x.constScanLine(r)[c]) - int(y.constScanLine(r)[c])));
    return m;
}

/// A tiny fast style trained for 3 steps on random crops into @p folder (its picture is
/// style.png there): the shared settings of the tests that need a trained network.
engine::StyleTrainOptions tinyStyleTraining(const QString& folder, const char* id, const char* name, const char* head)
{
    engine::StyleTrainOptions o;
    o.id = id;
    o.name = name;
    o.outputDir = folder.toStdString();
    o.network = {{4, 8, 8}, 1, head};
    o.lossNetwork.channels = {8, 16, 16};
    o.lossNetwork.contentStage = 1;
    o.styles = {core::imageToTensor(stripes())};
    o.steps = 3;
    o.batch = 2;
    o.imageSize = 32;
    o.styleScale = 2;
    o.extraConfig = {{"style_image", "style.png"}};
    return o;
}

torch::Tensor randomCrops(int64_t step, int64_t batch, int64_t size)
{
    torch::manual_seed(static_cast<uint64_t>(step));
    return torch::rand({batch, 3, size, size});
}

engine::JobResult run(engine::Job& job, engine::JobObserver* observer = nullptr)
{
    engine::CancelToken token;
    engine::JobContext ctx(token, observer);
    return engine::runJob(job, ctx);
}

/// What a job said: its progress messages and log lines.
struct Messages : engine::JobObserver {
    QStringList progress, log;
    void onProgress(int64_t, int64_t, const std::string& message) override
    {
        progress << QString::fromStdString(message);
    }
    void onLog(engine::LogLevel, const std::string& message) override { log << QString::fromStdString(message); }
};

/// The pass numbers of the previews a job streamed, in order.
struct Passes : engine::JobObserver {
    QVector<int> passes;
    void onPreview(const torch::Tensor&, int pass) override { passes << pass; }
};

} // namespace

class StyleTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("GanvasTest"));
        QCoreApplication::setApplicationName(QStringLiteral("GanvasStyleTest"));
        QSettings().clear();
        QDir(core::ModelCatalogue::userModelRoot()).removeRecursively();
    }

    void classicFiltersKeepSizeAndAlpha()
    {
        const QImage in = picture();
        for (const QString& filter : core::classicFilterNames()) {
            QString error;
            const QImage out = core::applyClassicFilter(filter, in, nlohmann::json::object(), &error);
            QVERIFY2(!out.isNull(), qPrintable(filter + QStringLiteral(": ") + error));
            QCOMPARE(out.size(), in.size());
            QCOMPARE(qAlpha(out.pixel(2, 2)), 0);   // the transparent corner stays transparent
            QCOMPARE(qAlpha(out.pixel(50, 40)), 255);
            QVERIFY2(maxDiff(out, in) > 10, qPrintable(filter)); // it did something
        }
        QString error;
        QVERIFY(core::applyClassicFilter(QStringLiteral("sepia"), in, {}, &error).isNull());
        QVERIFY(error.contains(QLatin1String("unknown classic filter")));
        QVERIFY(core::applyClassicFilter(QStringLiteral("oil"), QImage(), {}, &error).isNull());
    }

    void libraryListsSearchesAndKeepsFavourites()
    {
        QTemporaryDir root;
        writeJson(root.filePath(QStringLiteral("styles/oil/config.json")), classicConfig("oil", "oil", "Classic"));
        writeJson(root.filePath(QStringLiteral("styles/pencil/config.json")), classicConfig("pencil", "pencil", "Drawing"));
        QJsonObject broken = classicConfig("net", "", "Painterly");
        broken["architecture"] = QJsonObject{{"type", "johnson"}};
        broken["weights"] = "weights.safetensors";
        writeJson(root.filePath(QStringLiteral("styles/net/config.json")), broken);
        core::StyleLibrary library;
        library.scan({root.path()});
        QCOMPARE(library.styles().size(), 3);
        QCOMPARE(library.categories(), (QStringList{"Classic", "Drawing", "Painterly"}));
        QVERIFY(!library.find(QStringLiteral("net"))->isValid()); // weights missing: listed with its error
        QVERIFY(library.find(QStringLiteral("net"))->error.contains(QLatin1String("missing")));
        QCOMPARE(library.filter(QStringLiteral("PENC")).size(), 1);
        QCOMPARE(library.filter(QString(), QStringLiteral("Classic")).size(), 1);
        QCOMPARE(library.filter(QStringLiteral("test")).size(), 3); // tags are searched
        QCOMPARE(library.filter(QStringLiteral("drawing")).size(), 1); // and categories
        QVERIFY(library.filter(QString(), {}, true).isEmpty());
        core::StyleLibrary::setFavourite(QStringLiteral("pencil"), true);
        QCOMPARE(library.filter(QString()).front().id, QStringLiteral("pencil")); // favourites first
        QCOMPARE(library.filter(QString(), {}, true).size(), 1);
        core::StyleLibrary::setFavourite(QStringLiteral("pencil"), false);
        QVERIFY(core::StyleLibrary::favourites().isEmpty());
        // Bundled (not under the user's folder): never deleted.
        QString error;
        QVERIFY(!core::StyleLibrary::isUserStyle(*library.find(QStringLiteral("oil"))));
        QVERIFY(!core::StyleLibrary::deleteUserStyle(*library.find(QStringLiteral("oil")), &error));
        QVERIFY(QFileInfo::exists(root.filePath(QStringLiteral("styles/oil/config.json"))));
    }

    void importMakesAUsableUserStyleAndDeleteRemovesIt()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("My Stripes.png"));
        QVERIFY(stripes(1500).save(png));
        QString error;
        const QString folder = core::StyleLibrary::importStyleImage(png, QString(), &error);
        QVERIFY2(!folder.isEmpty(), qPrintable(error));
        QCOMPARE(QFileInfo(folder).fileName(), QStringLiteral("my-stripes"));
        const auto entry = core::ModelCatalogue::readEntry(folder);
        QVERIFY2(entry.isValid(), qPrintable(entry.error));
        QCOMPARE(entry.architecture, QStringLiteral("gatys"));
        QCOMPARE(QImage(entry.styleImage).width(), 1024); // kept at most 1024 px
        QCOMPARE(QImage(entry.thumbnail).size(), QSize(160, 160));
        QVERIFY(core::StyleLibrary::isUserStyle(entry));
        // A second import of the same name gets a new id.
        const QString second = core::StyleLibrary::importStyleImage(png, QString(), &error);
        QCOMPARE(QFileInfo(second).fileName(), QStringLiteral("my-stripes-2"));
        QVERIFY(core::StyleLibrary::deleteUserStyle(core::ModelCatalogue::readEntry(second), &error));
        QVERIFY(!QFileInfo::exists(second));
        // Broken and tiny pictures are refused and leave nothing behind.
        const QString bad = dir.filePath(QStringLiteral("bad.png"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\x89PNG\r\n\x1a\nnot really");
        f.close();
        const int before = QDir(core::ModelCatalogue::userModelRoot() + QStringLiteral("/styles")).count();
        QVERIFY(core::StyleLibrary::importStyleImage(bad, QStringLiteral("x"), &error).isEmpty());
        QVERIFY(!error.isEmpty());
        const QString tiny = dir.filePath(QStringLiteral("tiny.png"));
        QVERIFY(stripes(8).save(tiny));
        QVERIFY(core::StyleLibrary::importStyleImage(tiny, QStringLiteral("x"), &error).isEmpty());
        QVERIFY(error.contains(QLatin1String("too small")));
        QCOMPARE(QDir(core::ModelCatalogue::userModelRoot() + QStringLiteral("/styles")).count(), before);
        QVERIFY(core::StyleLibrary::deleteUserStyle(entry, &error));
    }

    void contentFolderSkipsBrokenFilesAndDrawsDeterministicBatches()
    {
        QTemporaryDir dir;
        QVERIFY(picture(300, 200).save(dir.filePath(QStringLiteral("a.png"))));
        QDir().mkpath(dir.filePath(QStringLiteral("nested")));
        QVERIFY(stripes(128).save(dir.filePath(QStringLiteral("nested/b.jpg"))));
        QVERIFY(stripes(16).save(dir.filePath(QStringLiteral("small.png"))));
        QFile junk(dir.filePath(QStringLiteral("junk.webp")));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("RIFF....WEBPjunk");
        junk.close();
        core::ContentImages content(dir.path(), 128);
        QCOMPARE(content.count(), 2);
        QCOMPARE(content.skipped().size(), 2);
        const auto a = content.batch(5, 3, 48), b = content.batch(5, 3, 48), c = content.batch(6, 3, 48);
        QCOMPARE(a.sizes(), (torch::IntArrayRef{3, 3, 48, 48}));
        QVERIFY(torch::equal(a, b));
        QVERIFY(!torch::equal(a, c));
        QCOMPARE(content.previewImage(32).sizes(), (torch::IntArrayRef{1, 3, 32, 32}));
        QTemporaryDir empty;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, core::ContentImages(empty.path(), 128));
    }

    void classicJobAppliesStrengthMaskAndKeepsAlpha()
    {
        QTemporaryDir root;
        writeJson(root.filePath(QStringLiteral("styles/oil/config.json")), classicConfig("oil", "stylization", "Classic"));
        core::StyleRequest request;
        request.style = core::ModelCatalogue::readEntry(root.filePath(QStringLiteral("styles/oil")));
        request.content = picture();
        core::StyleJob full(request);
        QCOMPARE(run(full).outcome, engine::JobOutcome::Finished);
        QVERIFY(maxDiff(full.result(), picture()) > 10);
        QCOMPARE(qAlpha(full.result().pixel(1, 1)), 0);

        request.strength = 0.0;
        core::StyleJob none(request);
        QCOMPARE(run(none).outcome, engine::JobOutcome::Finished);
        QVERIFY(maxDiff(none.result(), picture()) <= 1);

        request.strength = 1.0;
        QImage mask(picture().size(), QImage::Format_Grayscale8);
        mask.fill(0);
        for (int y = 0; y < mask.height(); ++y)
            for (int x = 48; x < mask.width(); ++x)
                mask.setPixel(x, y, 255);
        request.mask = mask;
        core::StyleJob masked(request);
        QCOMPARE(run(masked).outcome, engine::JobOutcome::Finished);
        QVERIFY(maxDiff(masked.result().copy(0, 0, 48, 64), picture().copy(0, 0, 48, 64)) <= 1);
        QVERIFY(maxDiff(masked.result().copy(48, 0, 48, 64), picture().copy(48, 0, 48, 64)) > 10);

        // The same pixels as a snapshot of a document's layers (what the studio hands over, read
        // on the worker): a layer's own area, or the composite.
        core::Document doc(QSize(200, 100));
        doc.addLayer(QStringLiteral("picture"), [] {
            QImage page(200, 100, QImage::Format_ARGB32_Premultiplied);
            page.fill(Qt::transparent);
            QPainter(&page).drawImage(40, 20, picture());
            return page;
        }());
        core::StyleRequest fromLayers = request;
        fromLayers.content = QImage();
        fromLayers.layers = doc.layers();
        fromLayers.layer = 1;
        fromLayers.area = QRect(40, 20, 96, 64);
        core::StyleJob snapshot(fromLayers);
        QCOMPARE(run(snapshot).outcome, engine::JobOutcome::Finished);
        core::StyleRequest sameAsImage = request;
        sameAsImage.content = doc.layer(1).pixels.copyRegion(fromLayers.area);
        core::StyleJob fromImage(sameAsImage);
        QCOMPARE(run(fromImage).outcome, engine::JobOutcome::Finished);
        QCOMPARE(snapshot.result(), fromImage.result());
        QVERIFY(maxDiff(snapshot.result().copy(0, 0, 48, 64), fromImage.result().copy(0, 0, 48, 64)) == 0);
        // The masked half is the layer unchanged (away from the transparent corner, whose colour
        // premultiplied storage does not keep).
        QVERIFY(maxDiff(snapshot.result().copy(8, 8, 40, 56), picture().copy(8, 8, 40, 56)) <= 1);
        fromLayers.layer = -1; // composite over the white background: opaque everywhere
        core::StyleJob composite(fromLayers);
        QCOMPARE(run(composite).outcome, engine::JobOutcome::Finished);
        QCOMPARE(qAlpha(composite.result().pixel(1, 1)), 255);
        fromLayers.area = QRect();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, core::StyleJob{fromLayers});

        request.mask = QImage(10, 10, QImage::Format_Grayscale8);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, core::StyleJob{request});
        core::StyleRequest broken;
        broken.content = picture();
        broken.style.name = QStringLiteral("x");
        broken.style.error = QStringLiteral("weights file missing");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, core::StyleJob{broken});
    }

    void refinementKeepsTheStylesCells()
    {
        // A style with panes (ADR 0016): the network's result, every refined pass shown and the
        // refined result are flat panes: a few dozen colours (about 5 × 3 cells at 50 × 30 px)
        // where the picture has hundreds.
        QTemporaryDir root;
        const QString folder = root.filePath(QStringLiteral("styles/panes"));
        auto o = tinyStyleTraining(folder, "panes", "Panes", "sigmoid");
        o.steps = 2;
        o.network.cells.shape = engine::CellOptions::Shape::Panes;
        o.network.cells.across = 5;
        o.network.cells.texture = 0;
        QDir().mkpath(folder);
        QVERIFY(stripes().save(folder + QStringLiteral("/style.png")));
        engine::StyleTrainJob train(o, randomCrops);
        QCOMPARE(run(train).outcome, engine::JobOutcome::Finished);
        core::StyleRequest request;
        request.style = core::ModelCatalogue::readEntry(folder);
        QVERIFY2(request.style.isValid(), qPrintable(request.style.error));
        request.content = picture(200, 120);
        request.maxSide = 50;
        request.refine = true;
        request.optimisation.passIterations = {6, 4};
        request.optimisation.startSide = 24;
        request.optimisation.previewEvery = 2;
        struct Shown : engine::JobObserver {
            QVector<int> passes;
            QVector<int64_t> colours; // distinct colours of each preview
            void onPreview(const torch::Tensor& image, int pass) override
            {
                passes << pass;
                const auto q = (image.reshape({3, -1}) * 255).round().to(torch::kLong);
                colours << std::get<0>(torch::_unique(q[0] * 65536 + q[1] * 256 + q[2])).numel();
            }
        } shown;
        core::StyleJob refined(request);
        QCOMPARE(run(refined, &shown).outcome, engine::JobOutcome::Finished);
        QVERIFY(shown.passes.size() >= 3);
        QCOMPARE(shown.passes.first(), -1);
        for (int i = 0; i < shown.passes.size(); ++i)
            QVERIFY2(shown.colours[i] <= 40,
                     qPrintable(QStringLiteral("pass %1: %2 colours").arg(shown.passes[i]).arg(shown.colours[i])));
        QSet<QRgb> colours;
        const QImage result = refined.result().convertToFormat(QImage::Format_ARGB32);
        for (int y = 0; y < result.height(); ++y)
            for (int x = 0; x < result.width(); ++x)
                if (qAlpha(result.pixel(x, y)) == 255)
                    colours.insert(result.pixel(x, y));
        QVERIFY2(colours.size() <= 40, qPrintable(QString::number(colours.size())));
        QSet<QRgb> before;
        const QImage content = request.content.scaled(result.size()).convertToFormat(QImage::Format_ARGB32);
        for (int y = 0; y < content.height(); ++y)
            for (int x = 0; x < content.width(); ++x)
                before.insert(content.pixel(x, y));
        QVERIFY(before.size() > 200);
    }

    void networkAndOptimisationJobs()
    {
        // A tiny network trained here, loaded from its folder like a preset.
        QTemporaryDir root;
        auto o = tinyStyleTraining(root.filePath(QStringLiteral("styles/tiny")), "tiny", "Tiny", "sigmoid");
        o.steps = 4;
        o.styleScale = 1;
        o.extraConfig["category"] = "Test";
        QDir().mkpath(root.filePath(QStringLiteral("styles/tiny")));
        QVERIFY(stripes().save(root.filePath(QStringLiteral("styles/tiny/style.png"))));
        engine::StyleTrainJob train(o, randomCrops);
        QCOMPARE(run(train).outcome, engine::JobOutcome::Finished);
        const auto entry = core::ModelCatalogue::readEntry(root.filePath(QStringLiteral("styles/tiny")));
        QVERIFY2(entry.isValid(), qPrintable(entry.error));
        QCOMPARE(entry.architecture, QStringLiteral("johnson"));
        QCOMPARE(entry.category, QStringLiteral("Test"));
        QCOMPARE(core::defaultMethod(entry), core::StyleMethod::Network);
        core::StyleRequest request;
        request.style = entry;
        request.content = picture(200, 120);
        core::StyleJob net(request);
        QCOMPARE(run(net).outcome, engine::JobOutcome::Finished);
        QCOMPARE(net.result().size(), QSize(200, 120));
        QCOMPARE(qAlpha(net.result().pixel(1, 1)), 0);
        // Preview size.
        request.maxSide = 50;
        core::StyleJob small(request);
        QCOMPARE(run(small).outcome, engine::JobOutcome::Finished);
        QCOMPARE(small.result().size(), QSize(50, 30));
        // Fast, then refine: the network's result is the first preview (pass -1), then the
        // optimisation's passes refine it; accepted before any pass, the network's result is kept.
        request.refine = true;
        request.optimisation.passIterations = {6, 4};
        request.optimisation.startSide = 24;
        request.optimisation.previewEvery = 2;
        core::StyleJob refined(request);
        Passes passes;
        QCOMPARE(run(refined, &passes).outcome, engine::JobOutcome::Finished);
        QVERIFY(passes.passes.size() >= 2);
        QCOMPARE(passes.passes.first(), -1);
        QVERIFY(passes.passes.last() >= 0);
        QCOMPARE(refined.result().size(), QSize(50, 30));
        QVERIFY(maxDiff(refined.result(), small.result()) > 3);
        core::StyleJob keptFast(request);
        keptFast.acceptNow();
        QCOMPARE(run(keptFast).outcome, engine::JobOutcome::Finished);
        QVERIFY(keptFast.report().acceptedEarly);
        QVERIFY(maxDiff(keptFast.result(), small.result()) <= 1);
        auto noPicture = request;
        noPicture.style.styleImage.clear();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, core::StyleJob{noPicture});
        request.refine = false;
        request.optimisation = {};
        // Optimisation against a picture style, with accept-now from another thread.
        QTemporaryDir dir;
        QVERIFY(stripes().save(dir.filePath(QStringLiteral("s.png"))));
        QString error;
        const QString folder = core::StyleLibrary::importStyleImage(dir.filePath(QStringLiteral("s.png")), QStringLiteral("S"), &error);
        request.style = core::ModelCatalogue::readEntry(folder);
        request.maxSide = 48;
        request.optimisation.iterations = 5;
        request.optimisation.startSide = 24;
        request.optimisation.adam = true;
        auto refineAPicture = request;
        refineAPicture.refine = true; // only a network's result can be refined
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, core::StyleJob{refineAPicture});
        core::StyleJob gatys(request);
        QCOMPARE(run(gatys).outcome, engine::JobOutcome::Finished);
        QVERIFY(maxDiff(gatys.result(), request.content.scaled(gatys.result().size())) > 3);
        request.optimisation.iterations = 100000;
        core::StyleJob accepted(request);
        accepted.acceptNow();
        QCOMPARE(run(accepted).outcome, engine::JobOutcome::Finished);
        QVERIFY(accepted.report().acceptedEarly);
        core::StyleLibrary::deleteUserStyle(request.style, &error);
    }

    void marksInputNetworkDrawsWithItsStylePicture()
    {
        // A network that reads its style picture's marks (ADR 0013) runs like any fast style,
        // with the picture from the style's folder; without the picture it fails in words.
        QTemporaryDir root;
        const QString folder = root.filePath(QStringLiteral("styles/marks"));
        auto o = tinyStyleTraining(folder, "marks", "Marks", "residual");
        o.network.marksInput = true;
        QDir().mkpath(folder);
        QVERIFY(stripes().save(folder + QStringLiteral("/style.png")));
        engine::StyleTrainJob train(o, randomCrops);
        QCOMPARE(run(train).outcome, engine::JobOutcome::Finished);
        core::StyleRequest request;
        request.style = core::ModelCatalogue::readEntry(folder);
        QVERIFY2(request.style.isValid(), qPrintable(request.style.error));
        QCOMPARE(core::defaultMethod(request.style), core::StyleMethod::Network);
        request.content = picture(120, 80);
        core::StyleJob job(request);
        QCOMPARE(run(job).outcome, engine::JobOutcome::Finished);
        QCOMPARE(job.result().size(), QSize(120, 80));
        QVERIFY(maxDiff(job.result(), request.content) > 3);
        // Another picture, other marks.
        QImage flat(64, 64, QImage::Format_RGB32);
        flat.fill(QColor(128, 128, 128));
        QVERIFY(flat.save(folder + QStringLiteral("/style.png")));
        core::StyleJob flatJob(request);
        QCOMPARE(run(flatJob).outcome, engine::JobOutcome::Finished);
        QVERIFY(maxDiff(flatJob.result(), job.result()) > 3);
        auto noPicture = request;
        noPicture.style.styleImage.clear();
        core::StyleJob missing(noPicture);
        const auto outcome = run(missing);
        QCOMPARE(outcome.outcome, engine::JobOutcome::Failed);
        QVERIFY2(QString::fromStdString(outcome.error).contains(QStringLiteral("marks")), outcome.error.c_str());
    }

    void evaluationMeasuresStylesAgainstCachedOptimisation()
    {
        // A tiny trained style that ships its picture, as a preset does.
        QTemporaryDir root;
        const QString folder = root.filePath(QStringLiteral("styles/tiny"));
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(stripes(96).save(folder + QStringLiteral("/style.png")));
        engine::StyleTrainJob train(tinyStyleTraining(folder, "tiny", "Tiny", "sigmoid"), randomCrops);
        QCOMPARE(run(train).outcome, engine::JobOutcome::Finished);
        const auto style = core::ModelCatalogue::readEntry(folder);
        QVERIFY2(style.isValid(), qPrintable(style.error));
        QCOMPARE(core::styleMarkSide(style, 64), 64); // 32 px crops x style scale 2

        // Two pictures and a broken file, which is reported and skipped.
        QTemporaryDir photos;
        QImage smooth(96, 64, QImage::Format_RGB888);
        for (int y = 0; y < smooth.height(); ++y)
            for (int x = 0; x < smooth.width(); ++x)
                smooth.setPixelColor(x, y, QColor(60 + x, 80 + y * 2, 160));
        QVERIFY(smooth.save(photos.filePath(QStringLiteral("a.png"))));
        QVERIFY(smooth.transformed(QTransform().rotate(90)).save(photos.filePath(QStringLiteral("b.png"))));
        QFile broken(photos.filePath(QStringLiteral("c.png")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not a png");
        broken.close();
        core::StyleEvalRequest request;
        request.styles = {style};
        request.images = {photos.filePath(QStringLiteral("a.png")), photos.filePath(QStringLiteral("b.png")),
                          photos.filePath(QStringLiteral("c.png"))};
        request.side = 64;
        request.reference.iterations = 20;
        request.reference.startSide = 32;
        QTemporaryDir cache;
        request.cacheDir = cache.path();
        core::StyleEvalJob first(request);
        QCOMPARE(run(first).outcome, engine::JobOutcome::Finished);
        QCOMPARE(first.rows().size(), 2);
        QCOMPARE(first.skipped().size(), 1);
        QVERIFY(first.skipped().front().startsWith(QStringLiteral("c.png")));
        for (const auto& row : first.rows()) {
            QVERIFY(!row.referenceCached);
            QCOMPARE(std::max(row.resultImage.width(), row.resultImage.height()), 64);
            QCOMPARE(row.referenceImage.size(), row.resultImage.size());
            QVERIFY(row.content.swd > 0);
            QVERIFY(std::isfinite(row.textureShare));
            QVERIFY(row.resultKept.structure <= 1.0 + 1e-6);
        }
        // The optimisation reference comes nearer the style than the untouched picture.
        qInfo("content swd %.3f cov %.3f, reference swd %.3f cov %.3f", first.rows()[0].content.swd,
              first.rows()[0].content.covariance, first.rows()[0].reference.swd, first.rows()[0].reference.covariance);
        QVERIFY(first.rows()[0].reference.swd < first.rows()[0].content.swd);
        QCOMPARE(QDir(cache.path()).entryList(QDir::Files).size(), 2);

        // Again: the references come from the cache, with the same figures.
        core::StyleEvalJob second(request);
        QCOMPARE(run(second).outcome, engine::JobOutcome::Finished);
        QVERIFY(second.rows()[0].referenceCached);
        QCOMPARE(second.rows()[0].reference.swd, first.rows()[0].reference.swd);
        const auto summaries = second.summaries();
        QCOMPARE(summaries.size(), 1);
        QCOMPARE(summaries[0].pictures, 2);
        const auto json = second.toJson();
        QCOMPARE(json["rows"].size(), size_t(2));
        QVERIFY(json["styles"][0].contains("texture_share"));
        const QImage sheet = second.contactSheet(4, 48);
        QCOMPARE(sheet.width(), 48 * 5);      // the style picture + (result, optimisation) x 2
        QCOMPARE(sheet.height(), 2 * (48 + 16));

        // A picture-only style optimises as its own method: its result is its reference, run
        // once, and measured the same.
        {
            QTemporaryDir imported;
            const QString png = imported.filePath(QStringLiteral("Stripes.png"));
            QVERIFY(stripes(96).save(png));
            QString error;
            const auto gatys = core::ModelCatalogue::readEntry(core::StyleLibrary::importStyleImage(png, QString(), &error));
            QVERIFY2(gatys.isValid(), qPrintable(error + gatys.error));
            QCOMPARE(gatys.architecture, QStringLiteral("gatys"));
            core::StyleEvalRequest own = request;
            own.styles = {gatys};
            own.images = {photos.filePath(QStringLiteral("a.png"))};
            own.cacheDir.clear();
            core::StyleEvalJob job(own);
            QCOMPARE(run(job).outcome, engine::JobOutcome::Finished);
            QCOMPARE(job.rows().size(), 1);
            QCOMPARE(job.rows()[0].referenceImage, job.rows()[0].resultImage);
            QCOMPARE(job.rows()[0].result.swd, job.rows()[0].reference.swd);
            QCOMPARE(job.rows()[0].result.covariance, job.rows()[0].reference.covariance);
        }

        // Nothing usable: a clear message. No styles, or a style without a picture: refused.
        request.images = {photos.filePath(QStringLiteral("c.png"))};
        core::StyleEvalJob none(request);
        const auto failed = run(none);
        QCOMPARE(failed.outcome, engine::JobOutcome::Failed);
        QVERIFY(QString::fromStdString(failed.error).contains(QStringLiteral("could be read")));
        request.styles.clear();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, core::StyleEvalJob{request});
        auto noPicture = style;
        noPicture.styleImage.clear();
        request.styles = {noPicture};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, core::StyleEvalJob{request});
    }

    void importedStyleTrainsIntoAFastStyleThroughTheFacade()
    {
        QTemporaryDir dir;
        QVERIFY(stripes().save(dir.filePath(QStringLiteral("s.png"))));
        QDir().mkpath(dir.filePath(QStringLiteral("photos")));
        QVERIFY(picture(200, 160).save(dir.filePath(QStringLiteral("photos/p.png"))));
        QString error;
        const QString folder = core::StyleLibrary::importStyleImage(dir.filePath(QStringLiteral("s.png")), QStringLiteral("Facade"), &error);
        auto style = core::ModelCatalogue::readEntry(folder);
        // Before training: optimisation, through the Torch-free task the UI uses.
        core::StyleRequest request;
        request.style = style;
        request.content = picture();
        request.maxSide = 32;
        request.optimisation.iterations = 2;
        core::StyleTask task(request);
        QCOMPARE(task.method(), core::StyleMethod::Optimisation);
        QCOMPARE(run(*task.job()).outcome, engine::JobOutcome::Finished);
        QCOMPARE(task.result().size(), QSize(32, 21));
        request.colour = QStringLiteral("sepia");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, core::StyleTask{request});
        // Train it: the folder becomes a fast style, keeping its picture and thumbnail.
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, core::makeStyleTrainingJob(style, dir.filePath(QStringLiteral("none")), 2));
        // The folder is read by the job on its worker (not when it is made): a folder without a
        // usable picture fails the job with a clear message, and the style is left as it was.
        QDir().mkpath(dir.filePath(QStringLiteral("empty")));
        QVERIFY(QFile(dir.filePath(QStringLiteral("empty/broken.png"))).open(QIODevice::WriteOnly));
        auto empty = core::makeStyleTrainingJob(style, dir.filePath(QStringLiteral("empty")), 2);
        QCOMPARE(empty->priority(), engine::JobPriority::Background);
        const auto failed = run(*empty);
        QCOMPARE(failed.outcome, engine::JobOutcome::Failed);
        QVERIFY2(QString::fromStdString(failed.error).contains(QLatin1String("no usable images")), failed.error.c_str());
        QCOMPARE(core::ModelCatalogue::readEntry(folder).architecture, QStringLiteral("gatys"));
        QVERIFY(!core::hasStyleTrainingCheckpoint(folder)); // stopped before training: nothing kept
        auto job = core::makeStyleTrainingJob(style, dir.filePath(QStringLiteral("photos")), 2);
        Messages said;
        QCOMPARE(run(*job, &said).outcome, engine::JobOutcome::Finished);
        QVERIFY2(said.progress.contains(QStringLiteral("Reading the photos (1 of 1)")), qPrintable(said.progress.join('|')));
        QVERIFY2(!said.log.filter(QStringLiteral("on 1 pictures (0 skipped)")).isEmpty(), qPrintable(said.log.join('|')));
        style = core::ModelCatalogue::readEntry(folder);
        QVERIFY2(style.isValid(), qPrintable(style.error));
        QCOMPARE(style.architecture, QStringLiteral("johnson"));
        QCOMPARE(QFileInfo(style.styleImage).fileName(), QStringLiteral("style.png"));
        QCOMPARE(QFileInfo(style.thumbnail).fileName(), QStringLiteral("thumbnail.png"));
        QCOMPARE(style.category, QStringLiteral("My styles"));
        {
            // The shipped presets' recipe: it reads its picture's marks and draws luminance.
            QFile config(folder + QStringLiteral("/config.json"));
            QVERIFY(config.open(QIODevice::ReadOnly));
            const auto architecture = QJsonDocument::fromJson(config.readAll()).object()[QStringLiteral("architecture")].toObject();
            QVERIFY(architecture[QStringLiteral("marks_input")].toBool());
            QCOMPARE(architecture[QStringLiteral("palette")].toString(), QStringLiteral("luminance"));
        }
        QVERIFY(!core::hasStyleTrainingCheckpoint(folder)); // a finished training removes it
        QFile checkpoint(folder + QStringLiteral("/checkpoint.safetensors"));
        QVERIFY(checkpoint.open(QIODevice::WriteOnly));
        checkpoint.close();
        QVERIFY(core::hasStyleTrainingCheckpoint(folder));
        QVERIFY(checkpoint.remove());
        request.colour = QStringLiteral("histogram");
        request.style = style;
        core::StyleTask fast(request);
        QCOMPARE(fast.method(), core::StyleMethod::Network);
        QCOMPARE(run(*fast.job()).outcome, engine::JobOutcome::Finished);
        QVERIFY(core::StyleLibrary::deleteUserStyle(style, &error));
    }

    void resultLayerIsOneUndoStepAndReplays()
    {
        QTemporaryDir dir;
        const QString journalPath = dir.filePath(QStringLiteral("j.jsonl"));
        core::Document doc(QSize(64, 48));
        QString error;
        auto journal = core::Journal::start(journalPath, doc, QString(), &error);
        QVERIFY2(journal, qPrintable(error));
        doc.setJournal(journal.get());
        const QImage before = doc.composite();
        QImage red(64, 48, QImage::Format_ARGB32_Premultiplied);
        red.fill(Qt::red);
        QImage hidden(64, 48, QImage::Format_Grayscale8);
        hidden.fill(0);
        const int undoBefore = doc.undoStack()->count();
        doc.addResultLayer(QStringLiteral("Style: X"), red, hidden, QStringLiteral("Apply style X"),
                           {{"style", "x"}, {"strength", 0.5}});
        QCOMPARE(doc.undoStack()->count(), undoBefore + 1);
        QCOMPARE(doc.undoStack()->undoText(), QStringLiteral("Apply style X"));
        QCOMPARE(doc.layerCount(), 2);
        QVERIFY(doc.layer(1).hasMask);
        QCOMPARE(doc.composite(), before); // fully masked: nothing shows yet
        doc.undoStack()->undo();
        QCOMPARE(doc.layerCount(), 1);
        doc.undoStack()->redo();
        // Without a mask the result shows.
        doc.addResultLayer(QStringLiteral("Style: Y"), red, QImage(), QStringLiteral("Apply style Y"));
        QCOMPARE(QColor(doc.composite().pixel(5, 5)), QColor(Qt::red));
        doc.setJournal(nullptr);
        journal.reset();
        const auto replay = core::replayJournal(journalPath);
        QVERIFY2(replay.document, qPrintable(replay.error));
        QCOMPARE(replay.document->layerCount(), 3);
        QVERIFY(replay.document->layer(1).hasMask);
        QVERIFY(!replay.document->layer(2).hasMask);
        QCOMPARE(replay.document->composite(), doc.composite());
    }
};

// A QGuiApplication (offscreen in CTest): the evaluation's contact sheet draws text.
GANVAS_QTEST_MAIN(StyleTest)
#include "StyleTest.moc"
