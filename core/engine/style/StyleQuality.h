// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleQuality.h
/// How much of a style a picture carries, and how much of its content it kept, measured so that
/// the figure agrees with the eye (issue #13). The older Gram "gap closed" (StyleMetrics.h) rated
/// presets 85-99 % that laid smooth colour fields over a photo: Gram matrices of uncentred ReLU
/// features are dominated by the channel means, so a palette shift alone closes most of it. Here
/// colour is taken out of the texture terms on purpose:
///
/// - texture, marks at several scales: the sliced Wasserstein distance between 7x7 RGB patches of
///   the Laplacian bands (zero-mean: no palette in them) of the picture and of the style
///   (Karras et al. 2018 for the GAN case; Heitz et al., CVPR 2021, as a texture loss), patches
///   scaled by the style's own band contrast, so a faint copy of the marks is still far;
/// - texture, in features: the centred covariance of a held-out random network's activations
///   (seed 7; training and optimisation use 20161) on the picture's detail (minus its blur:
///   smooth colour fields are not marks), channels scaled by the style's spread, as a relative
///   Frobenius distance;
/// - content kept: SSIM and gradient-magnitude correlation of the luminance at a coarse scale
///   (64 px longest side: the layout and main edges, not the fine texture a style replaces).
///
/// Distances mean nothing on their own; shareOfReference() puts them on one scale: 0 = as far as
/// the untouched content, 1 = as close as the reference (the optimisation result on the same
/// picture, "share of what optimisation reaches").
///
/// Images are [1,3,H,W] float RGB in [0,1] on the CPU. No gradients; any thread.

#include "core/engine/style/LossNetwork.h"

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace ganvas::engine {

struct StyleQualityOptions {
    int64_t bands = 4;              ///< Laplacian bands measured, finest first (each half the size)
    int64_t patchesPerBand = 8192;  ///< 7x7 patches drawn per band (with replacement when fewer)
    int64_t directions = 256;       ///< random projections of the sliced Wasserstein distance
    uint64_t seed = 7;              ///< patches, projections and the feature network
};

struct TextureDistance {
    double swd = 0;                 ///< mean over bands of swdPerBand
    std::vector<double> swdPerBand; ///< finest first; in units of the style's band contrast
    double covariance = 0;          ///< mean over layers of ||C(x) - C(style)||_F / ||C(style)||_F
};

struct ContentKept {
    double structure = 0; ///< SSIM of the luminance at 64 px, 1 = identical layout
    double edges = 0;     ///< Pearson correlation of the luminance gradient magnitude at 64 px
};

/// The style's statistics, computed once; texture() then measures any number of pictures.
class StyleQualityMeter {
public:
    /// @p style [1,3,h,w] at the pixel size its marks should have in the pictures measured
    /// (at least 32 px). Throws std::invalid_argument for anything else.
    explicit StyleQualityMeter(const torch::Tensor& style, StyleQualityOptions options = {});
    ~StyleQualityMeter();
    StyleQualityMeter(const StyleQualityMeter&) = delete;
    StyleQualityMeter& operator=(const StyleQualityMeter&) = delete;

    /// Distance of @p image ([1,3,H,W], at least 32 px) to the style. Deterministic.
    TextureDistance texture(const torch::Tensor& image) const;
    const StyleQualityOptions& options() const { return m_options; }

private:
    struct Band {
        torch::Tensor sortedProjections; ///< [patches, directions]
        torch::Tensor scale;             ///< [3,1,1]: 1 / the style band's contrast
    };
    struct Layer {
        torch::Tensor mean, scale, covariance; ///< style's channel mean [C,1], 1/std [C,1], [C,C]
    };
    torch::Tensor bandPatches(const torch::Tensor& band, const torch::Tensor& scale, int64_t index) const;

    StyleQualityOptions m_options;
    std::vector<Band> m_bands;
    std::vector<torch::Tensor> m_directions; ///< per band [147, directions]
    std::unique_ptr<LossNetwork> m_net;
    std::vector<Layer> m_layers;
};

/// Layout and main edges of @p result ([1,3,H,W]) against @p content (same aspect, any size).
ContentKept contentKept(const torch::Tensor& content, const torch::Tensor& result);

/// (content - result) / (content - reference): the share of the reference's improvement over the
/// untouched content that the result reaches. Not clamped (a result can beat the reference or
/// be worse than nothing). 0 when the reference is no better than the content.
double shareOfReference(double contentDistance, double resultDistance, double referenceDistance);

/// The texture share of one result: the smaller of its SWD and covariance shares.
double textureShare(const TextureDistance& content, const TextureDistance& result, const TextureDistance& reference);

} // namespace ganvas::engine
