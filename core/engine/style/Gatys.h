// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Gatys.h
/// Optimisation-based style transfer (Gatys, Ecker & Bethge, CVPR 2016): the image itself is
/// optimised so that its content features match the content image and its Gram statistics match
/// the style image(s), plus a total-variation term. Coarse to fine: the first pass runs on a
/// small copy (a preview arrives within seconds), each later pass doubles the size and starts
/// from the upsampled previous result. Images larger than maxWholeSide are refined tile by tile
/// at full size with the style statistics computed once for the whole image, so tiles agree and
/// memory stays bounded.

#include "core/engine/jobs/JobContext.h"
#include "core/engine/style/ColourTransfer.h"
#include "core/engine/style/LossNetwork.h"

#include <torch/torch.h>

#include <atomic>
#include <vector>

namespace ganvas::engine {

enum class StyleOptimiser { LBFGS, Adam };

struct GatysOptions {
    StyleOptimiser optimiser = StyleOptimiser::LBFGS;
    int iterations = 100;          ///< per pass (L-BFGS: iterations; Adam: steps)
    /// Iterations of each whole-image pass, coarsest first, when they should differ (the last
    /// entry repeats for further passes); empty = @ref iterations for every pass. A pass costs
    /// about 4x the one before it, so a schedule that spends its iterations where they are cheap
    /// reaches most of the quality in a fraction of the time (docs/PERFORMANCE.md, "Any picture
    /// as a style").
    std::vector<int> passIterations;
    double learningRate = 0.03;    ///< Adam only
    double contentWeight = 1.0;
    double styleWeight = 20.0;
    double tvWeight = 0.5;
    double styleScale = 1.0;       ///< style image size relative to the output (bigger = larger brush marks)
    int64_t startSide = 128;       ///< longest side of the first (coarse) pass
    int64_t maxWholeSide = 1024;   ///< above this the last pass runs tile by tile
    int64_t tileSize = 512;
    int64_t tileOverlap = 64;
    int tileIterations = 40;       ///< per tile in the tiled pass
    int previewEvery = 10;         ///< iterations between previews
    ColourMode colour = ColourMode::Style;
    /// Set to true from any thread to stop early and keep the current image ("accept now").
    const std::atomic<bool>* acceptNow = nullptr;
};

struct GatysInput {
    torch::Tensor content;               ///< [1,3,H,W] float RGB in [0,1]
    std::vector<torch::Tensor> styles;   ///< one or more [1,3,h,w] style images
    std::vector<double> styleWeights;    ///< one per style (normalised); empty = equal
    torch::Tensor mask;                  ///< optional [1,1,H,W] in [0,1]: where the style goes
};

struct GatysReport {
    std::vector<double> finalLoss;  ///< per pass: total loss at its end
    std::vector<int64_t> sides;     ///< per pass: longest side
    bool acceptedEarly = false;
    int tiles = 0;                  ///< tiles in the tiled pass (0 when none)
};

/// Runs the optimisation on @p device (the loss network is moved there). Previews (the current
/// image, masked and colour-adjusted like the result) go to @p ctx every previewEvery iterations
/// with pass = pass index; progress counts iterations over all passes. Throws JobCancelled on
/// cancel, std::invalid_argument for bad input. Returns [1,3,H,W] CPU float in [0,1].
torch::Tensor runGatys(LossNetwork& net, const GatysInput& input, const GatysOptions& options,
                       const torch::Device& device, JobContext* ctx = nullptr, GatysReport* report = nullptr);

/// Longest sides of the whole-image passes for an image whose longest side is @p side.
std::vector<int64_t> gatysPassSides(int64_t side, const GatysOptions& options);

/// Iterations of whole-image pass @p pass (0 = coarsest) under @p options.
int gatysPassIterations(const GatysOptions& options, size_t pass);

/// Resizes [N,C,H,W] so that its longest side is @p side (bilinear with antialiasing when
/// shrinking, at least 1 px per axis).
torch::Tensor resizeLongestSide(const torch::Tensor& image, int64_t side);

} // namespace ganvas::engine
