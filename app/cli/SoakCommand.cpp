// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli soak: hundreds of style applications, thousands of latent-slider renders and
// hundreds of stroke/undo/redo cycles in one process, through the code paths the studio uses,
// with resident memory measured after a warm-up and at the end (issue #7, item 6).
#include "app/cli/Command.h"
#include "core/brush/BrushSettings.h"
#include "core/brush/StrokeSession.h"
#include "core/document/Document.h"
#include "core/gan/GeneratorSession.h"
#include "core/io/ImageIO.h"
#include "core/jobs/JobRunner.h"
#include "core/journal/Journal.h"
#include "core/models/ModelCatalogue.h"
#include "core/settings/ComputeSettings.h"
#include "core/style/StyleLibrary.h"
#include "core/style/StyleRequest.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QUndoStack>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <memory>
#include <utility>

namespace ganvas::cli {

namespace {

constexpr const char* kGrowthDefinition =
    "growth = (peak RSS at the end of a phase - peak RSS after its warm-up) / peak RSS after its warm-up; "
    "the peak (VmHWM) is reset when a phase starts (/proc/self/clear_refs), the warm-up is the phase's "
    "first WARMUP % of iterations (caches, allocator pools, lazy initialisation), and at least one "
    "application of every style for the style phase and the Document::kUndoLimit strokes the undo history "
    "fills up to by design for the undo phase";

/// Resident memory of this process (/proc/self/status), KiB.
struct Memory {
    qint64 rssKiB = 0;  ///< VmRSS: now
    qint64 peakKiB = 0; ///< VmHWM: the most since start or the last resetPeak()
};

Memory readMemory()
{
    Memory m;
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text))
        return m;
    for (const QByteArray& line : f.readAll().split('\n')) {
        const auto value = [&line] { return line.mid(6).trimmed().split(' ').value(0).toLongLong(); };
        if (line.startsWith("VmRSS:"))
            m.rssKiB = value();
        else if (line.startsWith("VmHWM:"))
            m.peakKiB = value();
    }
    return m;
}

/// Resets VmHWM to the current RSS (Linux >= 4.0: "5" to clear_refs). False where refused.
bool resetPeak()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    return f.open(QIODevice::WriteOnly) && f.write("5") == 1;
}

double mib(qint64 kib)
{
    return static_cast<double>(kib) / 1024.0;
}

/// One phase's figures.
struct Phase {
    QString name;
    int planned = 0;
    int done = 0;
    int warmup = 0;
    Memory start, end;
    bool measuredStart = false;
    double seconds = 0;
    QStringList errors;
    QJsonObject extra;

    /// The same for the resident size at those two moments (information: RSS also falls when
    /// the allocator returns memory, so it is not what the verdict uses).
    double rssGrowthPercent() const
    {
        return start.rssKiB > 0 ? 100.0 * static_cast<double>(end.rssKiB - start.rssKiB) / static_cast<double>(start.rssKiB)
                                : 0.0;
    }
    double growthPercent() const
    {
        return start.peakKiB > 0 ? 100.0 * static_cast<double>(end.peakKiB - start.peakKiB) / static_cast<double>(start.peakKiB)
                                 : 0.0;
    }
};

/// A waiting point on the GUI thread's event loop (where the studio receives job and render
/// results), with a timeout so that a lost signal is an error, not a hang.
class Waiter {
public:
    /// Runs the event loop until done() or @p timeoutMs. Returns false on timeout.
    bool wait(int timeoutMs)
    {
        if (m_done)
            return true;
        QEventLoop loop;
        m_loop = &loop;
        QTimer timer;
        timer.setSingleShot(true);
        QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(timeoutMs);
        loop.exec();
        m_loop = nullptr;
        return m_done;
    }
    void reset() { m_done = false; }
    void done()
    {
        m_done = true;
        if (m_loop)
            m_loop->quit();
    }
    bool isDone() const { return m_done; }

private:
    bool m_done = false;
    QEventLoop* m_loop = nullptr;
};

/// The studio's selection mask for a style request (StyleGalleryPanel): the selection's coverage
/// inside @p area as grey, or null without a selection.
QImage selectionMask(const core::Document& doc, const QRect& area)
{
    const auto& sel = doc.selection();
    if (sel.isEmpty())
        return {};
    const QImage a = sel.mask().copy(area);
    QImage grey(a.size(), QImage::Format_Grayscale8);
    for (int y = 0; y < a.height(); ++y)
        std::memcpy(grey.scanLine(y), a.constScanLine(y), static_cast<size_t>(a.width()));
    return grey;
}

/// A picture to stylise when none is given: gradients, discs and lines (deterministic).
QImage makePicture(int side)
{
    QImage image(side, side, QImage::Format_ARGB32_Premultiplied);
    QPainter p(&image);
    QLinearGradient sky(0, 0, 0, side);
    sky.setColorAt(0, QColor(60, 120, 200));
    sky.setColorAt(1, QColor(240, 200, 150));
    p.fillRect(image.rect(), sky);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(250, 220, 80));
    p.drawEllipse(QPointF(side * 0.7, side * 0.3), side * 0.12, side * 0.12);
    p.setBrush(QColor(40, 110, 60));
    p.drawEllipse(QPointF(side * 0.3, side * 0.95), side * 0.6, side * 0.35);
    p.setPen(QPen(QColor(30, 30, 30), std::max(1.0, side / 64.0)));
    for (int k = 0; k < 8; ++k)
        p.drawLine(QPointF(side * 0.1, side * (0.2 + 0.05 * k)), QPointF(side * 0.5, side * (0.1 + 0.07 * k)));
    return image;
}

class SoakCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand(
            "soak", "Apply styles, move latent sliders and paint/undo/redo many times in one process; report memory "
                    "growth and errors (exit 0: no error and growth under --max-growth in every phase)");
        sub->footer(std::string("Memory: VmRSS and VmHWM from /proc/self/status. ") + kGrowthDefinition + ".");
        sub->add_option("--style-runs", m_styleRuns, "style applications (default 500; 0 skips the phase)")
            ->check(CLI::Range(0, 100000));
        sub->add_option("--samples", m_samples, "latent slider renders (default 10000; 0 skips the phase)")
            ->check(CLI::Range(0, 10000000));
        sub->add_option("--undo-cycles", m_undoCycles, "stroke, undo, redo cycles (default 200; 0 skips the phase)")
            ->check(CLI::Range(0, 1000000));
        sub->add_option("--size", m_size, "picture and canvas side in pixels (default 256)")->check(CLI::Range(16, 4096));
        sub->add_option("--input", m_input, "picture to stylise (default: a generated one), scaled to --size")
            ->check(CLI::ExistingFile);
        sub->add_option("--styles", m_styles, "style ids to alternate (default: every bundled network and classic style)")
            ->delimiter(',');
        sub->add_option("--generator", m_generator, "generator id or folder for the slider phase (default noto-emoji)");
        sub->add_option("--warmup", m_warmupPercent, "warm-up, percent of each phase's iterations (default 10)")
            ->check(CLI::Range(1.0, 90.0));
        sub->add_option("--max-growth", m_maxGrowth, "growth in percent that fails the soak (default 5)")
            ->check(CLI::Range(0.0, 1000.0));
        sub->add_flag("--json", m_json, "print the figures as JSON");
        sub->add_flag("--quiet", m_quiet, "no progress lines on stderr");
        return sub;
    }

    int run() override
    {
        if (m_styleRuns == 0 && m_samples == 0 && m_undoCycles == 0) {
            std::cerr << "ganvas-cli soak: nothing to do (--style-runs, --samples and --undo-cycles are all 0)\n";
            return kExitUsage;
        }
        if (!m_input.empty()) {
            QString error;
            m_picture = core::loadImage(QString::fromStdString(m_input), &error);
            if (m_picture.isNull()) {
                std::cerr << "ganvas-cli soak: " << error.toStdString() << "\n";
                return kExitFailure;
            }
            m_picture = m_picture.scaled(m_size, m_size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                            .convertToFormat(QImage::Format_ARGB32_Premultiplied);
        } else {
            m_picture = makePicture(m_size);
        }
        m_tmp = std::make_unique<QTemporaryDir>();
        if (!m_tmp->isValid()) {
            std::cerr << "ganvas-cli soak: cannot create a temporary folder for the journals\n";
            return kExitFailure;
        }
        m_peakReset = resetPeak();
        const Memory atStart = readMemory();
        QElapsedTimer total;
        total.start();

        std::vector<Phase> phases;
        if (m_styleRuns > 0)
            phases.push_back(runPhase(QStringLiteral("styles"), m_styleRuns, 0, [this](Phase& p) { styles(p); }));
        if (m_samples > 0)
            phases.push_back(runPhase(QStringLiteral("sliders"), m_samples, 0, [this](Phase& p) { sliders(p); }));
        if (m_undoCycles > 0)
            phases.push_back(runPhase(QStringLiteral("undo"), m_undoCycles, core::Document::kUndoLimit,
                                      [this](Phase& p) { undoRedo(p); }));
        const double seconds = static_cast<double>(total.elapsed()) / 1000.0;
        const Memory atEnd = readMemory();

        // Overall: the largest warmed-up peak of any phase against the largest end peak.
        qint64 overallStart = 0, overallEnd = 0;
        int errors = 0;
        bool grew = false;
        for (const auto& p : phases) {
            overallStart = std::max(overallStart, p.start.peakKiB);
            overallEnd = std::max(overallEnd, p.end.peakKiB);
            errors += static_cast<int>(p.errors.size());
            grew = grew || p.growthPercent() >= m_maxGrowth;
        }
        const double overallGrowth =
            overallStart > 0 ? 100.0 * static_cast<double>(overallEnd - overallStart) / static_cast<double>(overallStart) : 0.0;
        grew = grew || overallGrowth >= m_maxGrowth;
        const bool passed = errors == 0 && !grew;
        char verdict[256];
        std::snprintf(verdict, sizeof verdict, "soak %s: %d error%s, memory growth %+.2f %% overall (limit %.1f %%) in %.1f s",
                      passed ? "PASSED" : "FAILED", errors, errors == 1 ? "" : "s", overallGrowth, m_maxGrowth, seconds);

        if (m_json) {
            QJsonObject phaseJson;
            for (const auto& p : phases) {
                QJsonObject o = p.extra;
                o["planned"] = p.planned;
                o["done"] = p.done;
                o["warmup_iterations"] = p.warmup;
                o["start_rss_mib"] = mib(p.start.rssKiB);
                o["start_peak_mib"] = mib(p.start.peakKiB);
                o["end_rss_mib"] = mib(p.end.rssKiB);
                o["end_peak_mib"] = mib(p.end.peakKiB);
                o["growth_percent"] = p.growthPercent();
                o["rss_growth_percent"] = p.rssGrowthPercent();
                o["seconds"] = p.seconds;
                o["errors"] = static_cast<int>(p.errors.size());
                o["error_messages"] = QJsonArray::fromStringList(p.errors.mid(0, 50));
                phaseJson[p.name] = o;
            }
            const auto count = [&phases](const char* name) {
                for (const auto& p : phases)
                    if (p.name == QLatin1String(name))
                        return p.done;
                return 0;
            };
            const auto compute = core::currentCompute();
            const QJsonObject out{
                {"command", "soak"},
                {"date", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                {"size", m_size},
                {"device", compute.device},
                {"threads", compute.threads},
                {"cores", QThread::idealThreadCount()},
                {"counts", QJsonObject{{"style_runs", count("styles")}, {"samples", count("sliders")}, {"undo_cycles", count("undo")}}},
                {"phases", phaseJson},
                {"growth_definition", QString::fromLatin1(kGrowthDefinition)},
                {"peak_reset_per_phase", m_peakReset},
                {"warmup_percent", m_warmupPercent},
                {"max_growth_percent", m_maxGrowth},
                {"overall", QJsonObject{{"start_peak_mib", mib(overallStart)},
                                        {"end_peak_mib", mib(overallEnd)},
                                        {"growth_percent", overallGrowth},
                                        {"process_rss_start_mib", mib(atStart.rssKiB)},
                                        {"process_rss_end_mib", mib(atEnd.rssKiB)},
                                        {"seconds", seconds}}},
                {"errors", errors},
                {"passed", passed},
                {"verdict", QString::fromLatin1(verdict)}};
            std::printf("%s", QJsonDocument(out).toJson(QJsonDocument::Indented).constData());
            std::fflush(stdout);
            std::fprintf(stderr, "%s\n", verdict);
        } else {
            std::printf("%-8s %9s %8s %12s %12s %12s %12s %8s %9s %7s\n", "phase", "done", "warm-up", "start RSS",
                        "start peak", "end RSS", "end peak", "growth", "time", "errors");
            for (const auto& p : phases)
                std::printf("%-8s %4d/%-4d %8d %8.1f MiB %8.1f MiB %8.1f MiB %8.1f MiB %+7.2f%% %7.1f s %7d\n",
                            p.name.toUtf8().constData(), p.done, p.planned, p.warmup, mib(p.start.rssKiB),
                            mib(p.start.peakKiB), mib(p.end.rssKiB), mib(p.end.peakKiB), p.growthPercent(), p.seconds,
                            static_cast<int>(p.errors.size()));
            std::printf("overall: start peak %.1f MiB, end peak %.1f MiB, growth %+.2f %%; process RSS %.1f -> %.1f MiB%s\n",
                        mib(overallStart), mib(overallEnd), overallGrowth, mib(atStart.rssKiB), mib(atEnd.rssKiB),
                        m_peakReset ? "" : " (VmHWM could not be reset per phase: peaks are process-wide)");
            std::printf("(%s)\n%s\n", kGrowthDefinition, verdict);
        }
        return passed ? kExitOk : kExitFailure;
    }

private:
    /// Runs @p body for one phase: resets the peak, lets the body call iterationDone() after each
    /// iteration (which takes the start figures once the warm-up is over and prints progress).
    Phase runPhase(const QString& name, int planned, int minimumWarmup, const std::function<void(Phase&)>& body)
    {
        Phase p;
        p.name = name;
        p.planned = planned;
        p.warmup = std::clamp(std::max(minimumWarmup, static_cast<int>(std::ceil(planned * m_warmupPercent / 100.0))), 1,
                              planned);
        if (m_peakReset)
            resetPeak();
        m_progressClock.start();
        m_lastProgress = -1;
        QElapsedTimer timer;
        timer.start();
        try {
            body(p);
        } catch (const std::exception& e) {
            error(p, QStringLiteral("stopped: ") + QString::fromUtf8(e.what()));
        }
        p.seconds = static_cast<double>(timer.elapsed()) / 1000.0;
        p.end = readMemory();
        if (!p.measuredStart) // stopped during its warm-up
            p.start = p.end;
        if (!m_quiet)
            std::fprintf(stderr, "soak: %s done: %d/%d in %.1f s, peak %.1f -> %.1f MiB (%+.2f %%), %d error%s\n",
                         name.toUtf8().constData(), p.done, p.planned, p.seconds, mib(p.start.peakKiB), mib(p.end.peakKiB),
                         p.growthPercent(), static_cast<int>(p.errors.size()), p.errors.size() == 1 ? "" : "s");
        return p;
    }

    void iterationDone(Phase& p)
    {
        ++p.done;
        if (p.done == p.warmup) {
            p.start = readMemory();
            p.measuredStart = true;
        }
        if (m_quiet)
            return;
        // At most one line every two seconds, and the last.
        if (p.done < p.planned && m_lastProgress >= 0 && m_progressClock.elapsed() - m_lastProgress < 2000)
            return;
        m_lastProgress = m_progressClock.elapsed();
        const Memory m = readMemory();
        std::fprintf(stderr, "soak: %s %d/%d (%.0f %%), RSS %.1f MiB, peak %.1f MiB, %d error%s\n",
                     p.name.toUtf8().constData(), p.done, p.planned, 100.0 * p.done / p.planned, mib(m.rssKiB),
                     mib(m.peakKiB), static_cast<int>(p.errors.size()), p.errors.size() == 1 ? "" : "s");
    }

    void error(Phase& p, const QString& message)
    {
        p.errors << message;
        std::fprintf(stderr, "ganvas-cli soak: %s: %s\n", p.name.toUtf8().constData(), message.toUtf8().constData());
    }

    /// A blank document journaled like the studio's autosave (a file in a temporary folder).
    std::unique_ptr<core::Journal> startJournal(core::Document& doc, const QString& name, Phase& p)
    {
        QString why;
        auto journal = core::Journal::start(m_tmp->filePath(name), doc, QString(), &why);
        if (!journal)
            error(p, why);
        else
            doc.setJournal(journal.get());
        return journal;
    }

    // ---- style applications: the Style Gallery's "Apply" ------------------------------------------
    void styles(Phase& p)
    {
        core::StyleLibrary library;
        library.scan();
        QVector<core::ModelEntry> chosen;
        if (m_styles.empty()) {
            for (const auto& s : library.styles())
                if (s.isValid() && core::defaultMethod(s) != core::StyleMethod::Optimisation &&
                    s.folder.startsWith(core::ModelCatalogue::bundledResourceRoot()))
                    chosen << s;
        } else {
            for (const auto& id : m_styles) {
                const auto* s = library.find(QString::fromStdString(id));
                if (!s || !s->isValid())
                    throw std::runtime_error("no usable style '" + id + "' (run `ganvas-cli styles`)");
                chosen << *s;
            }
        }
        if (chosen.isEmpty())
            throw std::runtime_error("no bundled style found (is GANVAS_RESOURCES right?)");
        p.extra["styles"] = static_cast<int>(chosen.size());
        // Each style's first application loads its kind of network (widths, OpenCV filters): the
        // warm-up covers at least one round of the styles.
        p.warmup = std::clamp(std::max(p.warmup, static_cast<int>(chosen.size())), 1, p.planned);

        core::Document doc(m_picture.size(), Qt::white);
        const auto journal = startJournal(doc, QStringLiteral("styles.jsonl"), p);
        doc.addLayer(QStringLiteral("Picture"), m_picture);
        const int pictureLayer = doc.currentLayer();
        const int baseLayers = doc.layerCount();

        core::JobRunner runner;
        Waiter waiter;
        core::JobId current = 0;
        QString failure;
        qint64 progressReports = 0, previews = 0;
        QObject::connect(&runner, &core::JobRunner::progress, &runner, [&](core::JobId id, qint64, qint64, const QString&) {
            if (id == current)
                ++progressReports;
        });
        QObject::connect(&runner, &core::JobRunner::preview, &runner, [&](core::JobId id, const QImage&, int) {
            if (id == current)
                ++previews;
        });
        QObject::connect(&runner, &core::JobRunner::finished, &runner, [&](core::JobId id) {
            if (id == current)
                waiter.done();
        });
        QObject::connect(&runner, &core::JobRunner::failed, &runner, [&](core::JobId id, const QString& message) {
            if (id == current) {
                failure = message;
                waiter.done();
            }
        });
        QObject::connect(&runner, &core::JobRunner::cancelled, &runner, [&](core::JobId id) {
            if (id == current) {
                failure = QStringLiteral("cancelled");
                waiter.done();
            }
        });

        static const double kStrengths[] = {1.0, 0.75, 0.5, 0.25};
        static const char* kColours[] = {"style", "luminance", "histogram"};
        const auto compute = core::currentCompute();
        for (int i = 0; i < p.planned; ++i) {
            const auto& style = chosen[i % chosen.size()];
            // Every fourth run works on an elliptic selection, as when the user selects first.
            const bool selected = i % 4 == 3;
            if (selected) {
                const int s = m_picture.width();
                doc.selectEllipse(QRect(s / 8 + i % 7, s / 6, s / 2 + i % 11, s / 2));
            }
            core::StyleRequest r;
            r.style = style;
            r.strength = kStrengths[(i / static_cast<int>(chosen.size())) % 4];
            r.colour = QString::fromLatin1(kColours[i % 3]);
            r.device = compute.device;
            r.precision = compute.precision;
            r.layers = doc.layers();
            r.layer = pictureLayer;
            r.area = doc.selection().bounds(doc.size());
            r.mask = selectionMask(doc, r.area);
            const QString what = QStringLiteral("run %1 (%2, strength %3, %4)").arg(i + 1).arg(style.id).arg(r.strength).arg(r.colour);
            try {
                auto task = std::make_shared<core::StyleTask>(r);
                failure.clear();
                waiter.reset();
                current = runner.submit(task->job())->id();
                if (!waiter.wait(10 * 60 * 1000)) {
                    runner.cancel(current);
                    runner.waitForIdle(60000);
                    error(p, what + QStringLiteral(": no result after 10 minutes"));
                } else if (!failure.isEmpty()) {
                    error(p, what + QStringLiteral(": ") + failure);
                } else {
                    const QImage result = task->result();
                    if (result.size() != r.area.size()) {
                        error(p, what + QStringLiteral(": result is %1x%2, expected %3x%4")
                                            .arg(result.width()).arg(result.height()).arg(r.area.width()).arg(r.area.height()));
                    } else {
                        // As StyleGalleryPanel::onFinished: a new layer in one undo step...
                        QImage full(doc.size(), QImage::Format_ARGB32_Premultiplied);
                        full.fill(Qt::transparent);
                        {
                            QPainter painter(&full);
                            painter.setCompositionMode(QPainter::CompositionMode_Source);
                            painter.drawImage(r.area.topLeft(), result);
                        }
                        const QJsonObject provenance{{"style", style.id}, {"strength", r.strength}, {"colour", r.colour},
                                                     {"source_layer", pictureLayer}};
                        doc.setCurrentLayer(pictureLayer);
                        doc.addResultLayer(QStringLiteral("Style: %1").arg(style.name), full, QImage(),
                                           QStringLiteral("Apply style %1").arg(style.name), provenance);
                        if (doc.layerCount() != baseLayers + 1)
                            error(p, what + QStringLiteral(": the result layer was not added"));
                        // ...then the user tries the next one: undo (the next push drops it).
                        doc.undoStack()->undo();
                        if (doc.layerCount() != baseLayers)
                            error(p, what + QStringLiteral(": undo did not remove the result layer"));
                    }
                }
            } catch (const std::exception& e) {
                error(p, what + QStringLiteral(": ") + QString::fromUtf8(e.what()));
            }
            current = 0;
            if (selected)
                doc.undoStack()->undo(); // the selection
            iterationDone(p);
        }
        p.extra["progress_reports"] = progressReports;
        p.extra["previews"] = previews;
        p.extra["undo_steps_left"] = doc.undoStack()->count();
        if (journal) {
            if (journal->hasError())
                error(p, QStringLiteral("journal: ") + journal->errorString());
            p.extra["journal_records"] = journal->records();
        }
        doc.setJournal(nullptr);
    }

    // ---- latent sliders: the Latent Space dock --------------------------------------------------
    void sliders(Phase& p)
    {
        QString folder;
        const QFileInfo info(QString::fromStdString(m_generator));
        if (info.isDir()) {
            folder = info.absoluteFilePath();
        } else {
            core::ModelCatalogue catalogue;
            catalogue.scan();
            for (const auto& e : catalogue.entries(QStringLiteral("generator")))
                if (e.id == QString::fromStdString(m_generator) && e.isValid())
                    folder = e.folder;
        }
        if (folder.isEmpty())
            throw std::runtime_error("no usable generator '" + m_generator + "' (run `ganvas-cli generators`)");
        const auto model = core::GeneratorModel::load(folder);
        const auto& gi = model->info();
        const int directions = gi.directionCount;
        p.extra["generator"] = gi.id;
        p.extra["directions"] = directions;

        core::JobRunner runner; // as the studio's: renders are Interactive jobs of its runner
        core::LatentRenderer renderer(&runner);
        Waiter waiter;
        QString failure;
        QString waitingFor;
        QVector<QImage> images;
        QObject::connect(&renderer, &core::LatentRenderer::rendered, &renderer,
                         [&](const QString& tag, const QVector<QImage>& out) {
                             if (tag == waitingFor) {
                                 images = out;
                                 waiter.done();
                             }
                         });
        QObject::connect(&renderer, &core::LatentRenderer::failed, &renderer, [&](const QString& tag, const QString& message) {
            if (tag == waitingFor) {
                failure = message;
                waiter.done();
            }
        });
        // One request in flight per tag and waited for, as LatentStudioPanel::sendRender does.
        const auto render = [&](const QString& tag, const QVector<core::Latent>& latents, double psi) -> QString {
            failure.clear();
            images.clear();
            waitingFor = tag;
            waiter.reset();
            renderer.request(model, tag, latents, psi);
            if (!waiter.wait(60 * 1000))
                return QStringLiteral("no image after 60 s");
            if (!failure.isEmpty())
                return failure;
            if (images.size() != latents.size())
                return QStringLiteral("%1 images for %2 latents").arg(images.size()).arg(latents.size());
            for (const auto& image : std::as_const(images))
                if (image.isNull() || image.width() != gi.resolution || image.height() != gi.resolution)
                    return QStringLiteral("an image of the wrong size");
            return {};
        };

        qint64 stripImages = 0;
        core::Latent base;
        QVector<double> offsets(directions, 0.0);
        double psi = 1.0;
        constexpr int kDrag = 50; // slider positions per drag; a new seed every four drags
        for (int i = 0; i < p.planned; ++i) {
            const int drag = i / kDrag;
            if (i % (4 * kDrag) == 0) {
                base = model->latentForSeed(1000 + drag / 4);
                std::fill(offsets.begin(), offsets.end(), 0.0);
                psi = (drag / 4) % 2 ? 0.7 : 1.0;
            }
            // The slider runs -3..+3 std in 0.1 steps (a triangle wave), like a mouse drag.
            if (directions > 0) {
                const int k = drag % directions;
                const double t = static_cast<double>(i % kDrag) / (kDrag - 1);
                const double triangle = t < 0.5 ? 2 * t : 2 - 2 * t;
                offsets[k] = std::round(-30 + 60 * triangle) / 10.0; // QSlider -30..30
            }
            const core::Latent latent = directions > 0 ? model->moved(base, offsets) : base;
            const QString message = render(QStringLiteral("main"), {latent}, psi);
            if (!message.isEmpty())
                error(p, QStringLiteral("sample %1: %2").arg(i + 1).arg(message));
            // Drag released: the direction strips (-2, 0, +2 along the first four), as renderStrips().
            if (i % kDrag == kDrag - 1) {
                for (int k = 0; k < std::min(4, directions); ++k) {
                    QVector<core::Latent> strip;
                    for (double v : {-2.0, 0.0, 2.0}) {
                        QVector<double> o = offsets;
                        o[k] = v;
                        strip << model->moved(base, o);
                    }
                    const QString m = render(QStringLiteral("dir%1").arg(k), strip, psi);
                    if (!m.isEmpty())
                        error(p, QStringLiteral("strip %1 after sample %2: %3").arg(k).arg(i + 1).arg(m));
                    stripImages += strip.size();
                }
            }
            iterationDone(p);
        }
        p.extra["strip_images"] = stripImages;
        p.extra["renders"] = renderer.renderedCount();
    }

    // ---- strokes, undo, redo: the canvas and Edit > Undo / Redo ---------------------------------
    void undoRedo(Phase& p)
    {
        QString why;
        auto presets =
            core::loadBrushPresets(core::ModelCatalogue::bundledResourceRoot() + QStringLiteral("/brushes/presets.json"), &why);
        if (presets.isEmpty()) {
            error(p, QStringLiteral("brush presets: ") + why + QStringLiteral(" (using the default brush)"));
            presets << core::BrushSettings();
        }
        p.extra["brushes"] = static_cast<int>(presets.size());

        core::Document doc(m_picture.size(), Qt::white);
        const auto journal = startJournal(doc, QStringLiteral("undo.jsonl"), p);
        doc.addLayer(QStringLiteral("Picture"), m_picture);
        doc.addLayer(QStringLiteral("Ink"));
        QRandomGenerator rng(7);
        const double side = m_picture.width();
        for (int i = 0; i < p.planned; ++i) {
            // Alternate between the picture and the empty ink layer.
            doc.setCurrentLayer(i % 2 ? 1 : 2);
            const QImage before = doc.composite();
            const int indexBefore = doc.undoStack()->index();
            core::BrushSettings brush = presets[i % presets.size()];
            brush.size = std::clamp(side / 16.0 * (1 + i % 4), 1.0, 1000.0);
            const QColor colour = QColor::fromHsv((i * 37) % 360, 200, 60 + (i * 13) % 180);
            core::StrokeSession stroke(&doc, doc.currentLayer(), brush, colour);
            // A wavy stroke across the canvas, 40 input points 8 ms apart with varying pressure.
            const QPointF a(rng.bounded(side), rng.bounded(side)), b(rng.bounded(side), rng.bounded(side));
            for (int t = 0; t <= 40; ++t) {
                const double u = t / 40.0;
                const QPointF along = a + (b - a) * u;
                const QPointF wave(std::sin(u * 6.283 + i) * side * 0.05, std::cos(u * 6.283 + i) * side * 0.05);
                const core::InputPoint point{along + wave, 0.3 + 0.7 * std::sin(u * 3.1416), 0, 0, t * 8};
                if (t == 0)
                    stroke.begin(point);
                else
                    stroke.moveTo(point);
            }
            stroke.end(QStringLiteral("Brush stroke"));
            const QImage after = doc.composite();
            if (doc.undoStack()->index() == indexBefore && indexBefore < core::Document::kUndoLimit)
                error(p, QStringLiteral("cycle %1: the stroke left no undo step").arg(i + 1));
            doc.undoStack()->undo();
            if (doc.composite() != before)
                error(p, QStringLiteral("cycle %1: undo did not restore the pixels").arg(i + 1));
            doc.undoStack()->redo();
            if (doc.composite() != after)
                error(p, QStringLiteral("cycle %1: redo did not restore the stroke").arg(i + 1));
            QCoreApplication::processEvents(); // the studio's event loop (the journal's sync timer)
            iterationDone(p);
        }
        p.extra["undo_steps"] = doc.undoStack()->count();
        p.extra["undo_mib"] = static_cast<double>(doc.undoBytes()) / (1024.0 * 1024.0);
        if (journal) {
            if (journal->hasError())
                error(p, QStringLiteral("journal: ") + journal->errorString());
            p.extra["journal_records"] = journal->records();
        }
        doc.setJournal(nullptr);
    }

    int m_styleRuns = 500, m_samples = 10000, m_undoCycles = 200, m_size = 256;
    std::string m_input, m_generator = "noto-emoji";
    std::vector<std::string> m_styles;
    double m_warmupPercent = 10, m_maxGrowth = 5;
    bool m_json = false, m_quiet = false;

    QImage m_picture;
    std::unique_ptr<QTemporaryDir> m_tmp; ///< the journals, removed at exit
    bool m_peakReset = false;
    QElapsedTimer m_progressClock;
    qint64 m_lastProgress = -1;
};

} // namespace

std::unique_ptr<Command> makeSoakCommand()
{
    return std::make_unique<SoakCommand>();
}

} // namespace ganvas::cli
