// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GanTrainer.h
/// Adversarial training for small datasets (issues #5, #14): non-saturating logistic loss, lazy R1
/// penalty on real images (Mescheder et al. 2018; every 16 steps, Karras et al. 2020),
/// DiffAugment on everything the discriminator sees (Zhao et al. 2020), an exponential moving
/// average of the generator (Karras et al. 2018) that is what gets saved and sampled, and
/// bf16 autocast when asked. A Job: progress with images/s and ETA, a grid of samples from fixed
/// latents as previews, pause, cancellation, checkpoints (atomic) and resume, evaluation (SWD)
/// on a schedule. On finishing writes weights.safetensors (fp16), directions.safetensors
/// (GANSpace) and config.json (kind "generator") with the final evaluation.

#include "core/engine/gan/DiffAugment.h"
#include "core/engine/gan/GanMetrics.h"
#include "core/engine/gan/GanNetworks.h"
#include "core/engine/jobs/Job.h"
#include "core/engine/nn/TorchCompat.h"

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace ganvas::engine {

struct GanTrainOptions {
    std::string id = "my-generator";
    std::string name = "My generator";
    std::filesystem::path outputDir;  ///< weights, config, checkpoint.safetensors go here
    GanOptions network;
    DiffAugmentOptions augment;
    bool mirror = true;               ///< random horizontal flips of real images
    int64_t steps = 5000;
    int64_t batch = 32;
    double learningRate = 2e-4;       ///< both networks, Adam betas (0.5, 0.99)
    double r1Gamma = -1;              ///< < 0: 0.0002 * R^2 / batch (Karras et al. 2020's heuristic)
    int64_t r1Every = 16;             ///< lazy regularisation interval
    double emaHalfLifeImages = 10000; ///< generator EMA half-life in images
    Precision precision = Precision::Float32;
    double maxSeconds = 0;            ///< > 0: stop (and finish normally) after this much time
    int64_t checkpointEvery = 500;
    int64_t previewEvery = 100;
    int64_t evalEvery = 1000;         ///< SWD against the data every N steps (0 = only at the end)
    int64_t evalSamples = 1024;       ///< samples for the final evaluation (capped by data size x4)
    uint64_t seed = 1;
    bool resume = false;
    torch::Device device = torch::kCPU;
    nlohmann::json extraConfig = nlohmann::json::object(); ///< merged into config.json
};

/// One row of the live loss curves.
struct GanTrainPoint {
    int64_t step = 0;
    double dLoss = 0, gLoss = 0, r1 = 0;
    double realScore = 0, fakeScore = 0; ///< mean D logits
    double imagesPerSecond = 0, seconds = 0;
    double reconstruction = 0; ///< a reconstructing discriminator's L1 error on real pictures (0: none)
};

struct GanEvalPoint {
    int64_t step = 0;
    double swd = 0; ///< mean SWD x1e3 over pyramid levels
};

class GanTrainJob : public Job {
public:
    /// @p data: the prepared training set, [N,3,R,R] uint8 RGB (CPU), R = network.resolution.
    /// Throws std::invalid_argument for bad options or data of the wrong shape.
    GanTrainJob(GanTrainOptions options, torch::Tensor data);
    std::string title() const override;
    torch::Device device() const override { return m_options.device; }
    /// Background: gives way between steps to work a user waits for (its time is not counted).
    JobPriority priority() const override { return JobPriority::Background; }
    void run(JobContext& ctx) override;

    /// Pauses / resumes training between steps (any thread). A paused job still answers cancel.
    void setPaused(bool paused) { m_paused = paused; }
    bool paused() const { return m_paused; }
    /// Snapshots of the curves so far (any thread).
    std::vector<GanTrainPoint> history() const;
    std::vector<GanEvalPoint> evaluations() const;
    int64_t firstStep() const { return m_firstStep; }
    const GanTrainOptions& options() const { return m_options; }
    /// Final evaluation (valid after run() finished).
    const GanEvaluation& evaluation() const { return m_evaluation; }

    /// The fixed latents the preview grid shows (64, seed 1234).
    static torch::Tensor previewLatents(int64_t latentDim);

private:
    GanTrainOptions m_options;
    torch::Tensor m_data;
    std::atomic<bool> m_paused{false};
    std::atomic<int64_t> m_firstStep{0};
    mutable std::mutex m_mutex;
    std::vector<GanTrainPoint> m_history;
    std::vector<GanEvalPoint> m_evals;
    GanEvaluation m_evaluation;
};

/// Re-estimates the batch-norm statistics of @p g for its current weights (cumulative average
/// over @p batches batches of random latents): an EMA generator's weights never produced the
/// running statistics it carries.
void recalibrateBatchNorm(Generator& g, int64_t batches = 16, int64_t batch = 64, uint64_t seed = 99);

/// The training step of one batch, shared with the benchmark.
struct GanStepper {
    GanStepper(const GanTrainOptions& options, Generator g, Discriminator d);
    /// One D step and one G step on @p real [B,3,R,R] in [-1,1]; R1 when @p r1. Returns D loss,
    /// G loss, R1, mean real and fake logits, and the reconstruction error (0 for "dcgan").
    std::array<double, 6> step(const torch::Tensor& real, bool r1);
    Generator g;
    Discriminator d;
    torch::optim::Adam gOpt, dOpt;
    GanTrainOptions options;
    double r1Gamma;
};

} // namespace ganvas::engine
