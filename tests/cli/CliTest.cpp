// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end through the real binaries: exit codes, --help, info, bench with its Python peer.
#include "core/brush/StrokeSession.h"
#include "core/document/Document.h"
#include "core/io/OraFile.h"
#include "core/journal/Journal.h"

#include <QtTest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>

#include <opencv2/videoio.hpp>

#include <csignal>
#include <cstring>
#include "tests/TestMain.h"

namespace {

struct Run {
    int code = -1;
    QString out, err;
};

Run run(const QString& program, const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
        int timeoutMs = 300000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

const QString kCli = QStringLiteral(GANVAS_CLI_PATH);
const QString kStudio = QStringLiteral(GANVAS_STUDIO_PATH);

} // namespace

class CliTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void helpListsSubcommands()
    {
        const Run r = run(kCli, {"--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("info"));
        QVERIFY(r.out.contains("bench"));
        QVERIFY(r.out.contains("--device"));
        for (const char* sub : {"info", "bench"}) {
            const Run s = run(kCli, {sub, "--help"});
            QCOMPARE(s.code, 0);
            QVERIFY(s.out.contains("--json"));
        }
    }

    void usageErrorsExitWith2()
    {
        for (const QStringList& args : {QStringList{}, QStringList{"frobnicate"}, QStringList{"info", "--bogus"},
                                        QStringList{"--threads", "-3", "info"}, QStringList{"bench", "no-such-case"}}) {
            const Run r = run(kCli, args);
            QVERIFY2(r.code == 2, qPrintable(args.join(' ') + " -> " + QString::number(r.code)));
            QVERIFY(!r.err.trimmed().isEmpty());
            QVERIFY(r.out.trimmed().isEmpty() || args.isEmpty());
        }
        const Run device = run(kCli, {"--device", "tpu", "info"});
        QCOMPARE(device.code, 2);
        QVERIFY(device.err.contains("unknown device 'tpu'"));
    }

    void infoReportsThreadsEqualToCores()
    {
        const Run r = run(kCli, {"info", "--json"});
        QCOMPARE(r.code, 0);
        const auto doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(doc["threads"].toInt(), QThread::idealThreadCount());
        QCOMPARE(doc["cores"].toInt(), QThread::idealThreadCount());
        QVERIFY(!doc["libtorch"].toString().isEmpty());
        QVERIFY(doc["blas"].toString().startsWith("OpenBLAS"));
        QVERIFY(!doc["blas_reference"].toBool());
        QVERIFY(doc.contains("bf16_cpu"));
        QVERIFY(doc["device"].toString() == "cpu" || doc["device"].toString().startsWith("cuda"));
        QVERIFY(doc["model_roots"].toArray().size() >= 2);
        QVERIFY(doc["models"].isArray());
        // --threads overrides the machine default; text output says the same.
        const Run one = run(kCli, {"--threads", "1", "info"});
        QCOMPARE(one.code, 0);
        QVERIFY(one.out.contains(QStringLiteral("CPU threads: 1 of %1 cores").arg(QThread::idealThreadCount())));
    }

    void infoListsModelsFromGanvasModelPath()
    {
        QTemporaryDir dir;
        QDir().mkpath(dir.filePath("styles/bad"));
        QFile f(dir.filePath("styles/bad/config.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": 1}");
        f.close();
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("GANVAS_MODEL_PATH", dir.path());
        const Run r = run(kCli, {"info", "--json"}, env);
        QCOMPARE(r.code, 0);
        const auto models = QJsonDocument::fromJson(r.out.toUtf8()).object()["models"].toArray();
        bool found = false;
        for (const auto& m : models)
            if (m.toObject()["folder"].toString().endsWith("styles/bad")) {
                found = true;
                QVERIFY(!m.toObject()["valid"].toBool());
                QVERIFY(m.toObject()["error"].toString().contains("missing \"id\""));
            }
        QVERIFY(found);
    }

    void benchComparesWithThePythonPeer()
    {
        const Run r = run(kCli, {"bench", "--quick", "--json", "matmul"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const auto cases = doc["cases"].toArray();
        QCOMPARE(cases.size(), 1);
        const auto c = cases[0].toObject();
        QCOMPARE(c["name"].toString(), QStringLiteral("matmul-fp32"));
        QCOMPARE(c["unit"].toString(), QStringLiteral("GFLOP/s"));
        QVERIFY(c["value"].toDouble() > 1.0);
        QVERIFY2(c.contains("peer_value"), qPrintable(doc["peer"].toObject()["error"].toString()));
        QVERIFY(c["advantage_vs_peer"].toDouble() > 0);
        QVERIFY(!doc["peer"].toObject()["torch"].toString().isEmpty());
    }

    // Issue #16, defect 4: a missing model used to end the whole run (exit 1, nothing printed).
    // Now that case is skipped with its reason and the others run: "u" selects matmul-fp32,
    // upscale-slim-x4 and undo-stroke, with no upscaler installed anywhere.
    void benchSkipsACaseWhoseModelIsNotInstalled()
    {
        QTemporaryDir resources, data;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("GANVAS_RESOURCES", resources.path());
        env.insert("GANVAS_MODEL_PATH", resources.path());
        env.insert("XDG_DATA_HOME", data.path());
        const Run r = run(kCli, {"bench", "--quick", "--no-peer", "--json", "u"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto cases = QJsonDocument::fromJson(r.out.toUtf8()).object()["cases"].toArray();
        QCOMPARE(cases.size(), 3);
        QStringList ran;
        for (const auto& value : cases) {
            const auto c = value.toObject();
            QVERIFY2(!c.contains("error"), qPrintable(c["error"].toString()));
            if (c["name"].toString() == "upscale-slim-x4") {
                QVERIFY(c["skipped"].toString().contains("not installed"));
            } else {
                QVERIFY(!c.contains("skipped"));
                QVERIFY(c["value"].toDouble() > 0);
                ran << c["name"].toString();
            }
        }
        QCOMPARE(ran, (QStringList{"matmul-fp32", "undo-stroke"}));
        const Run text = run(kCli, {"bench", "--quick", "--no-peer", "upscale"}, env);
        QCOMPARE(text.code, 0);
        QVERIFY(text.out.contains("upscale-slim-x4    skipped: The upscaler esrgan-slim-x4 is not installed"));
    }

    void benchListAndTextTable()
    {
        const Run list = run(kCli, {"bench", "--list"});
        QCOMPARE(list.code, 0);
        QVERIFY(list.out.split('\n', Qt::SkipEmptyParts).size() >= 4);
        const Run text = run(kCli, {"bench", "--quick", "--no-peer", "stylenet-fp32"});
        QCOMPARE(text.code, 0);
        QVERIFY(text.out.contains("stylenet-fp32"));
        QVERIFY(text.out.contains("skipped (--no-peer)"));
    }

    void renderReplaysJournalsAndProjects()
    {
        using namespace ganvas::core;
        QTemporaryDir dir;
        Document doc(QSize(160, 90), QColor(240, 235, 220));
        QString error;
        auto journal = Journal::start(dir.filePath("j.jsonl"), doc, {}, &error);
        QVERIFY(journal);
        doc.setJournal(journal.get());
        BrushSettings brush;
        brush.size = 12;
        for (int k = 0; k < 3; ++k) {
            StrokeSession s(&doc, 0, brush, QColor(40 * k, 80, 200));
            s.begin({{10.0, 20.0 + 25 * k}, 1});
            for (int i = 1; i <= 10; ++i)
                s.moveTo({{10.0 + 14 * i, 20.0 + 25 * k + 3 * i}, 0.5 + i / 20.0});
            s.end("Brush stroke");
        }
        doc.addLayer("glaze");
        doc.setLayerOpacity(1, 0.5);
        doc.setJournal(nullptr);
        journal.reset();
        QVERIFY(saveOra(doc, dir.filePath("p.ora"), &error));

        for (const char* input : {"j.jsonl", "p.ora"}) {
            const QString out = dir.filePath(QStringLiteral("%1.png").arg(input));
            const Run r = run(kCli, {"render", dir.filePath(input), "--output", out});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            QVERIFY(r.out.contains("160 x 90"));
            const QImage rendered(out);
            QCOMPARE(rendered.convertToFormat(QImage::Format_ARGB32_Premultiplied), doc.composite());
            QCOMPARE(rendered.text("Software"), QStringLiteral("Ganvas"));
        }
        // A journal can also become a layered project.
        const Run ora = run(kCli, {"render", dir.filePath("j.jsonl"), "-o", dir.filePath("fromjournal.ora")});
        QCOMPARE(ora.code, 0);
        const auto project = loadOra(dir.filePath("fromjournal.ora"), &error);
        QVERIFY2(project, qPrintable(error));
        QCOMPARE(project->layerCount(), 2);
        QCOMPARE(project->composite(), doc.composite());
        // --records stops early: after the begin record and one stroke only the first line exists.
        const Run partial = run(kCli, {"render", dir.filePath("j.jsonl"), "--records", "2", "-o", dir.filePath("p2.png")});
        QCOMPARE(partial.code, 0);
        const QImage two(dir.filePath("p2.png"));
        QVERIFY(two.pixelColor(10, 20) != QColor(240, 235, 220));
        QCOMPARE(two.pixelColor(10, 45), QColor(240, 235, 220));

        const Run missing = run(kCli, {"render", dir.filePath("none.jsonl"), "-o", dir.filePath("x.png")});
        QCOMPARE(missing.code, 1);
        QVERIFY(missing.err.contains("Cannot replay none.jsonl"));
        QVERIFY(!QFileInfo::exists(dir.filePath("x.png")));
        const Run usage = run(kCli, {"render", dir.filePath("j.jsonl")});
        QCOMPARE(usage.code, 2);

        // The same journal as a timelapse video: one frame per record here, ending on the result.
        const Run video = run(kCli, {"timelapse", dir.filePath("j.jsonl"), "-o", dir.filePath("t.avi"), "--frames", "100",
                                     "--size", "160"});
        QVERIFY2(video.code == 0, qPrintable(video.err));
        cv::VideoCapture capture(dir.filePath("t.avi").toStdString());
        QVERIFY(capture.isOpened());
        QCOMPARE(int(capture.get(cv::CAP_PROP_FRAME_COUNT)), 6); // begin, 3 strokes, add layer, opacity
        QCOMPARE(int(capture.get(cv::CAP_PROP_FRAME_WIDTH)), 160);
        cv::Mat frame, last;
        while (capture.read(frame))
            last = frame.clone();
        const QImage expected = doc.composite().convertToFormat(QImage::Format_RGB888);
        double diff = 0;
        for (int y = 0; y < 90; ++y)
            for (int x = 0; x < 160; ++x) {
                const cv::Vec3b bgr = last.at<cv::Vec3b>(y, x);
                const QColor e = expected.pixelColor(x, y);
                diff += qAbs(bgr[2] - e.red()) + qAbs(bgr[1] - e.green()) + qAbs(bgr[0] - e.blue());
            }
        QVERIFY2(diff / (160 * 90 * 3) < 6, qPrintable(QString::number(diff / (160 * 90 * 3)))); // MJPEG is lossy
        QCOMPARE(run(kCli, {"timelapse", dir.filePath("none.jsonl"), "-o", dir.filePath("n.avi")}).code, 1);
    }

    void styleTrainApplyAndMeasure()
    {
        QTemporaryDir dir;
        // A striped style picture and a folder of "photos" (one broken file among them).
        QImage stripes(64, 64, QImage::Format_RGB888);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x)
                stripes.setPixelColor(x, y, ((x + y) / 4) % 2 ? QColor(230, 40, 30) : QColor(20, 40, 200));
        QVERIFY(stripes.save(dir.filePath("style.png")));
        QDir().mkpath(dir.filePath("photos"));
        QImage photo(120, 90, QImage::Format_RGB888);
        for (int y = 0; y < 90; ++y)
            for (int x = 0; x < 120; ++x)
                photo.setPixelColor(x, y, QColor(x * 2, y * 2, 128));
        QVERIFY(photo.save(dir.filePath("photos/a.png")));
        QVERIFY(photo.mirrored().save(dir.filePath("photos/b.jpg")));
        QFile broken(dir.filePath("photos/broken.png"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("not an image");
        broken.close();

        const QString model = dir.filePath("models/styles/stripes");
        Run r = run(kCli, {"style-train",
                           "--style",
                           dir.filePath("style.png"),
                           "--content",
                           dir.filePath("photos"),
                           "--output",
                           model,
                           "--name",
                           "Stripes",
                           "--category",
                           "Test",
                           "--steps",
                           "4",
                           "--size",
                           "32",
                           "--batch",
                           "2",
                           "--channels",
                           "4",
                           "8",
                           "8",
                           "--blocks",
                           "1",
                           "--checkpoint-every",
                           "2",
                           "--cells",
                           R"({"shape":"panes","across":8,"lines":0.1})"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains("content: 2 images, 1 skipped"));
        {
            // The cells step is part of the style it wrote (ADR 0016).
            QFile config(model + "/config.json");
            QVERIFY(config.open(QIODevice::ReadOnly));
            const auto cells =
                QJsonDocument::fromJson(config.readAll()).object()["architecture"].toObject()["cells"].toObject();
            QCOMPARE(cells["shape"].toString(), QStringLiteral("panes"));
            QCOMPARE(cells["across"].toDouble(), 8.0);
            QCOMPARE(cells["lines"].toDouble(), 0.1);
        }
        QVERIFY(r.out.contains("trained 'Stripes': 4 steps"));
        for (const char* file : {"config.json", "weights.safetensors", "style.png", "thumbnail.png"})
            QVERIFY2(QFileInfo::exists(model + "/" + file), file);
        QVERIFY(!QFileInfo::exists(model + "/checkpoint.safetensors"));

        // Several presets in one run: each written as an ordinary preset named by its folder's config.
        const QString several = dir.filePath("several");
        const QString grey = dir.filePath("grey-style");
        QVERIFY(QDir().mkpath(grey));
        QImage greyPicture(48, 48, QImage::Format_RGB888);
        greyPicture.fill(QColor(90, 90, 90));
        QVERIFY(greyPicture.save(grey + "/style.png"));
        QFile greyConfig(grey + "/config.json");
        QVERIFY(greyConfig.open(QIODevice::WriteOnly));
        greyConfig.write(R"({"format": 1, "id": "grey", "name": "Grey", "kind": "style", "license": "GPL-3.0-or-later",
                            "architecture": {"type": "gatys"}, "style_image": "style.png"})");
        greyConfig.close();
        r = run(kCli, {"style-train", "--preset", model, "--preset", grey,
                       "--content", dir.filePath("photos"), "--output", several, "--steps", "4", "--size", "32",
                       "--batch", "2", "--channels", "4", "8", "8", "--blocks", "1", "--style-detail", "2"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("trained 'Train 2 styles': 4 steps"));
        for (const char* id : {"stripes", "grey"})
            for (const char* file : {"config.json", "weights.safetensors", "style.png", "thumbnail.png"})
                QVERIFY2(QFileInfo::exists(several + "/" + id + "/" + file), file);
        QFile trainedGrey(several + "/grey/config.json");
        QVERIFY(trainedGrey.open(QIODevice::ReadOnly));
        const QByteArray greyText = trainedGrey.readAll();
        QVERIFY(greyText.contains("\"name\": \"Grey\""));
        QVERIFY(greyText.contains("\"steps_of_this_style\": 2"));
        QVERIFY(greyText.contains("\"johnson\""));
        QVERIFY(!QFileInfo::exists(several + "/checkpoint.safetensors"));
        r = run(kCli, {"style-train", "--style", dir.filePath("style.png"), "--preset", model, "--content",
                       dir.filePath("photos"), "--output", dir.filePath("both")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("not both"));
        QVERIFY(!QFileInfo::exists(dir.filePath("both")));

        // The gallery lists it; applying it writes an image of the input's size.
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("GANVAS_MODEL_PATH", dir.filePath("models"));
        r = run(kCli, {"styles", "--search", "stripes"}, env);
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("Stripes"));
        QVERIFY(r.out.contains("johnson"));
        r = run(kCli, {"style", "--style", "stripes", "--input", dir.filePath("photos/a.png"), "--output",
                       dir.filePath("out.png"), "--strength", "0.5", "--colour", "luminance", "--metrics"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(QImage(dir.filePath("out.png")).size(), QSize(120, 90));
        QVERIFY(r.out.contains("content SSIM"));
        // Fast, then refine: the network's result is the first preview (pass -1), the optimisation's
        // passes follow, and the refined result differs from the network's alone.
        r = run(kCli, {"style", "--style", "stripes", "--input", dir.filePath("photos/a.png"), "--output",
                       dir.filePath("fast.png")}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = run(kCli, {"style", "--style", "stripes", "--input", dir.filePath("photos/a.png"), "--output",
                       dir.filePath("refined.png"), "--method", "refine", "--pass-iterations", "3", "--optimiser", "adam",
                       "--previews", dir.filePath("previews-refine")}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList refinePreviews = QDir(dir.filePath("previews-refine")).entryList({"*.png"}, QDir::Files, QDir::Name);
        QVERIFY(refinePreviews.size() >= 2);
        QCOMPARE(refinePreviews.first(), QStringLiteral("preview-0000-pass-1.png"));
        QCOMPARE(QImage(dir.filePath("previews-refine/preview-0000-pass-1.png")).size(), QSize(120, 90));
        QVERIFY(QImage(dir.filePath("refined.png")) != QImage(dir.filePath("fast.png")));
        r = run(kCli, {"style", "--style", dir.filePath("style.png"), "--input", dir.filePath("photos/a.png"), "--output",
                       dir.filePath("x.png"), "--method", "refine"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("only a fast style"));
        QVERIFY(!QFileInfo::exists(dir.filePath("x.png")));
        // The style-quality evaluation against cached optimisation, as JSON, with a contact sheet.
        const QStringList evalArgs{"style-eval", "--presets", model, "--images", dir.filePath("photos"), "--side", "64",
                                   "--iterations", "5", "--cache", dir.filePath("eval-cache"), "--sheet",
                                   dir.filePath("sheet.png"), "--json"};
        r = run(kCli, evalArgs);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const auto evalJson = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(evalJson["rows"].toArray().size(), 2);
        QCOMPARE(evalJson["skipped"].toArray().size(), 1);
        QVERIFY(evalJson["styles"].toArray()[0].toObject().contains("texture_share"));
        QVERIFY(!QImage(dir.filePath("sheet.png")).isNull());
        QCOMPARE(QDir(dir.filePath("eval-cache")).entryList(QDir::Files).size(), 2);
        r = run(kCli, {"style-eval", "--presets", model, "--images", dir.filePath("photos"), "--side", "64", "--iterations",
                       "5", "--cache", dir.filePath("eval-cache")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("share of what optimisation reaches"));
        QDir().mkpath(dir.filePath("no-photos"));
        r = run(kCli, {"style-eval", "--presets", model, "--images", dir.filePath("no-photos")});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("no pictures"));
        // A picture as the style: optimisation, with previews written.
        r = run(kCli, {"style", "--style", dir.filePath("style.png"), "--input", dir.filePath("photos/a.png"), "--output",
                       dir.filePath("gatys.png"), "--iterations", "4", "--optimiser", "adam", "--previews",
                       dir.filePath("previews")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(!QDir(dir.filePath("previews")).entryList({"*.png"}).isEmpty());
        // Passes that start from the style's marks (the default) show them from the first preview,
        // at the picture's size; --plain runs classic passes, whose first preview is the small pass.
        QVERIFY(photo.scaled(300, 225).save(dir.filePath("big.png")));
        for (const char* mode : {"marks", "plain"}) {
            QStringList args{"style", "--style", dir.filePath("style.png"), "--input", dir.filePath("big.png"),
                             "--output", dir.filePath(QStringLiteral("%1.png").arg(mode)), "--pass-iterations", "2",
                             "--optimiser", "adam", "--previews", dir.filePath(QStringLiteral("previews-%1").arg(mode))};
            if (QLatin1String(mode) == QLatin1String("plain"))
                args << "--plain";
            r = run(kCli, args);
            QVERIFY2(r.code == 0, qPrintable(r.err));
        }
        const QImage firstMarks(dir.filePath("previews-marks/preview-0000-pass0.png"));
        const QImage firstPlain(dir.filePath("previews-plain/preview-0000-pass0.png"));
        QCOMPARE(firstMarks.size(), QSize(300, 225));
        QCOMPARE(firstPlain.size(), QSize(128, 96));
        QVERIFY(QImage(dir.filePath("marks.png")) != QImage(dir.filePath("plain.png")));
        // Bad input: clear messages, exit codes, no output written.
        r = run(kCli, {"style", "--style", "no-such-style", "--input", dir.filePath("photos/a.png"), "--output",
                       dir.filePath("x.png")}, env);
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("no style 'no-such-style'"));
        r = run(kCli, {"style", "--style", model, "--input", dir.filePath("photos/broken.png"), "--output",
                       dir.filePath("x.png")});
        QCOMPARE(r.code, 1);
        QVERIFY(!QFileInfo::exists(dir.filePath("x.png")));
        r = run(kCli, {"style", "--style", model, "--input", dir.filePath("photos/a.png"), "--output", dir.filePath("x.png"),
                       "--strength", "3"});
        QCOMPARE(r.code, 2);
        // A truncated weights file is an error message, not a crash.
        QFile weights(model + "/weights.safetensors");
        QVERIFY(weights.open(QIODevice::ReadWrite));
        QVERIFY(weights.resize(weights.size() / 2));
        weights.close();
        r = run(kCli, {"style", "--style", model, "--input", dir.filePath("photos/a.png"), "--output", dir.filePath("x.png")});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("safetensors"));
        QVERIFY(!QFileInfo::exists(dir.filePath("x.png")));
        QDir().mkpath(dir.filePath("empty"));
        r = run(kCli, {"style-train", "--style", dir.filePath("style.png"), "--content", dir.filePath("empty"),
                       "--output", dir.filePath("m2"), "--steps", "2"});
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("no usable images"));
        // A bad cells step is refused before anything is read or written.
        r = run(kCli, {"style-train", "--style", dir.filePath("style.png"), "--content", dir.filePath("photos"),
                       "--output", dir.filePath("m3"), "--steps", "2", "--cells", R"({"shape":"hexagons"})"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--cells: architecture.cells.shape"));
        QVERIFY(!QFileInfo::exists(dir.filePath("m3")));
        r = run(kCli, {"style-train", "--style", dir.filePath("style.png"), "--content", dir.filePath("photos"),
                       "--output", dir.filePath("m3"), "--steps", "2", "--cells", "{not json"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--cells"));
        QVERIFY(!QFileInfo::exists(dir.filePath("m3")));
    }

    void styleTrainResumesAfterInterrupt()
    {
        QTemporaryDir dir;
        QImage img(48, 48, QImage::Format_RGB888);
        img.fill(QColor(200, 100, 50));
        QVERIFY(img.save(dir.filePath("style.png")));
        QDir().mkpath(dir.filePath("photos"));
        for (int i = 0; i < 2; ++i) {
            QImage p(64, 64, QImage::Format_RGB888);
            p.fill(QColor(i * 100, 50, 200));
            QVERIFY(p.save(dir.filePath(QStringLiteral("photos/%1.png").arg(i))));
        }
        const QStringList args{"style-train", "--style", dir.filePath("style.png"), "--content", dir.filePath("photos"),
                               "--output", dir.filePath("m"), "--steps", "100000", "--size", "32", "--batch", "1",
                               "--channels", "4", "4", "4", "--blocks", "0", "--checkpoint-every", "5"};
        QProcess p;
        p.start(kCli, args);
        QVERIFY(p.waitForStarted());
        // Interrupt (Ctrl+C) once it is well under way: it writes a checkpoint and says how to resume.
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(dir.filePath("m/checkpoint.safetensors")), 60000);
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY(err.contains("--resume"));
        const auto match = QRegularExpression("checkpoint kept at step (\\d+)").match(err);
        QVERIFY2(match.hasMatch(), qPrintable(err));
        const int stoppedAt = match.captured(1).toInt();
        QVERIFY(stoppedAt >= 5);
        QVERIFY(!QFileInfo::exists(dir.filePath("m/weights.safetensors")));
        QStringList resume = args;
        resume[resume.indexOf("100000")] = QString::number(stoppedAt + 3);
        resume << "--resume";
        const Run r = run(kCli, resume);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("resumed at step %1").arg(stoppedAt)));
        QVERIFY(r.out.contains(QStringLiteral("trained 'style': %1 steps").arg(stoppedAt + 3)));
        QVERIFY(QFileInfo::exists(dir.filePath("m/weights.safetensors")));
    }

    void studioWithoutDisplaySaysSo()
    {
        auto env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.remove("QT_QPA_PLATFORM");
        const Run r = run(kStudio, {}, env, 30000);
        QCOMPARE(r.code, 1);
        QVERIFY(r.err.contains("no display"));
        QVERIFY(r.err.contains("ganvas-cli info"));
    }

    void datasetEmojiAndPrepare()
    {
        if (!QFileInfo::exists("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"))
            QSKIP("fonts-noto-color-emoji is not installed");
        QTemporaryDir dir;
        // The CLI paints offscreen whatever platform the session names, and without a display.
        auto env = QProcessEnvironment::systemEnvironment();
        env.remove("DISPLAY");
        env.remove("WAYLAND_DISPLAY");
        env.insert("QT_QPA_PLATFORM", "xcb");
        const Run emoji = run(kCli, {"dataset", "emoji", "--output", dir.filePath("emoji"), "--limit", "5", "--size", "32"}, env);
        QVERIFY2(emoji.code == 0, qPrintable(emoji.err));
        QVERIFY2(emoji.out.contains("wrote 5 emoji images (32 px) to " + dir.filePath("emoji")), qPrintable(emoji.out));
        const QStringList pngs = QDir(dir.filePath("emoji")).entryList({"*.png"}, QDir::Files);
        QCOMPARE(pngs.size(), 5);
        for (const QString& name : pngs)
            QCOMPARE(QImage(dir.filePath("emoji/" + name)).size(), QSize(32, 32));

        const Run prepare = run(kCli, {"dataset", "prepare", "--data", dir.filePath("emoji"), "--resolution", "16",
                                       "--preview", dir.filePath("grid.png")});
        QVERIFY2(prepare.code == 0, qPrintable(prepare.err));
        QVERIFY2(prepare.out.contains("5 images from 5 files (0 unreadable, 0 duplicates, 0 too small)"), qPrintable(prepare.out));
        QCOMPARE(QImage(dir.filePath("grid.png")).size(), QSize(5 * 16 + 6 * 2, 16 + 2 * 2));
        const Run cached = run(kCli, {"dataset", "prepare", "--data", dir.filePath("emoji"), "--resolution", "16"});
        QCOMPARE(cached.code, 0);
        QVERIFY(cached.out.contains("from the cache"));

        QDir().mkpath(dir.filePath("one"));
        QVERIFY(QFile::copy(dir.filePath("emoji/" + pngs.front()), dir.filePath("one/" + pngs.front())));
        const Run one = run(kCli, {"dataset", "prepare", "--data", dir.filePath("one")});
        QCOMPARE(one.code, 1);
        QVERIFY2(one.err.contains("at least 2 different images"), qPrintable(one.err));

        for (const QStringList& args : {QStringList{"dataset", "emoji", "--output", dir.filePath("bad"), "--size", "7"},
                                        QStringList{"dataset", "prepare", "--data", dir.filePath("missing")},
                                        QStringList{"dataset", "prepare", "--data", dir.filePath("emoji"), "--resolution", "7"},
                                        QStringList{"dataset"}}) {
            const Run r = run(kCli, args);
            QVERIFY2(r.code == 2, qPrintable(args.join(' ') + " -> " + QString::number(r.code)));
            QVERIFY(!r.err.trimmed().isEmpty());
        }
        QVERIFY(!QFileInfo::exists(dir.filePath("bad")));
    }
    /// Issue #5 end to end: train a tiny generator on generated pictures, list it, sample a grid
    /// with a direction, measure it, project a picture into it; and every bad input the issue
    /// names gets a clear message and leaves nothing behind.
    void ganTrainSampleEvaluateProject()
    {
        QTemporaryDir dir;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CACHE_HOME", dir.filePath("cache"));
        env.insert("GANVAS_MODEL_PATH", dir.filePath("models"));
        // 12 pictures of two kinds and wildly different sizes (and one unreadable file).
        QDir().mkpath(dir.filePath("data/nested"));
        for (int i = 0; i < 12; ++i) {
            QImage im(i % 3 == 0 ? QSize(300, 40) : QSize(48 + i * 7, 48 + i * 3), QImage::Format_RGB32);
            im.fill(Qt::white);
            QPainter p(&im);
            p.setBrush(i % 2 ? QColor(220, 40, 30) : QColor(30, 60, 220));
            p.setPen(Qt::NoPen);
            p.drawEllipse(QPoint(im.width() / 2 + i, im.height() / 2), im.height() / 3, im.height() / 3);
            p.end();
            QVERIFY(im.save(dir.filePath(QStringLiteral("data/%1%2.png").arg(i % 2 ? "nested/" : "").arg(i))));
        }
        QFile junk(dir.filePath("data/notes.png"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not an image");
        junk.close();

        const QString out = dir.filePath("models/generators/tiny");
        const QStringList tiny{"--resolution", "32", "--channels", "8", "--latent", "16", "--batch", "4"};
        const Run train = run(kCli, QStringList{"gan-train", "--data", dir.filePath("data"), "--output", out, "--name", "Tiny",
                                                "--steps", "6", "--eval-every", "3", "--preview-every", "3",
                                                "--previews", dir.filePath("previews")} + tiny, env);
        QVERIFY2(train.code == 0, qPrintable(train.err));
        QVERIFY2(train.err.contains("12 images from 13 files (1 unreadable"), qPrintable(train.err));
        QVERIFY2(train.out.contains("trained 'Tiny': 6 steps"), qPrintable(train.out));
        for (const char* f : {"config.json", "weights.safetensors", "directions.safetensors"})
            QVERIFY(QFileInfo::exists(out + "/" + f));
        QVERIFY(!QFileInfo::exists(out + "/checkpoint.safetensors"));
        QVERIFY(QDir(dir.filePath("previews")).entryList({"*.png"}).size() >= 2);

        const Run list = run(kCli, {"generators"}, env);
        QVERIFY2(list.out.contains("tiny") && list.out.contains("32 px, latent 16") && list.out.contains("SWD"), qPrintable(list.out));

        const Run grid = run(kCli, {"sample", "--generator", "tiny", "--seed", "3", "--count", "4", "--direction", "0=2",
                                    "--output", dir.filePath("grid.png")}, env);
        QVERIFY2(grid.code == 0, qPrintable(grid.err));
        QCOMPARE(QImage(dir.filePath("grid.png")).size(), QSize(2 * 34 + 2, 2 * 34 + 2));
        // The same seed gives the same picture; a direction changes it.
        run(kCli, {"sample", "--generator", out, "--seed", "3", "--output", dir.filePath("a.png")}, env);
        run(kCli, {"sample", "--generator", out, "--seed", "3", "--output", dir.filePath("b.png")}, env);
        run(kCli, {"sample", "--generator", out, "--seed", "3", "--direction", "0=3", "--output", dir.filePath("c.png")}, env);
        QCOMPARE(QImage(dir.filePath("a.png")), QImage(dir.filePath("b.png")));
        QVERIFY(QImage(dir.filePath("a.png")) != QImage(dir.filePath("c.png")));

        const Run eval = run(kCli, {"gan-eval", "--generator", "tiny", "--data", dir.filePath("data"), "--samples", "64", "--json"}, env);
        QVERIFY2(eval.code == 0, qPrintable(eval.err));
        const auto j = QJsonDocument::fromJson(eval.out.toUtf8()).object();
        QCOMPARE(j["samples"].toInt(), 64);
        QCOMPARE(j["real_images"].toInt(), 12);
        QVERIFY(j["swd_x1e3_mean"].toDouble() > 0);
        QVERIFY(j["feature_space"].toString().contains("not comparable"));
        QVERIFY(j.contains("nearest_train_rms_median"));

        const Run project = run(kCli, {"gan-project", "--generator", "tiny", "--input", dir.filePath("data/0.png"), "--steps",
                                       "20", "--output", dir.filePath("p.png")}, env);
        QVERIFY2(project.code == 0, qPrintable(project.err));
        QVERIFY(project.out.contains("RMS pixel error"));
        QCOMPARE(QImage(dir.filePath("p.png")).size(), QSize(32, 32));

        // Bad input: clear messages, exit codes, nothing half-written.
        QDir().mkpath(dir.filePath("empty"));
        QDir().mkpath(dir.filePath("text"));
        QDir().mkpath(dir.filePath("one"));
        QFile t(dir.filePath("text/a.txt"));
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("hello");
        t.close();
        QVERIFY(QFile::copy(dir.filePath("data/0.png"), dir.filePath("one/0.png")));
        struct Case {
            QStringList args;
            int code;
            QString message;
        };
        const QList<Case> cases{
            {{"--data", dir.filePath("empty")}, 1, "no files"},
            {{"--data", dir.filePath("text")}, 1, "no images"},
            {{"--data", dir.filePath("one")}, 1, "at least 2"},
            {{"--data", dir.filePath("missing")}, 2, "does not exist"},
            {{"--data", dir.filePath("data"), "--resolution", "7"}, 2, "resolution 7 is not supported"},
        };
        for (const auto& c : cases) {
            const QString target = dir.filePath("models/generators/bad");
            QStringList args = QStringList{"gan-train", "--output", target, "--steps", "2"} + c.args;
            if (!args.contains("--resolution"))
                args += {"--resolution", "32", "--channels", "8"};
            const Run r = run(kCli, args, env);
            QVERIFY2(r.code == c.code, qPrintable(args.join(' ') + " -> " + QString::number(r.code) + " " + r.err));
            QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
            QVERIFY2(!QFileInfo::exists(target + "/config.json") && !QFileInfo::exists(target + "/weights.safetensors"),
                     qPrintable(args.join(' ')));
        }
        // A generator whose weights do not match its config.
        QDir().mkpath(dir.filePath("models/generators/broken"));
        QVERIFY(QFile::copy(out + "/weights.safetensors", dir.filePath("models/generators/broken/weights.safetensors")));
        QFile config(out + "/config.json");
        QVERIFY(config.open(QIODevice::ReadOnly));
        auto cj = QJsonDocument::fromJson(config.readAll()).object();
        auto arch = cj["architecture"].toObject();
        arch["g_channels"] = 12;
        cj["architecture"] = arch;
        cj["id"] = "broken";
        QFile brokenConfig(dir.filePath("models/generators/broken/config.json"));
        QVERIFY(brokenConfig.open(QIODevice::WriteOnly));
        brokenConfig.write(QJsonDocument(cj).toJson());
        brokenConfig.close();
        const Run broken = run(kCli, {"sample", "--generator", "broken", "--output", dir.filePath("x.png")}, env);
        QCOMPARE(broken.code, 1);
        QVERIFY2(broken.err.contains("has shape"), qPrintable(broken.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("x.png")));
        const Run badDirection = run(kCli, {"sample", "--generator", "tiny", "--direction", "99=1", "--output", dir.filePath("x.png")}, env);
        QCOMPARE(badDirection.code, 2);
        QVERIFY(badDirection.err.contains("does not exist"));
    }
    /// Training killed with SIGKILL (a crash, a power cut) resumes from its last checkpoint.
    void ganTrainResumesAfterKill9()
    {
        QTemporaryDir dir;
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("XDG_CACHE_HOME", dir.filePath("cache"));
        QDir().mkpath(dir.filePath("data"));
        for (int i = 0; i < 6; ++i) {
            QImage im(40, 40, QImage::Format_RGB32);
            im.fill(QColor(40 * i, 255 - 40 * i, 120));
            QVERIFY(im.save(dir.filePath(QStringLiteral("data/%1.png").arg(i))));
        }
        const QString out = dir.filePath("gen");
        const QStringList args{"gan-train", "--data", dir.filePath("data"), "--output", out, "--resolution", "32",
                               "--channels", "8", "--latent", "16", "--batch", "4", "--steps", "100000",
                               "--checkpoint-every", "5", "--eval-every", "0", "--preview-every", "0"};
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(kCli, args);
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(out + "/checkpoint.safetensors"), 120000);
        QTest::qWait(300);
        p.kill(); // SIGKILL: no chance to write anything more
        QVERIFY(p.waitForFinished(10000));
        QVERIFY(!QFileInfo::exists(out + "/weights.safetensors"));
        // The checkpoint's step, from its safetensors header (8-byte length, JSON, __metadata__).
        QFile ck(out + "/checkpoint.safetensors");
        QVERIFY(ck.open(QIODevice::ReadOnly));
        const QByteArray head = ck.read(8);
        quint64 length = 0;
        std::memcpy(&length, head.constData(), 8);
        const auto header = QJsonDocument::fromJson(ck.read(static_cast<qint64>(length))).object();
        const int step = header["__metadata__"].toObject()["step"].toString().toInt();
        QVERIFY(step >= 5 && step % 5 == 0);
        const QString until = QString::number(step + 4);
        const Run resumed = run(kCli, QStringList(args).replaceInStrings("100000", until) + QStringList{"--resume"}, env);
        QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains(QStringLiteral("resumed at step %1").arg(step)), qPrintable(resumed.err));
        QVERIFY2(resumed.out.contains(QStringLiteral("%1 steps").arg(step + 4)), qPrintable(resumed.out));
        QVERIFY(QFileInfo::exists(out + "/weights.safetensors"));
        QVERIFY(!QFileInfo::exists(out + "/checkpoint.safetensors"));
    }
    void soakShortRunReportsCountsAndMemory()
    {
        const Run r = run(kCli, {"soak", "--style-runs", "20", "--samples", "300", "--undo-cycles", "20", "--size", "64",
                                 "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
        const auto doc = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(doc["errors"].toInt(-1), 0);
        QVERIFY(doc["passed"].toBool());
        QVERIFY(doc["verdict"].toString().startsWith("soak PASSED"));
        QVERIFY(r.err.contains("soak PASSED")); // the one-line verdict
        const auto counts = doc["counts"].toObject();
        QCOMPARE(counts["style_runs"].toInt(), 20);
        QCOMPARE(counts["samples"].toInt(), 300);
        QCOMPARE(counts["undo_cycles"].toInt(), 20);
        QVERIFY(doc["growth_definition"].toString().contains("VmHWM"));
        const auto phases = doc["phases"].toObject();
        for (const char* name : {"styles", "sliders", "undo"}) {
            const auto p = phases[name].toObject();
            QVERIFY2(!p.isEmpty(), name);
            QCOMPARE(p["errors"].toInt(-1), 0);
            QCOMPARE(p["done"].toInt(), p["planned"].toInt());
            for (const char* key : {"start_rss_mib", "start_peak_mib", "end_rss_mib", "end_peak_mib"})
                QVERIFY2(p[key].toDouble() > 10, qPrintable(QStringLiteral("%1.%2").arg(name, key)));
            QVERIFY(p.contains("growth_percent"));
            QVERIFY(p["seconds"].toDouble() >= 0);
        }
        QCOMPARE(phases["styles"].toObject()["progress_reports"].toInt() > 0, true);
        QVERIFY(phases["sliders"].toObject()["renders"].toInt() >= 300);
        const auto overall = doc["overall"].toObject();
        QVERIFY(overall["start_peak_mib"].toDouble() > 10);
        QVERIFY(overall["end_peak_mib"].toDouble() > 10);
        QVERIFY(overall["growth_percent"].toDouble() < 5);

        // Bad counts are usage errors that name the flag.
        const Run bad = run(kCli, {"soak", "--samples", "-1"});
        QCOMPARE(bad.code, 2);
        QVERIFY2(bad.err.contains("--samples"), qPrintable(bad.err));
        QVERIFY(bad.out.trimmed().isEmpty());
        const Run none = run(kCli, {"soak", "--style-runs", "0", "--samples", "0", "--undo-cycles", "0"});
        QCOMPARE(none.code, 2);
        QVERIFY2(none.err.contains("nothing to do"), qPrintable(none.err));
        QCOMPARE(run(kCli, {"soak", "--size", "100000"}).code, 2);
    }

    void upscaleRefusesWhatDoesNotFitInMemory()
    {
        // Memory pre-flight (docs/RELIABILITY.md): with 50 MiB "free", enlarging 2048² 4× (a
        // 8192² result) is refused before anything is loaded, with exit 1 and a hint.
        if (!run(kCli, {"upscalers"}).out.contains("esrgan-slim-x4"))
            QSKIP("esrgan-slim-x4 is not installed (scripts/fetch-models.sh)");
        QTemporaryDir dir;
        QImage big(2048, 2048, QImage::Format_RGB32);
        big.fill(Qt::darkCyan);
        QVERIFY(big.save(dir.filePath("big.png")));
        auto env = QProcessEnvironment::systemEnvironment();
        env.insert("GANVAS_MEMORY_LIMIT_MB", "50");
        const Run r = run(kCli, {"upscale", "--input", dir.filePath("big.png"), "--output", dir.filePath("out.png")}, env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("needs about") && r.err.contains("is free on cpu") && r.err.contains("--scale"),
                 qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("out.png")));
    }
};

GANVAS_QTEST_GUILESS_MAIN(CliTest)
#include "CliTest.moc"
