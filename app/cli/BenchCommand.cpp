// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli bench [--json] [--quick] [--no-peer] [FILTER]: runs the benchmark cases, then the
// same cases in PyTorch's Python API (tests/reference/bench_peer.py) in the same run, and prints
// each figure with its ratio to the peer.
#include "app/cli/Command.h"
#include "core/bench/BenchmarkJob.h"
#include "core/engine/jobs/Job.h"
#include "core/settings/ComputeSettings.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>
#include <iostream>

namespace ganvas::cli {

namespace {

class StderrProgress final : public engine::JobObserver {
public:
    explicit StderrProgress(bool enabled) : m_enabled(enabled) {}
    void onProgress(int64_t done, int64_t total, const std::string& message) override
    {
        if (m_enabled && done < total && !message.empty()) // the start of a case
            std::fprintf(stderr, "[%lld/%lld] %s…\n", static_cast<long long>(done + 1), static_cast<long long>(total),
                         message.c_str());
    }

private:
    bool m_enabled;
};

class BenchCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("bench", "Measure the engine and compare with PyTorch (Python) in the same run");
        sub->add_flag("--json", m_json, "print JSON instead of a table");
        sub->add_flag("--quick", m_quick, "small inputs, few repetitions (smoke runs)");
        sub->add_flag("--no-peer", m_noPeer, "skip the PyTorch (Python) peer");
        sub->add_flag("--list", m_list, "list the cases and exit");
        sub->add_option("filter", m_filter, "run only cases whose name contains this");
        return sub;
    }

    int run() override
    {
        const QString filter = QString::fromStdString(m_filter);
        const QStringList names = core::benchCaseNames(filter);
        if (m_list) {
            for (const auto& n : names)
                std::cout << n.toStdString() << "\n";
            return kExitOk;
        }
        if (names.isEmpty()) {
            std::cerr << "ganvas-cli bench: no case matches '" << m_filter << "' (see --list)\n";
            return kExitUsage;
        }
        const auto compute = core::currentCompute();
        core::BenchRequest request;
        request.filter = filter;
        request.quick = m_quick;
        request.device = compute.device;
        request.threads = compute.threads;

        auto results = std::make_shared<QVector<core::BenchFigure>>();
        auto job = core::makeBenchmarkJob(request, results);
        engine::CancelToken token;
        StderrProgress progress(!m_json);
        engine::JobContext ctx(token, &progress);
        const auto outcome = engine::runJob(*job, ctx);
        if (outcome.outcome != engine::JobOutcome::Finished) {
            std::cerr << "ganvas-cli bench: " << outcome.error << "\n";
            return kExitFailure;
        }

        QJsonObject peer;
        QString peerError;
        if (!m_noPeer) {
            if (!m_json)
                std::fprintf(stderr, "running the PyTorch (Python) peer…\n");
            peer = core::runBenchPeer(names, request, &peerError);
        }
        const QJsonObject peerCases = peer.value(QStringLiteral("cases")).toObject();

        if (m_json) {
            QJsonArray cases;
            for (const auto& f : *results) {
                QJsonObject c{{QStringLiteral("name"), f.name},       {QStringLiteral("description"), f.description},
                              {QStringLiteral("value"), f.value},     {QStringLiteral("unit"), f.unit},
                              {QStringLiteral("higher_is_better"), f.higherIsBetter}, {QStringLiteral("note"), f.note}};
                QJsonObject details;
                for (auto it = f.details.cbegin(); it != f.details.cend(); ++it)
                    details[it.key()] = it.value();
                c[QStringLiteral("details")] = details;
                if (peerCases.contains(f.name)) {
                    const double pv = peerCases[f.name].toObject()[QStringLiteral("value")].toDouble();
                    c[QStringLiteral("peer_value")] = pv;
                    c[QStringLiteral("advantage_vs_peer")] = core::benchAdvantage(f, pv);
                }
                cases.append(c);
            }
            QJsonObject out{{QStringLiteral("device"), compute.device},
                            {QStringLiteral("threads"), compute.threads},
                            {QStringLiteral("quick"), m_quick},
                            {QStringLiteral("cases"), cases}};
            QJsonObject peerInfo{{QStringLiteral("name"), QStringLiteral("PyTorch (Python API)")}};
            if (!peer.isEmpty()) {
                peerInfo[QStringLiteral("torch")] = peer.value(QStringLiteral("torch"));
                peerInfo[QStringLiteral("threads")] = peer.value(QStringLiteral("threads"));
            } else {
                peerInfo[QStringLiteral("error")] = m_noPeer ? QStringLiteral("skipped (--no-peer)") : peerError;
            }
            out[QStringLiteral("peer")] = peerInfo;
            std::cout << QJsonDocument(out).toJson(QJsonDocument::Indented).toStdString();
            return kExitOk;
        }

        std::printf("Ganvas bench — device %s, %d threads%s\n", compute.device.toUtf8().constData(), compute.threads,
                    m_quick ? ", quick" : "");
        if (!peer.isEmpty())
            std::printf("peer: PyTorch %s (Python API), %d threads, same run\n",
                        peer.value(QStringLiteral("torch")).toString().toUtf8().constData(),
                        peer.value(QStringLiteral("threads")).toInt());
        else
            std::printf("peer: %s\n", m_noPeer ? "skipped (--no-peer)" : peerError.toUtf8().constData());
        std::printf("%-18s %12s %-8s %12s %s\n", "case", "ganvas", "unit", "pytorch", "ganvas vs pytorch");
        for (const auto& f : *results) {
            QString peerText = QStringLiteral("-"), ratio = QStringLiteral("-");
            if (peerCases.contains(f.name)) {
                const double pv = peerCases[f.name].toObject()[QStringLiteral("value")].toDouble();
                peerText = QString::number(pv, 'f', 2);
                ratio = QStringLiteral("%1x %2").arg(core::benchAdvantage(f, pv), 0, 'f', 2)
                            .arg(f.higherIsBetter ? QStringLiteral("(higher is better)") : QStringLiteral("(faster)"));
            }
            std::printf("%-18s %12.2f %-8s %12s %s\n", f.name.toUtf8().constData(), f.value, f.unit.toUtf8().constData(),
                        peerText.toUtf8().constData(), ratio.toUtf8().constData());
            for (auto it = f.details.cbegin(); it != f.details.cend(); ++it)
                std::printf("    %s = %.2f\n", it.key().toUtf8().constData(), it.value());
            if (!f.note.isEmpty())
                std::printf("    note: %s\n", f.note.toUtf8().constData());
        }
        return kExitOk;
    }

private:
    bool m_json = false, m_quick = false, m_noPeer = false, m_list = false;
    std::string m_filter;
};

} // namespace

std::unique_ptr<Command> makeBenchCommand()
{
    return std::make_unique<BenchCommand>();
}

} // namespace ganvas::cli
