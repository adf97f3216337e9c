// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GanTraining.h
/// Training a generator on a folder of the artist's images, in Qt types only: the data are
/// prepared (decoded, cropped, resized, de-duplicated, cached) on the worker thread at the start
/// of the job, then engine::GanTrainJob trains. The UI's Train dialog and `ganvas-cli gan-train`
/// both use it.

#include "core/jobs/MemoryPreflight.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {

struct GanTrainRequest {
    QString dataFolder;
    QString outputFolder;        ///< the new generator's folder
    QString id, name;            ///< defaults from the output folder's name
    int resolution = 64;         ///< 32, 64, 128 or 256
    int batch = 32;
    int steps = 5000;
    double minutes = 0;          ///< > 0: stop after this long (and save)
    bool resume = false;         ///< continue from outputFolder/checkpoint.safetensors
    QString crop = QStringLiteral("centre"); ///< "centre" or "random"
    QString architecture = QStringLiteral("dcgan"); ///< "dcgan" or "fastgan" (engine/gan/GanNetworks.h)
    int channels = 32;           ///< generator and discriminator base channels
    int latentDim = 128;
    QString augment = QStringLiteral("colour,translation,cutout");
    QString precision = QStringLiteral("auto"); ///< "fp32", "bf16", or "auto": bf16 on CUDA or a CPU with native bf16
    QString device = QStringLiteral("auto");
    int previewEvery = 100;
    int checkpointEvery = 500;
    int evalEvery = 1000;
    quint64 seed = 1;
};

/// Expected peak memory of training @p request (above the process before it): both networks'
/// parameters with their gradients and Adam's two moments (16 bytes a parameter), the
/// activations that a batch keeps for the backward pass (batch × Σ channels × side² over the
/// levels of both networks), and what grows with the resolution alone (the prepared data set,
/// the evaluation's samples), fitted to measured peaks (docs/PERFORMANCE.md, "Memory
/// pre-flight"). Any thread; runs no tensor op.
MemoryEstimate estimateGanTrainingMemory(const GanTrainRequest& request);

struct GanCurvePoint {
    qint64 step = 0;
    double dLoss = 0, gLoss = 0, imagesPerSecond = 0, seconds = 0;
};

/// A training run as the UI sees it. Construct (validates the request; throws
/// std::invalid_argument with a user-facing message), submit job(), watch progress/previews from
/// the JobRunner, poll curves() for the loss plot, pause with setPaused().
class GanTrainTask {
public:
    explicit GanTrainTask(const GanTrainRequest& request);
    ~GanTrainTask();
    std::shared_ptr<engine::Job> job() const;
    const GanTrainRequest& request() const;
    void setPaused(bool paused);           ///< any thread
    bool paused() const;
    QVector<GanCurvePoint> curves() const; ///< any thread
    QVector<QPair<qint64, double>> swdHistory() const; ///< (step, mean SWD x1e3), any thread
    /// After the data were prepared: "412 images (3 unreadable, 5 duplicates skipped)".
    QString dataSummary() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ganvas::core
