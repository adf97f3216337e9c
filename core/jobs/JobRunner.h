// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file JobRunner.h
/// Runs engine Jobs on worker threads (one queue per device — Job::queue() — so a GPU is never oversubscribed
/// and the CPU's intra-op threads are not fought over). Each priority (engine::JobPriority) waits
/// in a lane of its own per queue, one job at a time: a preview never queues behind an Apply or a
/// training, and lower-ranked jobs give way between their steps (JobContext::yieldToForeground())
/// while higher-ranked work is queued or running on their device. Reports become Qt signals
/// emitted on the runner's own thread (the UI thread), so any connection, direct ones included,
/// runs there: on the JobHandle that submit gives back (the submitter's own), and on the runner
/// for every job (job lists). Previews and progress are throttled; the last of each is always
/// delivered. Workers never touch the document: whoever submitted a job applies its result in a
/// slot connected to finished(), on the GUI thread, as one undo command (DESIGN.md §3).

#include <QHash>
#include <QImage>
#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

class QThreadPool;

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {

using JobId = quint64;

enum class JobState { Queued, Running, Finished, Failed, Cancelled };

class JobRunner;

/// One submitted job, as its submitter sees it: its own signals (no filtering by id), its state
/// and cancel(). Owned by the runner, which deletes it (deleteLater) once ended() was emitted:
/// keep a QPointer to hold on to one, and connect with a context object. GUI thread.
class JobHandle : public QObject {
    Q_OBJECT
public:
    JobId id() const { return m_id; }
    QString title() const { return m_title; }
    JobState state() const { return m_state; }
    /// Set when the job failed: one line.
    QString error() const { return m_error; }
    /// Requests cancellation (as JobRunner::cancel).
    void cancel();

Q_SIGNALS:
    void started();
    /// @p total == 0 means unknown.
    void progress(qint64 done, qint64 total, const QString& message);
    void preview(const QImage& image, int pass);
    void logMessage(int level, const QString& message);
    /// Exactly one of finished / failed / cancelled, after all the job's other signals; then
    /// ended() with the same outcome, and the handle is deleted later.
    void finished();
    void failed(const QString& message);
    void cancelled();
    void ended(ganvas::core::JobState state);

private:
    friend class JobRunner;
    JobHandle(JobRunner* runner, JobId id, QString title);
    JobRunner* m_runner;
    JobId m_id;
    QString m_title;
    JobState m_state = JobState::Queued;
    QString m_error;
};

/// How submit() treats a job beyond its own priority.
struct SubmitOptions {
    /// Latest wins: a job submitted with the key of a job that is still waiting in its queue
    /// replaces that one, which is cancelled without starting (a slider drag renders only the
    /// newest position). Empty: no coalescing.
    QString coalesceKey;
    /// With a coalesceKey: a running job with that key is cancelled as well (its result would be
    /// stale), not only a waiting one.
    bool replaceRunning = false;
};

class JobRunner : public QObject {
    Q_OBJECT
public:
    explicit JobRunner(QObject* parent = nullptr);
    /// Cancels every job and waits for the workers to stop.
    ~JobRunner() override;

    /// Queues @p job on its queue, in the lane of its priority. Returns its handle (never null),
    /// whose id is never 0. GUI thread.
    JobHandle* submit(std::shared_ptr<engine::Job> job, const SubmitOptions& options = {});
    /// Requests cancellation; a queued job never starts, a running one stops at its next poll.
    /// Unknown or finished ids are ignored. Any thread.
    void cancel(JobId id);
    void cancelAll();
    /// Cancels job @p id only if it has not started: returns true when it was still waiting (it
    /// will never start), false when it runs, ended or is unknown. Any thread.
    bool cancelIfWaiting(JobId id);

    /// The handle of job @p id until its end has been delivered, else null. Runner's thread.
    JobHandle* handle(JobId id) const;

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
    class RankGate;
    friend class JobHandle;
    void runEntry(const std::shared_ptr<Entry>& entry);
    QThreadPool* poolFor(const QString& lane);

    mutable QMutex m_mutex;
    QHash<JobId, std::shared_ptr<Entry>> m_active;
    QHash<QString, QThreadPool*> m_pools; ///< by lane: Job::queue(), "#background" or "#interactive" appended
    QHash<QString, std::shared_ptr<DeviceGate>> m_gates;   ///< by Job::device()
    QHash<JobId, QPointer<JobHandle>> m_handles;           ///< until each job's end is delivered; runner's thread only
    JobId m_nextId = 1;
    int m_throttleMs = 100;
};

} // namespace ganvas::core
