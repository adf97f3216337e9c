// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli bench [--json] [--quick] [--no-peer] [--rounds N] [FILTER]: runs the benchmark cases
// and the same cases in PyTorch's Python API (tests/reference/bench_peer.py), alternately, case by
// case and round by round (ours, peer, ours, peer…), and prints each figure with the median of the
// per-round ratios and their spread (issue #18: a noisy minute then lands on both sides).
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
        sub->add_option("--rounds", m_rounds, "rounds of (ours, peer) per case (default 3, 1 with --quick)")
            ->check(CLI::Range(1, 50));
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
        request.peer = !m_noPeer;
        request.rounds = m_rounds > 0 ? m_rounds : (m_quick ? 1 : 3);

        auto results = std::make_shared<QVector<core::BenchFigure>>();
        auto peer = std::make_shared<core::BenchPeerInfo>();
        auto job = core::makeBenchmarkJob(request, results, peer);
        engine::CancelToken token;
        StderrProgress progress(!m_json);
        engine::JobContext ctx(token, &progress);
        const auto outcome = engine::runJob(*job, ctx);
        if (outcome.outcome != engine::JobOutcome::Finished) {
            std::cerr << "ganvas-cli bench: " << outcome.error << "\n";
            return kExitFailure;
        }
        bool anyFailed = false;
        for (const auto& f : *results)
            anyFailed = anyFailed || !f.error.isEmpty();
        const QString peerText = m_noPeer ? QStringLiteral("skipped (--no-peer)") : peer->error;

        if (m_json) {
            QJsonArray cases;
            for (const auto& f : *results) {
                QJsonObject c{{QStringLiteral("name"), f.name},       {QStringLiteral("description"), f.description},
                              {QStringLiteral("value"), f.value},     {QStringLiteral("unit"), f.unit},
                              {QStringLiteral("higher_is_better"), f.higherIsBetter}, {QStringLiteral("note"), f.note}};
                if (!f.error.isEmpty())
                    c[QStringLiteral("error")] = f.error;
                if (!f.skipped.isEmpty())
                    c[QStringLiteral("skipped")] = f.skipped;
                QJsonObject details;
                for (auto it = f.details.cbegin(); it != f.details.cend(); ++it)
                    details[it.key()] = it.value();
                c[QStringLiteral("details")] = details;
                QJsonArray values, peerValues;
                for (double v : f.values)
                    values.append(v);
                for (double v : f.peerValues)
                    peerValues.append(v);
                c[QStringLiteral("values")] = values;
                if (f.hasPeer()) {
                    c[QStringLiteral("peer_value")] = f.peerValue;
                    c[QStringLiteral("peer_values")] = peerValues;
                    c[QStringLiteral("advantage_vs_peer")] = f.ratio;
                    c[QStringLiteral("advantage_min")] = f.ratioMin;
                    c[QStringLiteral("advantage_max")] = f.ratioMax;
                } else if (!f.peerError.isEmpty()) {
                    c[QStringLiteral("peer_error")] = f.peerError;
                }
                cases.append(c);
            }
            QJsonObject out{{QStringLiteral("device"), compute.device},
                            {QStringLiteral("threads"), compute.threads},
                            {QStringLiteral("precision"), compute.precision},
                            {QStringLiteral("quick"), m_quick},
                            {QStringLiteral("rounds"), request.rounds},
                            {QStringLiteral("interleaved"), true},
                            {QStringLiteral("cases"), cases}};
            QJsonObject peerInfo{{QStringLiteral("name"), QStringLiteral("PyTorch (Python API)")}};
            if (!peer->torch.isEmpty()) {
                peerInfo[QStringLiteral("torch")] = peer->torch;
                peerInfo[QStringLiteral("threads")] = peer->threads;
            } else {
                peerInfo[QStringLiteral("error")] = peerText;
            }
            out[QStringLiteral("peer")] = peerInfo;
            std::cout << QJsonDocument(out).toJson(QJsonDocument::Indented).toStdString();
            return anyFailed ? kExitFailure : kExitOk;
        }

        std::printf("Ganvas bench — device %s, %d threads%s, %d round(s), ours and the peer alternating case by case\n",
                    compute.device.toUtf8().constData(), compute.threads, m_quick ? ", quick" : "", request.rounds);
        if (!peer->torch.isEmpty())
            std::printf("peer: PyTorch %s (Python API), %d threads, same run\n", peer->torch.toUtf8().constData(),
                        peer->threads);
        else
            std::printf("peer: %s\n", peerText.toUtf8().constData());
        std::printf("%-18s %12s %-8s %12s %s\n", "case", "ganvas", "unit", "pytorch",
                    "ganvas vs pytorch: median (lowest-highest) of the rounds");
        for (const auto& f : *results) {
            if (!f.error.isEmpty()) {
                std::printf("%-18s failed: %s\n", f.name.toUtf8().constData(), f.error.toUtf8().constData());
                continue;
            }
            if (!f.skipped.isEmpty()) {
                std::printf("%-18s skipped: %s\n", f.name.toUtf8().constData(), f.skipped.toUtf8().constData());
                continue;
            }
            QString peerValue = QStringLiteral("-"), ratio = QStringLiteral("-");
            if (f.hasPeer()) {
                peerValue = QString::number(f.peerValue, 'f', 2);
                ratio = QStringLiteral("%1x (%2-%3) %4")
                            .arg(f.ratio, 0, 'f', 2)
                            .arg(f.ratioMin, 0, 'f', 2)
                            .arg(f.ratioMax, 0, 'f', 2)
                            .arg(f.higherIsBetter ? QStringLiteral("(higher is better)") : QStringLiteral("(faster)"));
            } else if (!f.peerError.isEmpty() && !m_noPeer) {
                ratio = QStringLiteral("- (peer: %1)").arg(f.peerError);
            }
            std::printf("%-18s %12.2f %-8s %12s %s\n", f.name.toUtf8().constData(), f.value, f.unit.toUtf8().constData(),
                        peerValue.toUtf8().constData(), ratio.toUtf8().constData());
            for (auto it = f.details.cbegin(); it != f.details.cend(); ++it)
                std::printf("    %s = %.2f\n", it.key().toUtf8().constData(), it.value());
            if (!f.note.isEmpty())
                std::printf("    note: %s\n", f.note.toUtf8().constData());
        }
        return anyFailed ? kExitFailure : kExitOk;
    }

private:
    bool m_json = false, m_quick = false, m_noPeer = false, m_list = false;
    int m_rounds = 0;
    std::string m_filter;
};

} // namespace

std::unique_ptr<Command> makeBenchCommand()
{
    return std::make_unique<BenchCommand>();
}

} // namespace ganvas::cli
