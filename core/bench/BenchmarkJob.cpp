// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/bench/BenchmarkJob.h"

#include "core/bench/CoreBenchCases.h"
#include "core/engine/bench/Bench.h"
#include "core/engine/jobs/Job.h"
#include "core/settings/ComputeSettings.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>

#include <algorithm>

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

QString findPython()
{
    // Debian's python3-torch belongs to /usr/bin/python3; a python3 earlier on PATH may lack it.
    QString python = QStringLiteral("/usr/bin/python3");
    if (!QFileInfo(python).isExecutable())
        python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    return python;
}

/// bench_peer.py --serve, driven from the job's worker thread with QProcess's blocking calls (no
/// event loop there). One case name per line in, one JSON line out.
class BenchPeer {
public:
    bool start(const BenchRequest& request, BenchPeerInfo& info)
    {
        const QString script = benchPeerScript();
        if (script.isEmpty()) {
            info.error = QCoreApplication::translate("BenchmarkJob", "bench_peer.py not found");
            return false;
        }
        const QString python = findPython();
        if (python.isEmpty()) {
            info.error = QCoreApplication::translate("BenchmarkJob", "python3 not found");
            return false;
        }
        QStringList args{script, QStringLiteral("--serve"), QStringLiteral("--threads"), QString::number(request.threads),
                         QStringLiteral("--device"),
                         request.device.startsWith(QLatin1String("cuda")) ? QStringLiteral("cuda") : QStringLiteral("cpu")};
        if (request.quick)
            args << QStringLiteral("--quick");
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(python, args);
        if (!m_process.waitForStarted(30'000)) {
            info.error = QCoreApplication::translate("BenchmarkJob", "Python peer did not start: %1").arg(m_process.errorString());
            return false;
        }
        const QJsonObject hello = readLine(120'000, &info.error);
        if (hello.isEmpty())
            return false;
        info.torch = hello.value(QStringLiteral("torch")).toString();
        info.threads = hello.value(QStringLiteral("threads")).toInt();
        m_running = true;
        return true;
    }

    ~BenchPeer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.closeWriteChannel();
            if (!m_process.waitForFinished(5000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }

    bool running() const { return m_running; }

    /// Runs @p name in the peer; its value, or 0 and @p error. A peer that dies stays dead.
    /// Polls @p ctx while it waits: a Cancel lands within 200 ms (the peer is then killed by the
    /// destructor), however long the peer's case is.
    double run(const QString& name, int timeoutMs, const engine::JobContext& ctx, QString* error)
    {
        m_ctx = &ctx;
        m_process.write(name.toUtf8() + '\n');
        m_process.waitForBytesWritten(10'000);
        const QJsonObject answer = readLine(timeoutMs, error);
        if (answer.isEmpty()) {
            m_running = false;
            return 0;
        }
        if (answer.contains(QStringLiteral("error"))) {
            *error = answer.value(QStringLiteral("error")).toString();
            return 0;
        }
        return answer.value(QStringLiteral("value")).toDouble();
    }

private:
    QJsonObject readLine(int timeoutMs, QString* error)
    {
        QElapsedTimer timer;
        timer.start();
        while (!m_process.canReadLine()) {
            if (m_process.state() == QProcess::NotRunning || timer.elapsed() > timeoutMs) {
                const QString err = QString::fromLocal8Bit(m_process.readAllStandardError()).trimmed();
                *error = QCoreApplication::translate("BenchmarkJob", "Python peer failed: %1")
                             .arg(err.isEmpty() ? (timer.elapsed() > timeoutMs
                                                       ? QCoreApplication::translate("BenchmarkJob", "timed out")
                                                       : m_process.errorString())
                                                : err.section(QLatin1Char('\n'), -1));
                return {};
            }
            if (m_ctx != nullptr)
                m_ctx->throwIfCancelled();
            m_process.waitForReadyRead(200);
        }
        QJsonParseError parseError;
        const auto doc = QJsonDocument::fromJson(m_process.readLine(), &parseError);
        if (!doc.isObject()) {
            *error = QCoreApplication::translate("BenchmarkJob", "Python peer printed no JSON: %1").arg(parseError.errorString());
            return {};
        }
        return doc.object();
    }

    QProcess m_process;
    bool m_running = false;
    const engine::JobContext* m_ctx = nullptr;
};

class BenchmarkJob final : public engine::Job {
public:
    BenchmarkJob(BenchRequest request, std::shared_ptr<QVector<BenchFigure>> results, std::shared_ptr<BenchPeerInfo> peerInfo)
        : m_request(std::move(request)), m_results(std::move(results)), m_peerInfo(std::move(peerInfo))
    {
        if (m_request.device.isEmpty())
            m_request.device = currentCompute().device;
        if (m_request.threads <= 0)
            m_request.threads = torch::get_num_threads();
        m_request.rounds = std::clamp(m_request.rounds, 1, 50);
        if (!m_peerInfo)
            m_peerInfo = std::make_shared<BenchPeerInfo>();
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
        std::unique_ptr<BenchPeer> peer;
        if (m_request.peer) {
            peer = std::make_unique<BenchPeer>();
            if (!peer->start(m_request, *m_peerInfo))
                peer.reset();
        }
        QVector<BenchFigure> figures(static_cast<int>(cases.size()));
        const int64_t total = static_cast<int64_t>(cases.size()) * m_request.rounds;
        int64_t done = 0;
        for (int round = 0; round < m_request.rounds; ++round) {
            for (size_t i = 0; i < cases.size(); ++i) {
                const auto* c = cases[i];
                auto& f = figures[static_cast<int>(i)];
                ctx.throwIfCancelled(); // cases are seconds long; cancellation lands between them
                if (!f.error.isEmpty() || !f.skipped.isEmpty()) { // failed or skipped in an earlier round
                    ctx.progress(++done, total);
                    continue;
                }
                const std::string label = m_request.rounds > 1 ? c->name + " (round " + std::to_string(round + 1) + "/" +
                                                                     std::to_string(m_request.rounds) + ")"
                                                               : c->name;
                ctx.progress(done, total, label);
                f.name = QString::fromStdString(c->name);
                f.description = QString::fromStdString(c->description);
                try {
                    const auto r = c->run(options);
                    f.unit = QString::fromStdString(r.unit);
                    f.higherIsBetter = r.higherIsBetter;
                    f.details.clear();
                    for (const auto& [k, v] : r.details)
                        f.details.insert(QString::fromStdString(k), v);
                    f.note = QString::fromStdString(r.note);
                    f.values.push_back(r.value);
                    ctx.log(engine::LogLevel::Info, r.name + ": " + std::to_string(r.value) + " " + r.unit);
                } catch (const engine::BenchSkipped& e) {
                    f.skipped = QString::fromStdString(e.what()).section(QLatin1Char('\n'), 0, 0);
                    ctx.log(engine::LogLevel::Info, c->name + " skipped: " + f.skipped.toStdString());
                } catch (const std::exception& e) {
                    f.error = QString::fromStdString(e.what()).section(QLatin1Char('\n'), 0, 0);
                    ctx.log(engine::LogLevel::Warning, c->name + " failed: " + f.error.toStdString());
                }
                // The peer's turn on the same case, straight after ours: both see the same minute.
                if (peer && peer->running() && f.error.isEmpty() && f.skipped.isEmpty() && f.peerError.isEmpty()) {
                    QString error;
                    const int timeoutMs = c->name.rfind("upscale", 0) == 0 ? 60 * 60 * 1000 : 15 * 60 * 1000;
                    const double pv = peer->run(f.name, timeoutMs, ctx, &error);
                    if (pv > 0)
                        f.peerValues.push_back(pv);
                    else
                        f.peerError = error.isEmpty() ? QCoreApplication::translate("BenchmarkJob", "no figure") : error;
                }
                ctx.progress(++done, total); // no message: keeps the status
            }
        }
        if (m_request.peer && !peer && m_peerInfo->error.isEmpty())
            m_peerInfo->error = QCoreApplication::translate("BenchmarkJob", "Python peer failed");
        for (auto& f : figures) {
            f.value = benchMedian(f.values);
            f.peerValue = benchMedian(f.peerValues);
            QVector<double> ratios;
            for (int k = 0; k < std::min(f.values.size(), f.peerValues.size()); ++k)
                ratios.push_back(benchAdvantage(f.higherIsBetter, f.values[k], f.peerValues[k]));
            if (!ratios.isEmpty()) {
                f.ratio = benchMedian(ratios);
                f.ratioMin = *std::min_element(ratios.cbegin(), ratios.cend());
                f.ratioMax = *std::max_element(ratios.cbegin(), ratios.cend());
            }
            if (m_request.peer && !peer && f.peerError.isEmpty())
                f.peerError = m_peerInfo->error;
            m_results->push_back(f);
        }
    }

private:
    BenchRequest m_request;
    std::shared_ptr<QVector<BenchFigure>> m_results;
    std::shared_ptr<BenchPeerInfo> m_peerInfo;
};

} // namespace

QStringList benchCaseNames(const QString& filter)
{
    QStringList names;
    for (const auto* c : registry().select(filter.toStdString()))
        names << QString::fromStdString(c->name);
    return names;
}

std::shared_ptr<engine::Job> makeBenchmarkJob(const BenchRequest& request, std::shared_ptr<QVector<BenchFigure>> results,
                                              std::shared_ptr<BenchPeerInfo> peerInfo)
{
    return std::make_shared<BenchmarkJob>(request, std::move(results), std::move(peerInfo));
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

double benchAdvantage(bool higherIsBetter, double ours, double peerValue)
{
    if (ours <= 0 || peerValue <= 0)
        return 0;
    return higherIsBetter ? ours / peerValue : peerValue / ours;
}

double benchMedian(QVector<double> values)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

} // namespace ganvas::core
