// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bench/BenchmarkJob.h"

#include "core/bench/CoreBenchCases.h"
#include "core/engine/bench/Bench.h"
#include "core/engine/jobs/Job.h"
#include "core/settings/ComputeSettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>

#ifndef GANVAS_SOURCE_ROOT_DIR
#define GANVAS_SOURCE_ROOT_DIR ""
#endif

namespace ganvas::core {

namespace {

engine::BenchRegistry& registry()
{
    static engine::BenchRegistry r = [] {
        engine::BenchRegistry reg;
        engine::registerEngineBenchCases(reg);
        registerCoreBenchCases(reg);
        return reg;
    }();
    return r;
}

class BenchmarkJob final : public engine::Job {
public:
    BenchmarkJob(BenchRequest request, std::shared_ptr<QVector<BenchFigure>> results)
        : m_request(std::move(request)), m_results(std::move(results))
    {
        if (m_request.device.isEmpty())
            m_request.device = currentCompute().device;
        if (m_request.threads <= 0)
            m_request.threads = torch::get_num_threads();
    }

    std::string title() const override
    {
        return QCoreApplication::translate("BenchmarkJob", "Benchmark (%1)")
            .arg(m_request.filter.isEmpty() ? QCoreApplication::translate("BenchmarkJob", "all cases") : m_request.filter)
            .toStdString();
    }

    torch::Device device() const override { return torch::Device(m_request.device.toStdString()); }

    void run(engine::JobContext& ctx) override
    {
        const auto cases = registry().select(m_request.filter.toStdString());
        engine::BenchOptions options;
        options.device = device();
        options.threads = m_request.threads;
        options.quick = m_request.quick;
        int64_t done = 0;
        for (const auto* c : cases) {
            ctx.throwIfCancelled(); // cases are seconds long; cancellation lands between them
            ctx.progress(done, static_cast<int64_t>(cases.size()), c->name);
            const auto r = c->run(options);
            BenchFigure f;
            f.name = QString::fromStdString(r.name);
            f.description = QString::fromStdString(r.description);
            f.value = r.value;
            f.unit = QString::fromStdString(r.unit);
            f.higherIsBetter = r.higherIsBetter;
            for (const auto& [k, v] : r.details)
                f.details.insert(QString::fromStdString(k), v);
            f.note = QString::fromStdString(r.note);
            m_results->push_back(f);
            ctx.log(engine::LogLevel::Info, r.name + ": " + std::to_string(r.value) + " " + r.unit);
            ctx.progress(++done, static_cast<int64_t>(cases.size())); // no message: keeps the status
        }
    }

private:
    BenchRequest m_request;
    std::shared_ptr<QVector<BenchFigure>> m_results;
};

} // namespace

QStringList benchCaseNames(const QString& filter)
{
    QStringList names;
    for (const auto* c : registry().select(filter.toStdString()))
        names << QString::fromStdString(c->name);
    return names;
}

std::shared_ptr<engine::Job> makeBenchmarkJob(const BenchRequest& request, std::shared_ptr<QVector<BenchFigure>> results)
{
    return std::make_shared<BenchmarkJob>(request, std::move(results));
}

QString benchPeerScript()
{
    const QString name = QStringLiteral("/bench_peer.py");
    QStringList candidates;
    const QString env = qEnvironmentVariable("GANVAS_SOURCE_DIR");
    if (!env.isEmpty())
        candidates << env + QStringLiteral("/tests/reference") + name;
    candidates << QStringLiteral(GANVAS_SOURCE_ROOT_DIR "/tests/reference") + name;
    if (QCoreApplication::instance())
        candidates << QCoreApplication::applicationDirPath() + QStringLiteral("/../share/ganvas/reference") + name;
    for (const QString& c : candidates)
        if (QFileInfo::exists(c))
            return QFileInfo(c).absoluteFilePath();
    return {};
}

QJsonObject runBenchPeer(const QStringList& cases, const BenchRequest& request, QString* error)
{
    const QString script = benchPeerScript();
    if (script.isEmpty()) {
        *error = QCoreApplication::translate("BenchmarkJob", "bench_peer.py not found");
        return {};
    }
    // Debian's python3-torch belongs to /usr/bin/python3; a python3 earlier on PATH may lack it.
    QString python = QStringLiteral("/usr/bin/python3");
    if (!QFileInfo(python).isExecutable())
        python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty()) {
        *error = QCoreApplication::translate("BenchmarkJob", "python3 not found");
        return {};
    }
    QStringList args{script, QStringLiteral("--threads"), QString::number(request.threads),
                     QStringLiteral("--device"), request.device.startsWith(QLatin1String("cuda")) ? QStringLiteral("cuda")
                                                                                                   : QStringLiteral("cpu")};
    if (request.quick)
        args << QStringLiteral("--quick");
    args << cases;
    QProcess process;
    process.start(python, args);
    if (!process.waitForFinished(30 * 60 * 1000) || process.exitStatus() != QProcess::NormalExit ||
        process.exitCode() != 0) {
        const QString err = QString::fromLocal8Bit(process.readAllStandardError()).trimmed();
        *error = QCoreApplication::translate("BenchmarkJob", "Python peer failed: %1")
                     .arg(err.isEmpty() ? process.errorString() : err.section(QLatin1Char('\n'), -1));
        return {};
    }
    QJsonParseError parseError;
    const auto doc = QJsonDocument::fromJson(process.readAllStandardOutput(), &parseError);
    if (!doc.isObject()) {
        *error = QCoreApplication::translate("BenchmarkJob", "Python peer printed no JSON: %1").arg(parseError.errorString());
        return {};
    }
    return doc.object();
}

double benchAdvantage(const BenchFigure& ours, double peerValue)
{
    if (ours.value <= 0 || peerValue <= 0)
        return 0;
    return ours.higherIsBetter ? ours.value / peerValue : peerValue / ours.value;
}

} // namespace ganvas::core
