// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file JobRunner.h
/// Runs engine Jobs on worker threads (one queue per device — Job::queue() — so a GPU is never oversubscribed
/// and the CPU's intra-op threads are not fought over; Background jobs, training, wait in a lane of
/// their own beside it and give way between steps while Normal work is queued or running on their
/// device, see engine::JobPriority) and turns their reports into Qt signals
/// emitted on the runner's own thread (the UI thread), so any connection, direct ones included,
/// runs there. Previews and progress are throttled; the last of each is always
/// delivered. Workers never touch the document: whoever submitted a job applies its result in a
/// slot connected to finished(), on the GUI thread, as one undo command (DESIGN.md §3).

#include <QHash>
#include <QImage>
#include <QMutex>
#include <QObject>
#include <QString>

#include <memory>

class QThreadPool;

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {

using JobId = quint64;

enum class JobState { Queued, Running, Finished, Failed, Cancelled };

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    /// Cancels every job and waits for the workers to stop.
    ~JobRunner() override;

    /// Queues @p job on its device's queue (a Background job: on that queue's background lane).
    /// Returns its id (never 0). GUI thread.
    JobId submit(std::shared_ptr<engine::Job> job);
    /// Requests cancellation; a queued job never starts, a running one stops at its next poll.
    /// Unknown or finished ids are ignored. Any thread.
    void cancel(JobId id);
    void cancelAll();

    /// Jobs queued or running.
    int activeCount() const;
    /// Minimum interval between two delivered previews (and progress reports) of one job, ms.
    void setThrottleInterval(int msecs) { m_throttleMs = msecs; }
    int throttleInterval() const { return m_throttleMs; }
    /// Blocks until no job is queued or running (tests, shutdown). Returns false on timeout.
    bool waitForIdle(int msecs);

Q_SIGNALS:
    /// @p transient: engine::Job::transient() (lists show such a job only while it runs long).
    void queued(ganvas::core::JobId id, const QString& title, const QString& device, bool transient);
    void started(ganvas::core::JobId id);
    /// @p total == 0 means unknown.
    void progress(ganvas::core::JobId id, qint64 done, qint64 total, const QString& message);
    /// RGB888 or RGBA8888 image of the job's current state; @p pass counts coarse-to-fine passes.
    void preview(ganvas::core::JobId id, const QImage& image, int pass);
    void logMessage(ganvas::core::JobId id, int level, const QString& message);
    /// Exactly one of finished / failed / cancelled is emitted per job, after all its other signals.
    void finished(ganvas::core::JobId id);
    void failed(ganvas::core::JobId id, const QString& message);
    void cancelled(ganvas::core::JobId id);
    /// The last active job ended.
    void idle();

private:
    struct Entry;
    class DeviceGate;
    void runEntry(const std::shared_ptr<Entry>& entry);
    QThreadPool* poolFor(const QString& lane);

    mutable QMutex m_mutex;
    QHash<JobId, std::shared_ptr<Entry>> m_active;
    QHash<QString, QThreadPool*> m_pools;                  ///< by lane: Job::queue(), "#background" appended
    QHash<QString, std::shared_ptr<DeviceGate>> m_gates;   ///< by Job::device()
    JobId m_nextId = 1;
    int m_throttleMs = 100;
};

} // namespace ganvas::core
