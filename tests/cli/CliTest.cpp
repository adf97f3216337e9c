// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end through the real binaries: exit codes, --help, info, bench with its Python peer.
#include <QtTest>

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
