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

/// One case's figures. With a peer, ours and the peer's were measured alternately, round by
/// round (ours, peer, ours, peer…), so both sides saw the same minutes of a noisy machine.
struct BenchFigure {
    QString name;
    QString description;
    double value = 0;               ///< median of ours over the rounds
    QString unit;
    bool higherIsBetter = true;
    QMap<QString, double> details;  ///< from the last round
    QString note;
    QString error;                  ///< non-empty when our case failed (the other cases still ran)
    QString skipped;                ///< non-empty when the case could not run here (e.g. a model not installed)
    QVector<double> values;         ///< ours, one per round
    QVector<double> peerValues;     ///< the peer's, one per round (empty without a peer)
    QString peerError;              ///< why the peer has no figure for this case
    double peerValue = 0;           ///< median of peerValues
    /// benchAdvantage of each round's pair, summarised: median, lowest and highest (0 when none).
    double ratio = 0, ratioMin = 0, ratioMax = 0;
    bool hasPeer() const { return !peerValues.isEmpty(); }
};

struct BenchRequest {
    QString filter;         ///< substring of case names; empty = all
    bool quick = false;
    QString device;         ///< resolved device ("cpu", "cuda:0"); empty = the current one
    int threads = 0;        ///< 0 = current intra-op threads
    bool peer = false;      ///< also run the Python peer, interleaved with ours case by case
    int rounds = 1;         ///< rounds of (ours, peer) per case, 1-50
};

/// What the peer said about itself ({"torch":…, "threads":…}), or why it did not run.
struct BenchPeerInfo {
    QString torch;
    int threads = 0;
    QString error;
};

/// Names of all cases matching @p filter, in run order.
QStringList benchCaseNames(const QString& filter = {});

/// A job that runs the matching cases; @p results is filled on the worker before the job ends
/// (read it only after JobRunner::finished, or after engine::runJob returned). With
/// BenchRequest::peer it starts the Python peer (bench_peer.py --serve) in the job and fills
/// @p peerInfo (may be null) the same way. A case that throws is reported in its figure's error;
/// the remaining cases still run.
std::shared_ptr<engine::Job> makeBenchmarkJob(const BenchRequest& request,
                                              std::shared_ptr<QVector<BenchFigure>> results,
                                              std::shared_ptr<BenchPeerInfo> peerInfo = {});

/// Where tests/reference/bench_peer.py is: $GANVAS_SOURCE_DIR/tests/reference, the source tree
/// this binary was built from, or the installed share/ganvas/reference. Empty when not found.
QString benchPeerScript();

/// ours/peer expressed so that > 1 always means Ganvas is better (higher throughput or less time).
double benchAdvantage(bool higherIsBetter, double ours, double peerValue);

/// Median of @p values (0 when empty).
double benchMedian(QVector<double> values);

} // namespace ganvas::core
