// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GeneratorSession.h
/// The latent studio's model, in Qt types only (DESIGN.md §1: Torch stays behind core): a loaded
/// generator that renders latents to images, its GANSpace directions, breeding and interpolation
/// of latents, the background renderer slider drags use, and the projection of a picture into
/// the latent space.

#include <QHash>
#include <QImage>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSize>
#include <QString>
#include <QStringList>
#include <QVector>

#include <functional>
#include <memory>

namespace ganvas::engine {
class Job;
struct LoadedGenerator;
}

namespace ganvas::core {

class JobHandle;
class JobRunner;

/// A point in a generator's latent space (length = latentDim).
using Latent = QVector<float>;

struct GeneratorInfo {
    QString id, name, folder, license, source, description;
    int resolution = 0;
    int latentDim = 0;
    int directionCount = 0;        ///< GANSpace sliders available
    QVector<double> explained;     ///< per direction: fraction of early-layer variance, strongest first
    QJsonObject evaluation;        ///< config.json "evaluation" (SWD, RF-FID, diversity, memorisation), may be empty
    QJsonObject training;          ///< config.json "training", may be empty
};

class GeneratorModel {
public:
    /// Loads a generator folder (config.json + weights; directions.safetensors when present, else
    /// computed now, ~1 s). Throws std::runtime_error with a user-facing message.
    /// Call on a worker thread when the UI must not wait (it is fast for bundled 64 px models).
    static std::shared_ptr<GeneratorModel> load(const QString& folder);
    ~GeneratorModel();

    const GeneratorInfo& info() const;
    /// The deterministic latent of @p seed (same as `ganvas-cli sample --seed`): one LibTorch
    /// randn of latentDim floats (microseconds), any thread.
    Latent latentForSeed(qint64 seed) const;
    /// @p base moved along the directions: base + sum_k offsets[k] * scale_k * direction_k.
    /// offsets may be shorter than directionCount (missing = 0). Units: standard deviations.
    /// Plain arithmetic on cached floats (no tensors), any thread.
    Latent moved(const Latent& base, const QVector<double>& offsets) const;
    /// Renders latents to Format_RGBA8888 images of resolution² (opaque). Truncation psi in (0,1].
    /// Thread-safe (serialised internally); ~1 ms per 64 px image on 2 cores.
    QVector<QImage> render(const QVector<Latent>& latents, double truncation = 1.0) const;

private:
    friend class ProjectionTask;
    struct Private;
    GeneratorModel();
    std::unique_ptr<Private> d;
};

/// Where makeGeneratorLoadJob puts the generator it loaded.
struct GeneratorLoad {
    std::shared_ptr<GeneratorModel> model; ///< set when the job finished
};

/// GeneratorModel::load(@p folder) as an Interactive, transient job (the Latent Space dock waits
/// for it; it computes missing directions, about 1 s). Fails with the loader's message.
std::shared_ptr<engine::Job> makeGeneratorLoadJob(const QString& folder, const QString& name,
                                                  std::shared_ptr<GeneratorLoad> into);

/// Spherical interpolation between two latents (t in [0,1]); linear when nearly parallel.
Latent interpolateLatents(const Latent& a, const Latent& b, double t);
/// Children of two parents: each is a random per-coordinate crossover or a blend (t uniform) of
/// @p a and @p b plus Gaussian mutation of standard deviation @p mutation (0..1), then rescaled to
/// the parents' mean norm. Deterministic in @p seed.
QVector<Latent> breedLatents(const Latent& a, const Latent& b, int count, double mutation, quint64 seed);
/// A fresh random latent (standard normal) from @p seed.
Latent randomLatent(int latentDim, quint64 seed);

/// Enlarges (or shrinks) a generated image for the canvas with a Lanczos filter (OpenCV),
/// keeping it opaque. Used until the AI upscaler lands.
QImage resizeForCanvas(const QImage& image, const QSize& size);

/// Renders latents off the UI thread as Interactive jobs of a JobRunner (they run ahead of Apply
/// and make a training give way), latest request wins: a request replaces a waiting one with the
/// same tag (SubmitOptions::coalesceKey), so a slider drag is throttled to the render speed and
/// never queues stale work. Results come back on the thread that owns this object (the runner's).
class LatentRenderer : public QObject {
    Q_OBJECT
public:
    explicit LatentRenderer(JobRunner* runner, QObject* parent = nullptr);
    ~LatentRenderer() override;
    /// @p tag comes back with the images (e.g. "main", "dir3"). Independent tags do not replace
    /// each other; a newer request with the same tag replaces a waiting one, which reports
    /// nothing. A request cancelled from elsewhere (the Jobs dock) fails with "cancelled".
    void request(std::shared_ptr<GeneratorModel> model, const QString& tag, const QVector<Latent>& latents,
                 double truncation);
    /// Drops waiting requests (e.g. when the generator changes); they report nothing.
    void clear();
    /// Requests rendered so far (tests).
    int renderedCount() const { return m_rendered; }

Q_SIGNALS:
    void rendered(const QString& tag, const QVector<QImage>& images);
    void failed(const QString& tag, const QString& message);

private:
    JobRunner* m_runner;
    QHash<QString, QPointer<JobHandle>> m_latest; ///< by tag: the newest request's job
    int m_rendered = 0;
};

/// Projection of a picture into a generator's latent space, as the UI sees it: submit job() to the
/// JobRunner (previews arrive as the job's previews), read latent()/image() after it finished.
class ProjectionTask {
public:
    /// @p target any format (alpha composited on white). Throws std::invalid_argument when empty.
    ProjectionTask(std::shared_ptr<GeneratorModel> model, const QImage& target, int steps = 200);
    /// The target made by @p target on the job's worker when it starts (e.g. a snapshot of the
    /// canvas composited there: Project canvas on a 4096² canvas). An empty picture fails the job.
    ProjectionTask(std::shared_ptr<GeneratorModel> model, std::function<QImage()> target, int steps = 200);
    ~ProjectionTask();
    std::shared_ptr<engine::Job> job() const;
    Latent latent() const;
    QImage image() const;
    double pixelError() const; ///< RMS difference in [0,1] units

private:
    struct Private;
    std::unique_ptr<Private> d;
    static engine::LoadedGenerator generatorOf(const GeneratorModel& model);
};

} // namespace ganvas::core
