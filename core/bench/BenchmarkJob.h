// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file BenchmarkJob.h
/// The engine's benchmark cases as a Job (so the studio runs them in the background with progress
/// and Cancel) plus the Python peer that `ganvas-cli bench` compares against. No Torch here.

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {

struct BenchFigure {
    QString name;
    QString description;
    double value = 0;
    QString unit;
    bool higherIsBetter = true;
    QMap<QString, double> details;
    QString note;
};

struct BenchRequest {
    QString filter;         ///< substring of case names; empty = all
    bool quick = false;
    QString device;         ///< resolved device ("cpu", "cuda:0"); empty = the current one
    int threads = 0;        ///< 0 = current intra-op threads
};

/// Names of all cases matching @p filter, in run order.
QStringList benchCaseNames(const QString& filter = {});

/// A job that runs the matching cases; @p results is filled on the worker before the job ends
/// (read it only after JobRunner::finished, or after engine::runJob returned).
std::shared_ptr<engine::Job> makeBenchmarkJob(const BenchRequest& request,
                                              std::shared_ptr<QVector<BenchFigure>> results);

/// Where tests/reference/bench_peer.py is: $GANVAS_SOURCE_DIR/tests/reference, the source tree
/// this binary was built from, or the installed share/ganvas/reference. Empty when not found.
QString benchPeerScript();

/// Runs the Python peer (Debian's python3-torch) for @p cases and returns its JSON
/// ({"torch":…, "threads":…, "cases": {name: {"value":…}}}); on failure returns an empty object
/// and sets @p error (no python3, no torch module, script missing, crashed, timed out).
QJsonObject runBenchPeer(const QStringList& cases, const BenchRequest& request, QString* error);

/// ours/peer expressed so that > 1 always means Ganvas is better (higher throughput or less time).
double benchAdvantage(const BenchFigure& ours, double peerValue);

} // namespace ganvas::core
