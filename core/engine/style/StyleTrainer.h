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
#include <map>
#include <string>
#include <vector>

namespace ganvas::engine {

/// Returns a [batch,3,size,size] float batch in [0,1] for @p step. Must be deterministic in
/// @p step so a resumed run sees the same data as an uninterrupted one.
using BatchSource = std::function<torch::Tensor(int64_t step, int64_t batch, int64_t size)>;

/// One style of a several-style run: its picture and what its exported network is called.
struct StyleOutput {
    std::string id, name;
    torch::Tensor picture;                                   ///< [1,3,h,w]
    nlohmann::json extraConfig = nlohmann::json::object();   ///< merged into its config.json
};

/// The file a style training keeps its progress in, inside StyleTrainOptions::outputDir: written
/// every checkpoint interval and when stopped, removed when the training finishes.
inline constexpr const char* kStyleCheckpointFile = "checkpoint.safetensors";

struct StyleTrainOptions {
    std::string id = "my-style";       ///< model id written to config.json
    std::string name = "My style";
    std::filesystem::path outputDir;   ///< receives weights.safetensors, config.json, checkpoint.safetensors
    TransformerOptions network;
    RandomLossNetworkOptions lossNetwork;
    std::filesystem::path torchScriptLossNetwork; ///< optional user-imported VGG (else random network)
    std::vector<torch::Tensor> styles; ///< [1,3,h,w] each
    std::vector<double> styleWeights;  ///< empty = equal
    /// Several presets in one run (conditional instance normalisation, Dumoulin et al., ICLR
    /// 2017): the convolutions are shared, each style has its own normalisation scales and shifts,
    /// and each step trains one style (every style once per round of styles.size() steps, in an
    /// order drawn per round), so a new style costs a share of one run instead of a run of its
    /// own. Each style is written to outputDir/<id>/ as an ordinary preset (weights.safetensors,
    /// config.json); the run's checkpoint stays in outputDir. When set, `styles`, `styleWeights`,
    /// `id`, `name` and `extraConfig` are not used; network.styles is set to its size.
    std::vector<StyleOutput> multiStyle;
    int64_t steps = 1000;
    int64_t batch = 4;
    int64_t imageSize = 256;
    double learningRate = 2e-3;
    double contentWeight = 1.0;
    double styleWeight = 20.0;
    double tvWeight = 0.5;
    double styleScale = 1.0;           ///< style image side relative to imageSize
    StyleStatistic statistic = StyleStatistic::Gram; ///< what the style loss matches
    /// MeanCovariance: weight of the channel means (mostly the palette) against the covariance
    /// (the marks); below 1 the loss cannot be lowered much by a colour shift alone.
    double meanWeight = 1.0;
    /// > 0: the style loss compares the high-pass detail (picture minus its Gaussian blur of this
    /// sigma, in px) of the result and of the style picture, so marks count and colour does not;
    /// the content loss still sees the whole picture. 0: the whole picture (the default).
    double styleDetailSigma = 0;
    /// > 0: weight of a loss on the result's colours in pixels: the sliced Wasserstein distance
    /// between its pixel colours and the style picture's (channels, grey and opponent axes). The
    /// random loss network's statistics let a network lower the style loss with a colour cast
    /// (measured: green on every preset); this ties the palette to the picture. 0: none.
    double colourWeight = 0;
    /// The style loss compares the luminance of the result and of the style picture (marks and
    /// tones, not colour); the palette then comes from the colour term (colourWeight) alone.
    bool styleLuminance = false;
    Precision precision = Precision::Float32;
    /// > 0: stop after this much training time, write the network(s) as on finishing, and keep
    /// a checkpoint so that a resumed run with the same settings goes on towards `steps`.
    double maxSeconds = 0;
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
    std::vector<double> styleLosses; ///< several-style runs: each style's last style loss
};

class StyleTrainJob : public Job {
public:
    StyleTrainJob(StyleTrainOptions options, BatchSource source);
    std::string title() const override;
    torch::Device device() const override { return m_options.device; }
    /// Background: gives way between steps to work a user waits for (its time is not counted).
    JobPriority priority() const override { return JobPriority::Background; }
    /// Trains; on cancel writes a checkpoint first (then throws JobCancelled). On finishing writes
    /// weights.safetensors (fp16) and config.json (kind "style") and removes the checkpoint
    /// (keeps it when maxSeconds ended the run early).
    void run(JobContext& ctx) override;
    const StyleTrainStats& stats() const { return m_stats; }

private:
    void saveCheckpoint(TransformerNet& net, torch::optim::Adam& adam, int64_t step) const;
    int64_t loadCheckpoint(TransformerNet& net, torch::optim::Adam& adam) const;
    /// Writes weights.safetensors (fp16) and config.json for @p state into @p folder.
    void writeModel(const std::filesystem::path& folder, const std::map<std::string, torch::Tensor>& state,
                    nlohmann::json config, const nlohmann::json& training) const;

    StyleTrainOptions m_options;
    BatchSource m_source;
    StyleTrainStats m_stats;
};

/// The style a several-style run trains at @p step: every style once per round of @p styles
/// steps, in an order drawn from @p seed and the round (the same on every run, so a resumed run
/// continues the same sequence).
int64_t styleForStep(int64_t step, int64_t styles, uint64_t seed);

/// Loads a trained style: parses @p folder's config.json (kind must be "style", architecture
/// "johnson") and its weights. Throws std::runtime_error / ModelConfigError with a clear message.
TransformerNet loadStyleNet(const std::filesystem::path& folder);

} // namespace ganvas::engine
