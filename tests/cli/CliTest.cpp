// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end through the real binaries: exit codes, --help, info, bench with its Python peer.
#include "core/brush/StrokeSession.h"
#include "core/document/Document.h"
#include "core/io/OraFile.h"
#include "core/journal/Journal.h"

#include <QtTest>

#include <opencv2/videoio.hpp>

#include <csignal>

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
        Run r = run(kCli, {"style-train", "--style", dir.filePath("style.png"), "--content", dir.filePath("photos"),
                           "--output", model, "--name", "Stripes", "--category", "Test", "--steps", "4", "--size", "32",
                           "--batch", "2", "--channels", "4", "8", "8", "--blocks", "1", "--checkpoint-every", "2"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.err.contains("content: 2 images, 1 skipped"));
        QVERIFY(r.out.contains("trained 'Stripes': 4 steps"));
        for (const char* file : {"config.json", "weights.safetensors", "style.png", "thumbnail.png"})
            QVERIFY2(QFileInfo::exists(model + "/" + file), file);
        QVERIFY(!QFileInfo::exists(model + "/checkpoint.safetensors"));

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
        // A picture as the style: optimisation, with previews written.
        r = run(kCli, {"style", "--style", dir.filePath("style.png"), "--input", dir.filePath("photos/a.png"), "--output",
                       dir.filePath("gatys.png"), "--iterations", "4", "--optimiser", "adam", "--previews",
                       dir.filePath("previews")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(!QDir(dir.filePath("previews")).entryList({"*.png"}).isEmpty());
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
};

QTEST_GUILESS_MAIN(CliTest)
#include "CliTest.moc"
