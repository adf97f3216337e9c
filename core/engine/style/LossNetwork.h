// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file LossNetwork.h
/// The feature network that style losses are measured in. Neural style transfer compares Gram
/// matrices of a convolutional network's activations (Gatys et al., CVPR 2016). No ImageNet VGG
/// can be installed here, so the default is a fixed multi-scale network whose weights are drawn
/// from a recorded seed: random-feature Gram statistics carry texture and style
/// (Ustyuzhaninov et al., ICLR 2017; He, Wang & Hopcroft, NeurIPS 2016). A VGG-19 the user
/// exported to TorchScript on their own machine is used instead when they import one
/// (docs/MODELS.md gives the one-line export).
///
/// Images go in as [N,3,H,W] float RGB in [0,1] on the network's device.

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ganvas::engine {

/// Activations at the layers the losses read: styleLayers for Gram statistics (shallow to deep),
/// contentLayer for the content loss.
struct LossFeatures {
    std::vector<torch::Tensor> style;
    torch::Tensor content;
};

class LossNetwork {
public:
    virtual ~LossNetwork() = default;
    /// Runs the network; gradients flow to @p image when it requires them.
    virtual LossFeatures features(const torch::Tensor& image) = 0;
    /// "random-vgg seed 20161 (not ImageNet)" or "vgg19 TorchScript: /path": shown to users and
    /// stored with results so nobody mistakes which network measured what.
    virtual std::string describe() const = 0;
    virtual void to(const torch::Device& device) = 0;
};

struct RandomLossNetworkOptions {
    uint64_t seed = 20161;
    /// Output channels of each stage; a 2x2 average pool sits between stages, so stage k sees
    /// 2^k times coarser structure: the multi-scale part.
    std::vector<int64_t> channels{48, 96, 192, 256};
    /// Kernel size of every convolution.
    int64_t kernel = 3;
    /// Stage whose first activation is the content layer (0-based).
    int contentStage = 2;
};

/// A VGG-like stack (conv-ReLU-conv-ReLU per stage, average pooling between) with Kaiming-normal
/// weights drawn from its own generator seeded with options.seed: the same seed gives the same
/// network on every machine and LibTorch version that keeps the CPU generator (mt19937) stable.
/// Style layers: the first ReLU of every stage. No gradients are kept for its weights.
std::unique_ptr<LossNetwork> makeRandomLossNetwork(const RandomLossNetworkOptions& options = {});

/// A TorchScript module the user imported on purpose (DESIGN.md §5): a torchvision VGG-19
/// `features` Sequential (children run in order; style layers relu1_1, relu2_1, relu3_1, relu4_1,
/// relu5_1, content relu4_2) fed ImageNet-normalised input. Any Sequential whose children are
/// Conv2d/ReLU/MaxPool2d/AvgPool2d works; style layers are then the first ReLU after each pooling
/// (and the very first ReLU), content the second ReLU of the fourth stage or the last one.
/// Throws std::runtime_error with a clear message when the file is not such a module.
std::unique_ptr<LossNetwork> loadTorchScriptLossNetwork(const std::filesystem::path& path);

/// Gram matrices [N,C,C] of [N,C,H,W] features, normalised by C*H*W (scale-free across sizes).
torch::Tensor gramMatrix(const torch::Tensor& features);

/// What the style loss matches in each layer. Gram: the Gram matrix of the raw activations
/// (Gatys et al.), in which the channel means (mostly the palette) outweigh the covariance (the
/// texture) for ReLU features (issue #13: a palette shift alone closed most of that gap).
/// MeanCovariance: the channel means and the centred covariance, each measured relative to the
/// style's own, so that marks and texture pull as hard as colour (docs/adr/0008).
enum class StyleStatistic { Gram, MeanCovariance };
/// "gram" or "mean-covariance".
const char* styleStatisticName(StyleStatistic statistic);
/// Reads a styleStatisticName(); false for anything else.
bool parseStyleStatistic(const std::string& text, StyleStatistic* statistic);

/// [N,C,C+1] of [N,C,H,W] features: the covariance over positions (divided by H*W) in the first
/// C columns, the channel means in the last.
torch::Tensor meanCovariance(const torch::Tensor& features);

/// The per-layer statistic of @p features ([N,C,C] Gram or [N,C,C+1] mean-covariance).
torch::Tensor styleStatistic(const torch::Tensor& features, StyleStatistic statistic);

/// Sum over layers of ||S(a) - target||^2 / ||target||^2 (each layer weighs the same whatever the
/// scale of its activations; for MeanCovariance the two parts are each relative to their own
/// target). @p targets are [1,C,C] (Gram) or [1,C,C+1] statistics, broadcast over the batch.
/// @p meanWeight scales the channel-mean part of MeanCovariance against the covariance part.
torch::Tensor styleLoss(const std::vector<torch::Tensor>& features, const std::vector<torch::Tensor>& targets,
                        StyleStatistic statistic = StyleStatistic::Gram, double meanWeight = 1.0);

/// ||a - b||^2 / ||b||^2 over the whole batch.
torch::Tensor relativeMse(const torch::Tensor& a, const torch::Tensor& b);

/// Mean absolute difference of neighbouring pixels (anisotropic total variation).
torch::Tensor totalVariation(const torch::Tensor& image);

/// Weighted mean of each style's Grams: the blend target for several style images.
/// @p weights need not sum to 1 (they are normalised); all must be >= 0 with a positive sum.
std::vector<torch::Tensor> blendGrams(const std::vector<std::vector<torch::Tensor>>& grams,
                                      const std::vector<double>& weights);

/// Per-layer statistics (Grams by default) of one style image [1,3,H,W] in @p net (no gradients).
std::vector<torch::Tensor> styleGrams(LossNetwork& net, const torch::Tensor& style,
                                      StyleStatistic statistic = StyleStatistic::Gram);

} // namespace ganvas::engine
