// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleRequest.h
/// What applying a style needs, in Qt types only, and StyleTask: the facade the UI holds for a
/// running style job (DESIGN.md §1: Torch stays behind core). The work itself is StyleJob
/// (StyleJob.h, engine-facing).

#include "core/document/Layer.h"
#include "core/jobs/MemoryPreflight.h"
#include "core/models/ModelCatalogue.h"

#include <QImage>
#include <QPair>
#include <QString>
#include <QVector>

#include <memory>

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {

class StyleJob;

enum class StyleMethod { Auto, Network, Optimisation, Classic };

/// "auto", "network", "optimisation" (also "gatys"), "classic"; false for anything else.
bool parseStyleMethod(const QString& text, StyleMethod* method);

/// The method a style uses when asked for Auto (from its architecture type).
StyleMethod defaultMethod(const ModelEntry& style);

/// Optimisation (Gatys) settings; see engine::GatysOptions for their meaning.
struct OptimisationSettings {
    bool adam = false;          ///< Adam instead of L-BFGS
    int iterations = 100;
    QVector<int> passIterations;  ///< per whole-image pass, coarsest first (see GatysOptions)
    double learningRate = 0.03;
    double styleWeight = 20.0;
    double styleScale = 1.0;
    int startSide = 128;
    int maxWholeSide = 1024;
    int tileIterations = 40;
    int previewEvery = 10;
    /// Each pass starts from the style's marks laid over the enlarged previous pass (see
    /// GatysOptions::seedMarks); false = classic Gatys, the yardstick style-eval measures against.
    bool marks = true;
};

/// The quick schedule for optimisation (issue #13: any picture as a style in seconds): most
/// iterations on the small passes, a few at full size. Apply and `ganvas-cli style` use it unless
/// full quality is asked for; docs/PERFORMANCE.md ("Any picture as a style") has what it reaches
/// against the full optimisation and in how long.
OptimisationSettings quickOptimisation();

/// The pixel size a style's marks have: its training crop size times its style scale (from
/// config.json "training"), or @p side when it was not trained (a picture style).
int styleMarkSide(const ModelEntry& style, int side);

struct StyleRequest {
    ModelEntry style;
    /// More styles blended with the first (optimisation only): entry and weight.
    QVector<QPair<ModelEntry, double>> blendWith;
    double styleWeight = 1.0;      ///< weight of @ref style in a blend
    QImage content;                ///< any format; alpha is carried through unchanged
    /// Instead of @ref content: a snapshot of a document's layers (copy-on-write tile handles,
    /// cheap to take on the UI thread), read on the worker: @ref area of layer @ref layer, or of
    /// the visible composite when @ref layer is -1.
    QVector<Layer> layers;
    QRect area;
    int layer = -1;
    QImage mask;                   ///< optional, the content's (or area's) size, grey: 0 = untouched, 255 = full style
    double strength = 1.0;         ///< 0..1
    QString colour = QStringLiteral("style"); ///< "style", "luminance" or "histogram"
    StyleMethod method = StyleMethod::Auto;
    int maxSide = 0;               ///< > 0: work on (and return) a copy no larger than this (previews)
    /// Network method: tile edge in px (128..4096). Smaller tiles need less memory (one tile's
    /// activations are held at a time) and take a little longer; the pre-flight offers them.
    int tileSize = 1536;
    OptimisationSettings optimisation;
    /// Network method, for a style that ships its picture ("Fast, then refine"): the network's
    /// result comes first (the job's first preview, pass -1, at once), then the optimisation
    /// (@ref optimisation, at the network's mark size) streams its passes over it and gives the
    /// result; acceptNow() keeps what was shown last, the network's result if it comes before
    /// the optimisation's first preview.
    bool refine = false;
    /// The studio's own preview work (gallery previews, canvas thumbnails, Live): a transient job
    /// (engine::Job::transient), which the Jobs dock lists only while it runs long.
    bool transient = false;
    QString lossNetwork;           ///< optional user-imported TorchScript VGG for optimisation
    QString precision = QStringLiteral("fp32");
    QString device = QStringLiteral("cpu");
};

/// The size a request works at: its content's (or area's), shrunk to maxSide when set.
QSize styleWorkSize(const StyleRequest& request);

/// Expected peak memory of running @p request (above the process before it), calibrated
/// against measured peaks (docs/PERFORMANCE.md, "Memory pre-flight"): the picture-sized buffers
/// (8-bit copies, float RGBA/RGB, result, colour and strength blending) plus, for the network,
/// one tile's activations and the tile row band; for optimisation, the loss network's
/// activations and gradients at the largest whole-picture side. Errs high, within about 1.5×.
/// Any thread.
MemoryEstimate estimateStyleMemory(const StyleRequest& request);

/// A style job as the UI sees it: submit job() to the JobRunner, read result() after it finished.
class StyleTask {
public:
    /// Throws std::invalid_argument with a user-facing message for a request that cannot run.
    explicit StyleTask(const StyleRequest& request);
    std::shared_ptr<engine::Job> job() const;
    const StyleRequest& request() const;
    /// The method actually used (Auto resolved).
    StyleMethod method() const;
    /// Format_RGBA8888 result, valid after the job finished.
    QImage result() const;
    /// Stops an optimisation early and keeps its current image (any thread).
    void acceptNow();

private:
    std::shared_ptr<StyleJob> m_job;
};

/// A background job that trains a fast network for @p style (which must ship its style picture)
/// on the pictures in @p contentFolder, writing into the style's own folder (resumes a
/// checkpoint there). The folder is read on the job's worker, not here: the job reports each
/// picture read, logs "Training … on N pictures (M skipped)" and fails with a clear message when
/// none is usable. Throws std::runtime_error with a user-facing message when the folder does not
/// exist or the style picture cannot be read.
std::shared_ptr<engine::Job> makeStyleTrainingJob(const ModelEntry& style, const QString& contentFolder, int steps);

/// True when the style folder @p styleFolder holds a training checkpoint (a stopped Train… that
/// resumes from it).
bool hasStyleTrainingCheckpoint(const QString& styleFolder);

} // namespace ganvas::core
