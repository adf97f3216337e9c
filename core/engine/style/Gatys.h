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
#include "core/engine/nn/TorchCompat.h"
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
    /// Precision of the loss network's convolutions (its targets and the image's features alike);
    /// the statistics, losses and the image stay fp32. bf16 only where resolvePrecision() chose it:
    /// native bf16 runs the passes about twice as fast, emulated bf16 is much slower than fp32.
    Precision precision = Precision::Float32;
    /// Previews of the passes below the last whole-image size are shown at that size with the style
    /// pictures' fine detail (what the enlargement cannot hold: the marks) laid over the enlarged
    /// pass, so the first preview, after a fraction of a second, already carries the style's
    /// marks, not a blur. Only the previews: every pass still starts from the previous pass.
    bool previewMarks = true;
    /// Every pass after the first starts from the enlarged previous pass with the style's marks at
    /// the detail the enlargement lacks laid over it (styleMarksLayer): the optimisation then
    /// refines marks that are already there instead of growing them out of a blur, and reaches
    /// more of the full optimisation's texture in fewer full-size iterations (docs/PERFORMANCE.md,
    /// "Any picture as a style"). false = classic Gatys: the enlarged previous pass alone.
    bool seedMarks = true;
    /// Set to true from any thread to stop early and keep the current image ("accept now").
    const std::atomic<bool>* acceptNow = nullptr;
};

struct GatysInput {
    torch::Tensor content;               ///< [1,3,H,W] float RGB in [0,1]
    std::vector<torch::Tensor> styles;   ///< one or more [1,3,h,w] style images
    std::vector<double> styleWeights;    ///< one per style (normalised); empty = equal
    torch::Tensor mask;                  ///< optional [1,1,H,W] in [0,1]: where the style goes
    /// Optional [1,3,H,W] in [0,1], the content's size: the image the user is looking at before
    /// the passes' first preview (e.g. a fast network's result, shown while the optimisation
    /// starts); acceptNow before that preview keeps it. Without it, the current pass is kept.
    torch::Tensor shown;
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

/// The style pictures' marks laid over an [1,3,@p h,@p w] image: each picture in @p styles (already
/// at its mark size) minus its Gaussian blur of @p sigma px, cut into @p patch px squares taken at
/// random places (seeded by @p seed) and blended on a half-overlapping grid, so the marks come
/// without the picture's larger shapes; the pictures blended by @p weights (normalised).
/// Zero-mean: add it to an enlarged coarse result.
torch::Tensor styleMarksLayer(const std::vector<torch::Tensor>& styles, const std::vector<double>& weights,
                              int64_t h, int64_t w, double sigma, int64_t patch, uint64_t seed = 20161);

/// Resizes [N,C,H,W] so that its longest side is @p side (bilinear with antialiasing when
/// shrinking, at least 1 px per axis).
torch::Tensor resizeLongestSide(const torch::Tensor& image, int64_t side);

} // namespace ganvas::engine
