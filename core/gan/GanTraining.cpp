// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/gan/GanTraining.h"

#include "core/engine/gan/GanTrainer.h"
#include "core/engine/nn/Device.h"
#include "core/gan/GanDataset.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace ganvas::core {

namespace {

QString idFromName(const QString& name)
{
    QString id = name.toLower();
    id.replace(QRegularExpression(QStringLiteral("[^a-z0-9._-]+")), QStringLiteral("-"));
    id.remove(QRegularExpression(QStringLiteral("^[^a-z0-9]+")));
    id = id.left(64);
    return id.isEmpty() ? QStringLiteral("my-generator") : id;
}

/// Prepares the data on the worker thread, then trains.
class TrainingJob : public engine::Job {
public:
    TrainingJob(GanTrainRequest request, engine::GanTrainOptions options)
        : m_request(std::move(request)), m_options(std::move(options))
    {
    }
    std::string title() const override { return m_options.name.empty() ? "Train generator" : "Train generator: " + m_options.name; }
    torch::Device device() const override { return m_options.device; }
    engine::JobPriority priority() const override { return engine::JobPriority::Background; }

    void run(engine::JobContext& ctx) override
    {
        GanDatasetOptions data;
        data.resolution = m_request.resolution;
        data.crop = m_request.crop;
        GanDatasetReport report;
        torch::Tensor images;
        try {
            images = prepareGanDataset(m_request.dataFolder, data, &report, [&ctx](int done, int total) {
                ctx.progress(done, total, "reading images " + std::to_string(done) + "/" + std::to_string(total));
                return !ctx.cancelled();
            });
        } catch (const std::runtime_error&) {
            ctx.throwIfCancelled();
            throw;
        }
        {
            std::lock_guard lock(m_mutex);
            m_summary = report.summary();
        }
        ctx.log(engine::LogLevel::Info, report.summary().toStdString());
        auto inner = std::make_shared<engine::GanTrainJob>(m_options, images);
        {
            std::lock_guard lock(m_mutex);
            m_inner = inner;
            inner->setPaused(m_paused);
        }
        inner->run(ctx);
    }

    void setPaused(bool paused)
    {
        std::lock_guard lock(m_mutex);
        m_paused = paused;
        if (m_inner)
            m_inner->setPaused(paused);
    }
    bool paused() const
    {
        std::lock_guard lock(m_mutex);
        return m_paused;
    }
    std::shared_ptr<engine::GanTrainJob> inner() const
    {
        std::lock_guard lock(m_mutex);
        return m_inner;
    }
    QString summary() const
    {
        std::lock_guard lock(m_mutex);
        return m_summary;
    }

private:
    GanTrainRequest m_request;
    engine::GanTrainOptions m_options;
    mutable std::mutex m_mutex;
    std::shared_ptr<engine::GanTrainJob> m_inner;
    bool m_paused = false;
    QString m_summary;
};

} // namespace

struct GanTrainTask::Private {
    GanTrainRequest request;
    std::shared_ptr<TrainingJob> job;
};

GanTrainTask::GanTrainTask(const GanTrainRequest& request) : d(std::make_unique<Private>())
{
    d->request = request;
    auto& r = d->request;
    if (r.dataFolder.isEmpty() || !QFileInfo(r.dataFolder).isDir())
        throw std::invalid_argument(QObject::tr("The data folder '%1' does not exist.").arg(r.dataFolder).toStdString());
    if (r.outputFolder.isEmpty())
        throw std::invalid_argument(QObject::tr("Choose where the new generator goes.").toStdString());
    if (QDir(r.outputFolder).absolutePath().startsWith(QDir(r.dataFolder).absolutePath() + QLatin1Char('/')))
        throw std::invalid_argument(QObject::tr("The output folder must not be inside the data folder.").toStdString());
    if (r.crop != QLatin1String("centre") && r.crop != QLatin1String("random"))
        throw std::invalid_argument(QObject::tr("Crop must be 'centre' or 'random'.").toStdString());
    if (r.name.isEmpty())
        r.name = QFileInfo(r.outputFolder).fileName();
    if (r.id.isEmpty())
        r.id = idFromName(r.name);

    engine::GanTrainOptions o;
    o.id = r.id.toStdString();
    o.name = r.name.toStdString();
    o.outputDir = r.outputFolder.toStdString();
    o.network.type = engine::ganArchitectureFromName(r.architecture.toStdString()); // names both on a typo
    o.network.resolution = r.resolution;
    o.network.latentDim = r.latentDim;
    o.network.gChannels = r.channels;
    o.network.dChannels = r.channels;
    o.network.validate(); // "resolution 7 is not supported: use 32, 64, 128 or 256"
    o.augment = engine::DiffAugmentOptions::parse(r.augment.toStdString());
    o.steps = r.steps;
    o.batch = r.batch;
    o.maxSeconds = r.minutes > 0 ? r.minutes * 60.0 : 0;
    o.resume = r.resume;
    o.device = engine::resolveDevice(r.device.toStdString());
    o.precision = engine::resolvePrecision(r.precision.toStdString(), o.device);
    o.previewEvery = r.previewEvery;
    o.checkpointEvery = r.checkpointEvery;
    o.evalEvery = r.evalEvery;
    o.seed = r.seed;
    o.extraConfig["source"] = "trained by Ganvas on the images in " + r.dataFolder.toStdString();
    if (o.steps < 1 || o.steps > 100'000'000)
        throw std::invalid_argument(QObject::tr("Steps must be between 1 and 100000000.").toStdString());
    if (o.batch < 2 || o.batch > 1024)
        throw std::invalid_argument(QObject::tr("Batch must be between 2 and 1024.").toStdString());
    d->job = std::make_shared<TrainingJob>(r, std::move(o));
}

MemoryEstimate estimateGanTrainingMemory(const GanTrainRequest& request)
{
    // Calibration (docs/PERFORMANCE.md, "Memory pre-flight"), fitted to three measured runs
    // (32 px batch 2, 64 px batch 32, 128 px batch 16) and raised by 15 %: bytes per activation
    // value of one image through generator and discriminator in a step (forward values,
    // batch-norm and augmentation temporaries, gradients; D sees a real and a fake batch);
    // bytes per output pixel for what grows with the resolution but not the batch (the data
    // set prepared and cached at that size, the evaluation's samples); and what any run adds.
    constexpr double kBytesPerActivation = 18;
    constexpr double kBytesPerResolutionPixel = 80e3;
    constexpr double kFixed = 200e6;
    engine::GanOptions o;
    o.resolution = request.resolution;
    o.latentDim = request.latentDim;
    o.gChannels = o.dChannels = request.channels;
    MemoryEstimate e;
    try {
        o.type = engine::ganArchitectureFromName(request.architecture.toStdString());
        o.validate();
    } catch (const std::exception&) {
        return e; // the task's constructor reports it
    }
    const int levels = o.levels();
    double params = double(o.latentDim) * o.channelsAt(0, o.gChannels) * 16;
    double activations = 3.0 * o.resolution * o.resolution;
    for (int l = 0; l < levels; ++l) {
        const double side = 4.0 * (1 << l);
        const double c = static_cast<double>(o.channelsAt(l, o.gChannels));
        const double next = l + 1 < levels ? static_cast<double>(o.channelsAt(l + 1, o.gChannels)) : 3.0;
        params += 2 * 16 * c * next; // one transposed convolution in G, its mirror in D
        activations += 2 * c * side * side;
    }
    // FastGAN keeps about three times the values a level: a convolution to twice the channels,
    // its batch norm and the GLU in G; two paths and a decoder in D. Not yet fitted to a
    // measured peak: an upper-side guess that only makes the pre-flight more careful.
    if (o.type == engine::GanArchitecture::FastGAN)
        activations *= 3;
    const double bytes = kFixed + params * 16 + kBytesPerResolutionPixel * o.resolution * o.resolution +
                         kBytesPerActivation * std::max(1, request.batch) * activations;
    e.bytes = static_cast<int64_t>(bytes);
    e.what = QObject::tr("%1 images of %2 × %2 px a step, %3 M parameters with Adam")
                 .arg(request.batch)
                 .arg(request.resolution)
                 .arg(params / 1e6, 0, 'f', 1)
                 .toStdString();
    return e;
}

GanTrainTask::~GanTrainTask() = default;

std::shared_ptr<engine::Job> GanTrainTask::job() const
{
    return d->job;
}

const GanTrainRequest& GanTrainTask::request() const
{
    return d->request;
}

void GanTrainTask::setPaused(bool paused)
{
    d->job->setPaused(paused);
}

bool GanTrainTask::paused() const
{
    return d->job->paused();
}

QVector<GanCurvePoint> GanTrainTask::curves() const
{
    QVector<GanCurvePoint> out;
    if (const auto inner = d->job->inner())
        for (const auto& p : inner->history())
            out.push_back({p.step, p.dLoss, p.gLoss, p.imagesPerSecond, p.seconds});
    return out;
}

QVector<QPair<qint64, double>> GanTrainTask::swdHistory() const
{
    QVector<QPair<qint64, double>> out;
    if (const auto inner = d->job->inner())
        for (const auto& e : inner->evaluations())
            out.push_back({e.step, e.swd});
    return out;
}

QString GanTrainTask::dataSummary() const
{
    return d->job->summary();
}

} // namespace ganvas::core
