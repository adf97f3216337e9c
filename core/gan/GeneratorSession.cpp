// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/gan/GeneratorSession.h"

#include "core/engine/gan/GanNetworks.h"
#include "core/engine/gan/LatentDirections.h"
#include "core/engine/gan/Projection.h"
#include "core/engine/nn/TorchCompat.h"
#include "core/image/ImageBridge.h"
#include "core/jobs/JobRunner.h"
#include "core/models/ModelCatalogue.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QPainter>
#include <QPointer>

#include <opencv2/imgproc.hpp>

#include <mutex>
#include <random>
#include <stdexcept>

namespace ganvas::core {

namespace {

torch::Tensor toTensor(const Latent& l)
{
    return torch::from_blob(const_cast<float*>(l.constData()), {1, l.size()}, torch::kFloat32).clone();
}

Latent fromTensor(const torch::Tensor& t)
{
    const auto c = t.to(torch::kFloat32).contiguous().cpu().view({-1});
    Latent l(static_cast<int>(c.numel()));
    std::memcpy(l.data(), c.data_ptr<float>(), sizeof(float) * static_cast<size_t>(c.numel()));
    return l;
}

QJsonObject toQJson(const nlohmann::json& j)
{
    if (!j.is_object())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromStdString(j.dump())).object();
}

double norm(const Latent& l)
{
    double s = 0;
    for (float v : l)
        s += static_cast<double>(v) * v;
    return std::sqrt(s);
}

engine::Generator copyGenerator(engine::Generator& from)
{
    engine::Generator to(from->options());
    auto state = engine::moduleState(*from);
    engine::loadModuleState(*to, state, "generator copy");
    to->eval();
    return to;
}

} // namespace

struct GeneratorModel::Private {
    engine::LoadedGenerator gen;
    GeneratorInfo info;
    /// Directions times their slider scale, as plain floats: moved() is called on the UI thread
    /// for every slider tick and needs no tensor.
    std::vector<std::vector<float>> steps;
    mutable std::mutex mutex;
};

GeneratorModel::GeneratorModel() : d(std::make_unique<Private>()) {}
GeneratorModel::~GeneratorModel() = default;

std::shared_ptr<GeneratorModel> GeneratorModel::load(const QString& folder)
{
    ModelCatalogue::requireVerified(folder); // a damaged or swapped weights file is refused here
    std::shared_ptr<GeneratorModel> m(new GeneratorModel());
    try {
        m->d->gen = engine::loadGenerator(folder.toStdString());
    } catch (const c10::Error& e) {
        throw std::runtime_error(engine::torchErrorMessage(e));
    }
    auto& g = m->d->gen;
    if (!g.directions.defined()) {
        // Models without stored directions (e.g. the Python baseline) get them now (~1 s).
        const auto dirs = engine::computeDirections(g.net, std::min<int64_t>(16, g.options.latentDim), 2048);
        g.directions = dirs.directions;
        g.directionScale = dirs.scale;
        g.config["directions_explained"] = std::vector<float>(dirs.explained.data_ptr<float>(),
                                                              dirs.explained.data_ptr<float>() + dirs.explained.numel());
    }
    for (int64_t k = 0; k < g.directions.size(0); ++k) {
        const auto row = (g.directions[k] * g.directionScale[k]).to(torch::kFloat32).contiguous();
        m->d->steps.emplace_back(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
    }
    auto& info = m->d->info;
    info.id = QString::fromStdString(g.id);
    info.name = QString::fromStdString(g.name);
    info.folder = folder;
    info.resolution = static_cast<int>(g.options.resolution);
    info.latentDim = static_cast<int>(g.options.latentDim);
    info.directionCount = static_cast<int>(g.directions.size(0));
    info.license = QString::fromStdString(g.config.value("license", std::string()));
    info.source = QString::fromStdString(g.config.value("source", std::string()));
    info.description = QString::fromStdString(g.config.value("description", std::string()));
    info.evaluation = toQJson(g.config.value("evaluation", nlohmann::json::object()));
    info.training = toQJson(g.config.value("training", nlohmann::json::object()));
    // Explained variance: stored in directions.safetensors, or computed above.
    try {
        const auto file = std::filesystem::path(folder.toStdString()) / "directions.safetensors";
        if (std::filesystem::exists(file)) {
            const auto dirs = engine::loadDirections(file, g.options.latentDim);
            for (int64_t k = 0; k < dirs.explained.numel(); ++k)
                info.explained.push_back(dirs.explained[k].item<double>());
        } else if (g.config.contains("directions_explained")) {
            for (const auto& v : g.config["directions_explained"])
                info.explained.push_back(v.get<double>());
        }
    } catch (const std::exception&) {
        info.explained.clear();
    }
    return m;
}

const GeneratorInfo& GeneratorModel::info() const
{
    return d->info;
}

Latent GeneratorModel::latentForSeed(qint64 seed) const
{
    return fromTensor(engine::latentsForSeed(seed, 1, d->gen.options.latentDim));
}

Latent GeneratorModel::moved(const Latent& base, const QVector<double>& offsets) const
{
    if (base.size() != d->info.latentDim)
        throw std::invalid_argument("latent has the wrong length for this generator");
    Latent z = base;
    const int k = std::min(static_cast<int>(offsets.size()), static_cast<int>(d->steps.size()));
    for (int i = 0; i < k; ++i)
        if (offsets[i] != 0)
            for (int j = 0; j < z.size(); ++j)
                z[j] = static_cast<float>(z[j] + offsets[i] * d->steps[static_cast<size_t>(i)][static_cast<size_t>(j)]);
    return z;
}

QVector<QImage> GeneratorModel::render(const QVector<Latent>& latents, double truncation) const
{
    QVector<QImage> out;
    if (latents.isEmpty())
        return out;
    std::vector<torch::Tensor> rows;
    for (const auto& l : latents) {
        if (l.size() != d->info.latentDim)
            throw std::invalid_argument("latent has the wrong length for this generator");
        rows.push_back(toTensor(l));
    }
    torch::Tensor images;
    {
        std::lock_guard lock(d->mutex);
        images = engine::sampleImages(d->gen.net, torch::cat(rows), truncation);
    }
    for (int64_t i = 0; i < images.size(0); ++i)
        out.push_back(tensorToImage(images[i]).convertToFormat(QImage::Format_RGBA8888));
    return out;
}

Latent interpolateLatents(const Latent& a, const Latent& b, double t)
{
    if (a.size() != b.size())
        throw std::invalid_argument("latents differ in length");
    const double na = norm(a), nb = norm(b);
    double dot = 0;
    for (int i = 0; i < a.size(); ++i)
        dot += static_cast<double>(a[i]) * b[i];
    const double cosine = (na > 0 && nb > 0) ? std::clamp(dot / (na * nb), -1.0, 1.0) : 1.0;
    const double omega = std::acos(cosine);
    Latent out(a.size());
    if (omega < 1e-4) {
        for (int i = 0; i < a.size(); ++i)
            out[i] = static_cast<float>((1 - t) * a[i] + t * b[i]);
        return out;
    }
    const double sa = std::sin((1 - t) * omega) / std::sin(omega), sb = std::sin(t * omega) / std::sin(omega);
    for (int i = 0; i < a.size(); ++i)
        out[i] = static_cast<float>(sa * a[i] + sb * b[i]);
    return out;
}

QVector<Latent> breedLatents(const Latent& a, const Latent& b, int count, double mutation, quint64 seed)
{
    if (a.size() != b.size())
        throw std::invalid_argument("parents differ in length");
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> uniform(0, 1);
    const double targetNorm = (norm(a) + norm(b)) / 2;
    mutation = std::clamp(mutation, 0.0, 1.0);
    QVector<Latent> children;
    for (int c = 0; c < count; ++c) {
        Latent child(a.size());
        if (c % 2 == 0) {
            // Crossover: each coordinate from one parent.
            for (int i = 0; i < a.size(); ++i)
                child[i] = uniform(rng) < 0.5 ? a[i] : b[i];
        } else {
            const double t = 0.2 + 0.6 * uniform(rng);
            child = interpolateLatents(a, b, t);
        }
        for (auto& v : child)
            v = static_cast<float>(v + mutation * normal(rng));
        const double n = norm(child);
        if (n > 0)
            for (auto& v : child)
                v = static_cast<float>(v * targetNorm / n);
        children.push_back(child);
    }
    return children;
}

Latent randomLatent(int latentDim, quint64 seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Latent l(latentDim);
    for (auto& v : l)
        v = static_cast<float>(normal(rng));
    return l;
}

QImage resizeForCanvas(const QImage& image, const QSize& size)
{
    if (image.isNull() || size.isEmpty())
        throw std::invalid_argument("nothing to resize");
    if (size.width() > 16384 || size.height() > 16384)
        throw std::invalid_argument("the size must be at most 16384 px on a side");
    const auto src = imageToMat(image, Alpha::Drop);
    cv::Mat dst;
    const bool enlarge = size.width() > src.cols || size.height() > src.rows;
    cv::resize(src, dst, cv::Size(size.width(), size.height()), 0, 0, enlarge ? cv::INTER_LANCZOS4 : cv::INTER_AREA);
    return matToImage(dst).convertToFormat(QImage::Format_RGBA8888);
}

// ----- LatentRenderer -----

namespace {

class GeneratorLoadJob final : public engine::Job {
public:
    GeneratorLoadJob(QString folder, QString name, std::shared_ptr<GeneratorLoad> into)
        : m_folder(std::move(folder)), m_name(std::move(name)), m_into(std::move(into))
    {}
    std::string title() const override
    {
        return QCoreApplication::translate("ganvas::core::LatentRenderer", "Load generator “%1”")
            .arg(m_name)
            .toStdString();
    }
    engine::JobPriority priority() const override { return engine::JobPriority::Interactive; }
    bool transient() const override { return true; }
    void run(engine::JobContext& ctx) override
    {
        ctx.throwIfCancelled();
        auto model = GeneratorModel::load(m_folder);
        ctx.throwIfCancelled();
        m_into->model = std::move(model);
    }

private:
    QString m_folder, m_name;
    std::shared_ptr<GeneratorLoad> m_into;
};

/// One render request: Interactive (a slider is being dragged), transient (job lists show it
/// only when it runs long).
class LatentRenderJob final : public engine::Job {
public:
    LatentRenderJob(std::shared_ptr<GeneratorModel> model, QVector<Latent> latents, double truncation)
        : m_model(std::move(model)), m_latents(std::move(latents)), m_truncation(truncation)
    {}
    std::string title() const override
    {
        return QCoreApplication::translate("ganvas::core::LatentRenderer", "Render %n latent(s)", nullptr,
                                           static_cast<int>(m_latents.size()))
            .toStdString();
    }
    engine::JobPriority priority() const override { return engine::JobPriority::Interactive; }
    bool transient() const override { return true; }
    void run(engine::JobContext& ctx) override
    {
        ctx.throwIfCancelled();
        m_images = m_model->render(m_latents, m_truncation);
    }
    const QVector<QImage>& images() const { return m_images; }

private:
    std::shared_ptr<GeneratorModel> m_model;
    QVector<Latent> m_latents;
    double m_truncation;
    QVector<QImage> m_images;
};

} // namespace

std::shared_ptr<engine::Job> makeGeneratorLoadJob(const QString& folder, const QString& name,
                                                  std::shared_ptr<GeneratorLoad> into)
{
    return std::make_shared<GeneratorLoadJob>(folder, name, std::move(into));
}

LatentRenderer::LatentRenderer(JobRunner* runner, QObject* parent) : QObject(parent), m_runner(runner)
{
    Q_ASSERT(runner);
}

LatentRenderer::~LatentRenderer()
{
    clear();
}

void LatentRenderer::request(std::shared_ptr<GeneratorModel> model, const QString& tag, const QVector<Latent>& latents,
                             double truncation)
{
    if (!model)
        return;
    auto job = std::make_shared<LatentRenderJob>(std::move(model), latents, truncation);
    SubmitOptions options;
    options.coalesceKey = QStringLiteral("latent-render/%1/%2").arg(reinterpret_cast<quintptr>(this)).arg(tag);
    JobHandle* handle = m_runner->submit(job, options);
    m_latest.insert(tag, handle);
    connect(handle, &JobHandle::finished, this, [this, tag, job] {
        ++m_rendered;
        Q_EMIT rendered(tag, job->images());
    });
    connect(handle, &JobHandle::failed, this, [this, tag](const QString& message) { Q_EMIT failed(tag, message); });
    // Replaced by a newer request (coalescing) it reports nothing; cancelled from elsewhere (the
    // Jobs dock) it reports, so that whoever waits for the tag stops waiting.
    connect(handle, &JobHandle::cancelled, this, [this, tag, handle] {
        if (m_latest.value(tag) == handle)
            Q_EMIT failed(tag, tr("cancelled"));
    });
    connect(handle, &JobHandle::ended, this, [this, tag, handle] {
        if (m_latest.value(tag) == handle)
            m_latest.remove(tag);
    });
}

void LatentRenderer::clear()
{
    for (const QPointer<JobHandle>& handle : std::as_const(m_latest))
        if (handle && m_runner->cancelIfWaiting(handle->id()))
            disconnect(handle, nullptr, this, nullptr); // a waiting request reports nothing
    m_latest.clear();
}

// ----- ProjectionTask -----

namespace {

/// The picture to project, flattened onto white.
torch::Tensor projectionTarget(const QImage& target)
{
    if (target.isNull() || target.width() < 1 || target.height() < 1)
        throw std::invalid_argument("there is nothing to project");
    QImage flat(target.size(), QImage::Format_RGB888);
    flat.fill(Qt::white);
    {
        QPainter p(&flat);
        p.drawImage(0, 0, target);
    }
    return imageToTensor(flat);
}

/// A projection whose target is made on the worker (from a snapshot of the canvas: compositing a
/// big area must not hold the GUI thread), then projected.
class SourcedProjectionJob final : public engine::Job {
public:
    SourcedProjectionJob(engine::LoadedGenerator generator, std::function<QImage()> source,
                         engine::ProjectionOptions options)
        : m_generator(std::move(generator)), m_source(std::move(source)), m_options(options)
    {
    }
    std::string title() const override { return "Project into " + m_generator.name; }
    void run(engine::JobContext& ctx) override
    {
        ctx.progress(0, m_options.steps, "Reading the canvas");
        auto target = projectionTarget(m_source());
        ctx.throwIfCancelled();
        m_projection = std::make_shared<engine::ProjectionJob>(std::move(m_generator), std::move(target), m_options);
        m_projection->run(ctx);
    }
    /// After run(); null before.
    std::shared_ptr<engine::ProjectionJob> projection() const { return m_projection; }

private:
    engine::LoadedGenerator m_generator;
    std::function<QImage()> m_source;
    engine::ProjectionOptions m_options;
    std::shared_ptr<engine::ProjectionJob> m_projection;
};

} // namespace

struct ProjectionTask::Private {
    std::shared_ptr<engine::ProjectionJob> job;    ///< a picture given up front
    std::shared_ptr<SourcedProjectionJob> sourced; ///< a picture made by the job
    std::shared_ptr<engine::ProjectionJob> projection() const { return job ? job : sourced->projection(); }
};

engine::LoadedGenerator ProjectionTask::generatorOf(const GeneratorModel& model)
{
    std::lock_guard lock(model.d->mutex);
    engine::LoadedGenerator gen = model.d->gen;
    gen.net = copyGenerator(model.d->gen.net); // the job sets requires_grad; renders go on
    return gen;
}

ProjectionTask::ProjectionTask(std::shared_ptr<GeneratorModel> model, const QImage& target, int steps)
    : d(std::make_unique<Private>())
{
    if (!model)
        throw std::invalid_argument("no generator chosen");
    auto flat = projectionTarget(target);
    engine::ProjectionOptions options;
    options.steps = std::clamp(steps, 1, 100000);
    d->job = std::make_shared<engine::ProjectionJob>(generatorOf(*model), std::move(flat), options);
}

ProjectionTask::ProjectionTask(std::shared_ptr<GeneratorModel> model, std::function<QImage()> target, int steps)
    : d(std::make_unique<Private>())
{
    if (!model)
        throw std::invalid_argument("no generator chosen");
    if (!target)
        throw std::invalid_argument("there is nothing to project");
    engine::ProjectionOptions options;
    options.steps = std::clamp(steps, 1, 100000);
    d->sourced = std::make_shared<SourcedProjectionJob>(generatorOf(*model), std::move(target), options);
}

ProjectionTask::~ProjectionTask() = default;

std::shared_ptr<engine::Job> ProjectionTask::job() const
{
    return d->job ? std::static_pointer_cast<engine::Job>(d->job) : d->sourced;
}

Latent ProjectionTask::latent() const
{
    const auto p = d->projection();
    return p && p->latent().defined() ? fromTensor(p->latent()) : Latent();
}

QImage ProjectionTask::image() const
{
    const auto p = d->projection();
    return p && p->image().defined() ? tensorToImage(p->image()).convertToFormat(QImage::Format_RGBA8888) : QImage();
}

double ProjectionTask::pixelError() const
{
    const auto p = d->projection();
    return p ? p->pixelError() : 0.0;
}

} // namespace ganvas::core
