// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleTrainer.h
/// Trains a TransformerNet for one style (or a weighted blend of several) with the perceptual
/// loss of Johnson et al. measured in a LossNetwork. A Job: progress, previews of a fixed content
/// image, cancellation; checkpoints (weights + Adam state + step, in safetensors) every N steps
/// and at cancel, and resume from the last one. The optimisation step is kept apart from data
/// loading and checkpointing (DESIGN.md §3). The engine cannot decode images: the caller hands
/// in batches through a BatchSource (core reads folders of images with OpenCV).

#include "core/engine/jobs/Job.h"
#include "core/engine/nn/TorchCompat.h"
#include "core/engine/style/LossNetwork.h"
#include "core/engine/style/TransformerNet.h"

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ganvas::engine {

/// Returns a [batch,3,size,size] float batch in [0,1] for @p step. Must be deterministic in
/// @p step so a resumed run sees the same data as an uninterrupted one.
using BatchSource = std::function<torch::Tensor(int64_t step, int64_t batch, int64_t size)>;

struct StyleTrainOptions {
    std::string id = "my-style";       ///< model id written to config.json
    std::string name = "My style";
    std::filesystem::path outputDir;   ///< receives weights.safetensors, config.json, checkpoint.safetensors
    TransformerOptions network;
    RandomLossNetworkOptions lossNetwork;
    std::filesystem::path torchScriptLossNetwork; ///< optional user-imported VGG (else random network)
    std::vector<torch::Tensor> styles; ///< [1,3,h,w] each
    std::vector<double> styleWeights;  ///< empty = equal
    int64_t steps = 1000;
    int64_t batch = 4;
    int64_t imageSize = 256;
    double learningRate = 2e-3;
    double contentWeight = 1.0;
    double styleWeight = 20.0;
    double tvWeight = 0.5;
    double styleScale = 1.0;           ///< style image side relative to imageSize
    StyleStatistic statistic = StyleStatistic::Gram; ///< what the style loss matches
    Precision precision = Precision::Float32;
    double maxSeconds = 0;             ///< > 0: stop (and finish normally) after this much training time
    int64_t checkpointEvery = 100;
    int64_t previewEvery = 25;
    torch::Tensor previewContent;      ///< [1,3,h,w]; previews stylise it (none when undefined)
    bool resume = false;               ///< continue from outputDir/checkpoint.safetensors when present
    torch::Device device = torch::kCPU;
    nlohmann::json extraConfig = nlohmann::json::object(); ///< merged into config.json (category, source...)
};

struct StyleTrainStats {
    int64_t firstStep = 0;   ///< 0, or the checkpoint's step when resumed
    int64_t stepsDone = 0;   ///< the step reached (== options.steps when finished)
    double lastLoss = 0, lastContentLoss = 0, lastStyleLoss = 0;
    double seconds = 0;
    double imagesPerSecond = 0;
};

class StyleTrainJob : public Job {
public:
    StyleTrainJob(StyleTrainOptions options, BatchSource source);
    std::string title() const override;
    torch::Device device() const override { return m_options.device; }
    /// Background: gives way between steps to work a user waits for (its time is not counted).
    JobPriority priority() const override { return JobPriority::Background; }
    /// Trains; on cancel writes a checkpoint first (then throws JobCancelled). On finishing writes
    /// weights.safetensors (fp16) and config.json (kind "style") and removes the checkpoint.
    void run(JobContext& ctx) override;
    const StyleTrainStats& stats() const { return m_stats; }

private:
    void saveCheckpoint(TransformerNet& net, torch::optim::Adam& adam, int64_t step) const;
    int64_t loadCheckpoint(TransformerNet& net, torch::optim::Adam& adam) const;

    StyleTrainOptions m_options;
    BatchSource m_source;
    StyleTrainStats m_stats;
};

/// Loads a trained style: parses @p folder's config.json (kind must be "style", architecture
/// "johnson") and its weights. Throws std::runtime_error / ModelConfigError with a clear message.
TransformerNet loadStyleNet(const std::filesystem::path& folder);

} // namespace ganvas::engine
