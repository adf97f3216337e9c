// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/jobs/JobRunner.h"

#include "core/engine/jobs/Job.h"
#include "core/image/ImageBridge.h"

#include <QElapsedTimer>
#include <QMutexLocker>
#include <QPointer>
#include <QRunnable>
#include <QThreadPool>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>

// ThreadSanitizer cannot see the hand-offs inside Debian's uninstrumented Qt (QThreadPool's
// queue and the event queue use futexes), so the two we rely on are declared to it: a job
// handed to a worker, and a report handed back to the runner's thread. No-ops otherwise.
#if defined(__SANITIZE_THREAD__)
#define GANVAS_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GANVAS_TSAN 1
#endif
#endif
#ifdef GANVAS_TSAN
#include <sanitizer/tsan_interface.h>
#define GANVAS_HAPPENS_BEFORE(addr) __tsan_release(static_cast<void*>(addr))
#define GANVAS_HAPPENS_AFTER(addr) __tsan_acquire(static_cast<void*>(addr))
#else
#define GANVAS_HAPPENS_BEFORE(addr) ((void)(addr))
#define GANVAS_HAPPENS_AFTER(addr) ((void)(addr))
#endif

namespace ganvas::core {

/// Counts the jobs of each priority queued or running on one device; a job waits at its next step
/// (JobContext::yieldToForeground()) while any higher-ranked one is counted.
class JobRunner::DeviceGate final {
public:
    void enter(engine::JobPriority rank)
    {
        std::lock_guard lock(m_mutex);
        ++m_count[index(rank)];
    }
    void leave(engine::JobPriority rank)
    {
        {
            std::lock_guard lock(m_mutex);
            --m_count[index(rank)];
        }
        m_changed.notify_all();
    }
    double waitWhileOutranked(engine::JobPriority rank, const engine::CancelToken& token)
    {
        std::unique_lock lock(m_mutex);
        if (!outranked(rank))
            return 0.0;
        const auto t0 = std::chrono::steady_clock::now();
        // The token has no wake-up of its own: look at it every 20 ms.
        while (outranked(rank) && !token.isCancelled())
            m_changed.wait_for(lock, std::chrono::milliseconds(20));
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

private:
    static int index(engine::JobPriority rank) { return static_cast<int>(rank); }
    bool outranked(engine::JobPriority rank) const // with m_mutex held
    {
        for (int i = index(rank) + 1; i < kRanks; ++i)
            if (m_count[i] > 0)
                return true;
        return false;
    }
    static constexpr int kRanks = static_cast<int>(engine::JobPriority::Interactive) + 1;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_count[kRanks] = {};
};

/// The YieldGate of one job: its device's gate seen from its own priority.
class JobRunner::RankGate final : public engine::YieldGate {
public:
    RankGate(std::shared_ptr<DeviceGate> gate, engine::JobPriority rank) : m_gate(std::move(gate)), m_rank(rank) {}
    double waitWhileOutranked(const engine::CancelToken& token) override
    {
        return m_gate->waitWhileOutranked(m_rank, token);
    }

private:
    std::shared_ptr<DeviceGate> m_gate;
    engine::JobPriority m_rank;
};

struct JobRunner::Entry {
    JobId id = 0;
    std::shared_ptr<engine::Job> job;
    engine::CancelToken token;
    std::shared_ptr<DeviceGate> gate;
    engine::JobPriority rank = engine::JobPriority::Normal;
    QString coalesceKey;
    std::atomic<bool> running{false};
};

namespace {

/// Emits a runner signal on the runner's own (GUI) thread, in posting order. Emitting on the
/// worker would make every direct connection (a QSignalSpy, a lambda without a context object)
/// run on the worker while the GUI thread reads the same data: ThreadSanitizer found exactly
/// that (issue #7). Events posted to one object from one thread arrive in order, so progress,
/// previews and the final finished/failed/cancelled keep their sequence.
template <typename F>
void emitOnRunnerThread(JobRunner* runner, F emit)
{
    GANVAS_HAPPENS_BEFORE(runner);
    QMetaObject::invokeMethod(
        runner,
        [runner, emit = std::move(emit)] {
            GANVAS_HAPPENS_AFTER(runner);
            emit();
        },
        Qt::QueuedConnection);
}

/// Lives on the worker thread for one run: converts and throttles reports, then emits them
/// through the runner on the runner's thread.
class SignalObserver final : public engine::JobObserver {
public:
    SignalObserver(JobRunner* runner, JobId id, int throttleMs) : m_runner(runner), m_id(id), m_throttleMs(throttleMs)
    {
        m_progressClock.start();
        m_previewClock.start();
    }

    void onProgress(int64_t done, int64_t total, const std::string& message) override
    {
        const bool last = total > 0 && done >= total;
        if (!last && m_anyProgress && m_progressClock.elapsed() < m_throttleMs) {
            m_pendingProgress = Progress{done, total, QString::fromStdString(message)};
            return;
        }
        emitProgress({done, total, QString::fromStdString(message)});
    }

    void onPreview(const torch::Tensor& image, int pass) override
    {
        // A new pass is always shown (it is the coarse-to-fine step the user waits for);
        // within a pass, at most one preview per interval, keeping the newest.
        if (pass == m_lastPass && m_previewClock.elapsed() < m_throttleMs) {
            m_pendingPreview = image;
            m_pendingPass = pass;
            return;
        }
        emitPreview(image, pass);
    }

    void onLog(engine::LogLevel level, const std::string& message) override
    {
        emitOnRunnerThread(m_runner, [r = m_runner, id = m_id, level, text = QString::fromStdString(message)] {
            Q_EMIT r->logMessage(id, static_cast<int>(level), text);
            if (JobHandle* h = r->handle(id))
                Q_EMIT h->logMessage(static_cast<int>(level), text);
        });
    }

    /// Delivers what throttling held back, so the UI ends on the job's final state.
    void flush()
    {
        if (m_pendingProgress)
            emitProgress(*m_pendingProgress);
        if (m_pendingPreview.defined())
            emitPreview(m_pendingPreview, m_pendingPass);
    }

private:
    struct Progress {
        int64_t done, total;
        QString message;
    };

    void emitProgress(const Progress& p)
    {
        m_pendingProgress.reset();
        m_anyProgress = true;
        m_progressClock.restart();
        emitOnRunnerThread(m_runner, [r = m_runner, id = m_id, p] {
            Q_EMIT r->progress(id, p.done, p.total, p.message);
            if (JobHandle* h = r->handle(id))
                Q_EMIT h->progress(p.done, p.total, p.message);
        });
    }

    void emitPreview(torch::Tensor image, int pass) // by value: may be m_pendingPreview itself
    {
        m_pendingPreview = torch::Tensor();
        m_lastPass = pass;
        m_previewClock.restart();
        emitOnRunnerThread(m_runner, [r = m_runner, id = m_id, picture = tensorToImage(image), pass] {
            Q_EMIT r->preview(id, picture, pass);
            if (JobHandle* h = r->handle(id))
                Q_EMIT h->preview(picture, pass);
        });
    }

    JobRunner* m_runner;
    JobId m_id;
    int m_throttleMs;
    QElapsedTimer m_progressClock, m_previewClock;
    bool m_anyProgress = false;
    std::optional<Progress> m_pendingProgress;
    torch::Tensor m_pendingPreview;
    int m_pendingPass = 0;
    int m_lastPass = std::numeric_limits<int>::min(); // the first preview always goes out
};

} // namespace

JobRunner::JobRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<ganvas::core::JobId>("ganvas::core::JobId");
}

JobRunner::~JobRunner()
{
    cancelAll();
    QList<QThreadPool*> pools;
    {
        QMutexLocker lock(&m_mutex);
        pools = m_pools.values();
    }
    for (QThreadPool* pool : pools)
        pool->waitForDone();
    qDeleteAll(pools);
}

QThreadPool* JobRunner::poolFor(const QString& lane)
{
    // Called with m_mutex held.
    QThreadPool*& pool = m_pools[lane];
    if (!pool) {
        pool = new QThreadPool();
        pool->setMaxThreadCount(1); // one queue per device: jobs on a device run one after another
        pool->setObjectName(QStringLiteral("ganvas-jobs-") + lane);
    }
    return pool;
}

JobHandle::JobHandle(JobRunner* runner, JobId id, QString title)
    : QObject(runner), m_runner(runner), m_id(id), m_title(std::move(title))
{}

void JobHandle::cancel()
{
    m_runner->cancel(m_id);
}

JobHandle* JobRunner::handle(JobId id) const
{
    return m_handles.value(id); // the runner's thread only: no lock
}

JobHandle* JobRunner::submit(std::shared_ptr<engine::Job> job, const SubmitOptions& options)
{
    Q_ASSERT(job);
    auto entry = std::make_shared<Entry>();
    entry->job = std::move(job);
    entry->rank = entry->job->priority();
    entry->coalesceKey = options.coalesceKey;
    const QString queue = QString::fromStdString(entry->job->queue());
    const QString gateKey = QString::fromStdString(entry->job->device().str());
    const QString title = QString::fromStdString(entry->job->title());
    QThreadPool* pool = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        // Latest wins: what waits under the same key will never be wanted; what runs under it,
        // only when the submitter says so.
        if (!entry->coalesceKey.isEmpty())
            for (const auto& other : std::as_const(m_active))
                if (other->coalesceKey == entry->coalesceKey && (options.replaceRunning || !other->running.load()))
                    other->token.cancel();
        entry->id = m_nextId++;
        m_active.insert(entry->id, entry);
        // Each priority waits in a lane of its own: nothing queues behind lower-ranked work.
        switch (entry->rank) {
        case engine::JobPriority::Background: pool = poolFor(queue + QStringLiteral("#background")); break;
        case engine::JobPriority::Normal: pool = poolFor(queue); break;
        case engine::JobPriority::Interactive: pool = poolFor(queue + QStringLiteral("#interactive")); break;
        }
        std::shared_ptr<DeviceGate>& gate = m_gates[gateKey];
        if (!gate)
            gate = std::make_shared<DeviceGate>();
        entry->gate = gate;
    }
    // From now until it ends, lower-ranked jobs on its device give way at their next step.
    entry->gate->enter(entry->rank);
    auto* h = new JobHandle(this, entry->id, title);
    m_handles.insert(entry->id, h);
    Q_EMIT queued(entry->id, title, queue, entry->job->transient());
    GANVAS_HAPPENS_BEFORE(entry.get());
    pool->start(QRunnable::create([this, entry] {
        GANVAS_HAPPENS_AFTER(entry.get());
        runEntry(entry);
    }));
    return h;
}

void JobRunner::runEntry(const std::shared_ptr<Entry>& entry)
{
    SignalObserver observer(this, entry->id, m_throttleMs);
    RankGate gate(entry->gate, entry->rank);
    engine::JobContext context(entry->token, &observer,
                               entry->rank == engine::JobPriority::Interactive ? nullptr : &gate);
    engine::JobResult result{engine::JobOutcome::Cancelled, {}};
    {
        QMutexLocker lock(&m_mutex); // coalescing reads `running` under the same lock
        entry->running = !entry->token.isCancelled();
    }
    if (entry->running) {
        emitOnRunnerThread(this, [this, id = entry->id] {
            Q_EMIT started(id);
            if (JobHandle* h = handle(id)) {
                h->m_state = JobState::Running;
                Q_EMIT h->started();
            }
        });
        result = engine::runJob(*entry->job, context);
        if (result.outcome == engine::JobOutcome::Finished) {
            try {
                observer.flush();
            } catch (const std::exception& e) {
                result = {engine::JobOutcome::Failed, e.what()};
            }
        }
    }
    entry->gate->leave(entry->rank);
    bool nowIdle = false;
    {
        QMutexLocker lock(&m_mutex);
        m_active.remove(entry->id);
        nowIdle = m_active.isEmpty();
    }
    emitOnRunnerThread(
        this, [this, id = entry->id, outcome = result.outcome, error = QString::fromStdString(result.error), nowIdle] {
            JobHandle* h = m_handles.take(id);
            switch (outcome) {
            case engine::JobOutcome::Finished: Q_EMIT finished(id); break;
            case engine::JobOutcome::Failed: Q_EMIT failed(id, error); break;
            case engine::JobOutcome::Cancelled: Q_EMIT cancelled(id); break;
            }
            if (h) {
                switch (outcome) {
                case engine::JobOutcome::Finished:
                    h->m_state = JobState::Finished;
                    Q_EMIT h->finished();
                    break;
                case engine::JobOutcome::Failed:
                    h->m_state = JobState::Failed;
                    h->m_error = error;
                    Q_EMIT h->failed(error);
                    break;
                case engine::JobOutcome::Cancelled:
                    h->m_state = JobState::Cancelled;
                    Q_EMIT h->cancelled();
                    break;
                }
                Q_EMIT h->ended(h->m_state);
                h->deleteLater();
            }
            if (nowIdle && activeCount() == 0) // nothing was submitted since
                Q_EMIT idle();
        });
}

void JobRunner::cancel(JobId id)
{
    QMutexLocker lock(&m_mutex);
    if (const auto it = m_active.constFind(id); it != m_active.constEnd())
        (*it)->token.cancel();
}

bool JobRunner::cancelIfWaiting(JobId id)
{
    QMutexLocker lock(&m_mutex); // runEntry sets `running` under the same lock
    const auto it = m_active.constFind(id);
    if (it == m_active.constEnd() || (*it)->running.load())
        return false;
    (*it)->token.cancel();
    return true;
}

void JobRunner::cancelAll()
{
    QMutexLocker lock(&m_mutex);
    for (const auto& entry : std::as_const(m_active))
        entry->token.cancel();
}

int JobRunner::activeCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_active.size();
}

bool JobRunner::waitForIdle(int msecs)
{
    QElapsedTimer timer;
    timer.start();
    QList<QThreadPool*> pools;
    {
        QMutexLocker lock(&m_mutex);
        pools = m_pools.values();
    }
    for (QThreadPool* pool : pools) {
        const int left = msecs - static_cast<int>(timer.elapsed());
        if (left <= 0 || !pool->waitForDone(left))
            return false;
    }
    return activeCount() == 0;
}

} // namespace ganvas::core
