// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GanMetrics.h
/// GAN quality measured without any pretrained network (issue #5: no Inception can be installed):
/// - the sliced Wasserstein distance between 7x7 neighbourhoods of Laplacian-pyramid levels of
///   real and generated images (Karras et al., ICLR 2018, appendix D), per level, x1e3;
/// - Fréchet distance and kernel (MMD, cubic polynomial kernel; Bińkowski et al. ICLR 2018)
///   distance between features of a feature network: a user's TorchScript (Inception/VGG) when
///   given, else the fixed random-feature network with seed 7. Random-feature figures are
///   labelled "RF-FID"/"RF-KID": they are NOT comparable to published FID/KID;
/// - diversity: mean MS-SSIM between random pairs (Odena et al. ICML 2017), lower = more diverse,
///   reported beside the same figure for pairs of training images;
/// - memorisation: each sample's distance to its nearest training image, compared with the
///   distance of held-out training images to their nearest neighbour in the rest.
///
/// Images are [N,3,H,W] float RGB in [0,1], CPU or the job's device.

#include "core/engine/image/Pyramid.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace ganvas::engine {

struct SwdResult {
    std::vector<double> perLevel; ///< finest level first, each x1e3
    std::vector<int64_t> levelSides;
    double mean = 0;
};
/// SWD between two image sets of the same side (>= 16 px). @p descriptorsPerImage 7x7 patches
/// per image per level, @p directions random projections, @p seed fixes patches and projections.
SwdResult slicedWasserstein(const torch::Tensor& a, const torch::Tensor& b, int64_t descriptorsPerImage = 64,
                            int64_t directions = 512, uint64_t seed = 1);


/// Feature extractor for FID/KID: [N,3,H,W] in [0,1] -> [N,D].
class FeatureSpace {
public:
    /// The random-feature network (seed 7, the held-out seed style metrics use): global means and
    /// standard deviations of every stage's activations, D = 2 * (48+96+192+256).
    static FeatureSpace randomFeatures(uint64_t seed = 7);
    /// A TorchScript module the user exported that maps [N,3,299,299] (Inception, ImageNet
    /// normalised inside or not: documented in MODELS.md) or any size to [N,D]. Images are
    /// resized to @p inputSide. Throws std::runtime_error when it cannot be loaded or run.
    static FeatureSpace torchScript(const std::filesystem::path& path, int64_t inputSide = 299);
    torch::Tensor features(const torch::Tensor& images, int64_t batch = 64) const;
    /// "random features seed 7 (RF-FID, not comparable to published FID)" or "torchscript: path".
    const std::string& label() const { return m_label; }
    bool isRandom() const { return m_random; }

private:
    std::function<torch::Tensor(const torch::Tensor&)> m_fn;
    std::string m_label;
    bool m_random = true;
};

/// Fréchet distance between Gaussians fitted to [N,D] and [M,D] (float64 internally).
double frechetDistance(const torch::Tensor& a, const torch::Tensor& b);
/// Unbiased KID (mean over @p subsets of size @p subsetSize) with k(x,y) = (x.y/D + 1)^3.
double kernelDistance(const torch::Tensor& a, const torch::Tensor& b, int64_t subsets = 10,
                      int64_t subsetSize = 256, uint64_t seed = 1);

/// MS-SSIM of two [N,3,H,W] image batches pairwise (luminance, 3 to 5 scales as the side allows).
torch::Tensor msSsim(const torch::Tensor& a, const torch::Tensor& b);
/// Mean MS-SSIM over @p pairs random distinct pairs drawn from @p images.
double meanPairwiseMsSsim(const torch::Tensor& images, int64_t pairs, uint64_t seed = 1);

/// For each row of @p queries [N,D] the L2 distance to its nearest row of @p reference [M,D].
/// Candidates are found with one matrix product (|q|^2 + |r|^2 - 2 q.r), whose cancellation
/// leaves an error of about 1e-3 that depends on the BLAS kernel (SkylakeX vs Haswell OpenBLAS
/// differ); the distance to the 4 best candidates is then computed directly, so an identical row
/// is exactly 0 on every CPU (issue #18).
torch::Tensor nearestDistances(const torch::Tensor& queries, const torch::Tensor& reference);

/// Per-pixel RMS below which two 32 px pictures are the same picture: one 8-bit level in one
/// channel of one pixel is 7e-5.
constexpr double kExactCopyRms = 1e-5;

struct GanEvaluation {
    int64_t samples = 0, realImages = 0;
    SwdResult swd;
    std::string featureSpace;
    double fid = 0, kid = 0;
    double diversity = 0, realDiversity = 0; ///< mean pairwise MS-SSIM (lower = more diverse)
    int64_t diversityPairs = 0;
    /// Median nearest-training-image distance (pixels at 32 px, RGB [0,1], per pixel RMS) of
    /// samples, and of held-out training images to the rest: a ratio well below 1 means copying.
    double sampleNearest = 0, heldOutNearest = 0;
    /// Samples closer to a training image than the closest 1 % of held-out training images are
    /// to theirs, or identical to one (RMS below kExactCopyRms); fraction of samples. Held-out
    /// images identical to a training image are duplicates in the data, not new images, and do
    /// not set the threshold.
    double nearCopies = 0;
    double seconds = 0;
    nlohmann::json toJson() const;
};

/// Evaluates @p generated against @p real (both [N,3,R,R] in [0,1], CPU float). @p real is
/// split: a held-out tenth measures how near new images of the same kind come to the rest.
GanEvaluation evaluateGan(const torch::Tensor& generated, const torch::Tensor& real, const FeatureSpace& space,
                          uint64_t seed = 1);

} // namespace ganvas::engine
