// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ColourTransfer.h
/// Apply-time controls shared by every style method: keeping the content's colours (Gatys et
/// al., "Preserving Color in Neural Artistic Style Transfer", 2016: luminance-only transfer or
/// histogram matching) and strength. Tensors are [N,3,H,W] float RGB in [0,1].

#include <torch/torch.h>

#include <string>

namespace ganvas::engine {

enum class ColourMode {
    Style,     ///< keep the style's colours (no change)
    Luminance, ///< the style's luminance with the content's chroma (YCbCr, BT.601)
    Histogram, ///< each RGB channel of the result matched to the content's histogram
};

/// "style", "luminance", "histogram"; throws std::invalid_argument otherwise.
ColourMode parseColourMode(const std::string& text);
const char* colourModeName(ColourMode mode);

/// @p stylised with its colours taken from @p content (same size) according to @p mode.
torch::Tensor preserveColour(const torch::Tensor& stylised, const torch::Tensor& content, ColourMode mode);

/// Per-channel histogram matching: every channel of @p source gets the value distribution of the
/// same channel of @p reference (quantile mapping; sizes may differ).
torch::Tensor matchHistograms(const torch::Tensor& source, const torch::Tensor& reference);

/// @p luminanceFrom's luminance with @p chromaFrom's chroma (Cb, Cr) moved onto @p palette's:
/// the linear map that gives the chroma the palette picture's mean and covariance (the
/// Monge-Kantorovich solution between the two Gaussians, Pitié & Kokaram 2007), so hues keep
/// their order while the palette is the style's; a grey palette gives grey. Sizes of @p palette
/// may differ; @p luminanceFrom and @p chromaFrom share theirs.
torch::Tensor transferChroma(const torch::Tensor& luminanceFrom, const torch::Tensor& chromaFrom,
                             const torch::Tensor& palette);

/// @p rgb with its luminance given @p tone's mean and standard deviation (per picture of the
/// batch; chroma unchanged): the style's light or dark paper and its contrast. The spread ratio
/// is held to [0.5, 2] so that a flat picture's noise is not blown up. Sizes may differ.
torch::Tensor transferTone(const torch::Tensor& rgb, const torch::Tensor& tone);

/// @p luminanceFrom's luminance with @p chromaFrom's chroma, unchanged (same sizes).
torch::Tensor withChromaOf(const torch::Tensor& luminanceFrom, const torch::Tensor& chromaFrom);

/// content + strength * (stylised - content), strength clamped to [0,1]. @p mask (optional,
/// [N,1,H,W] in [0,1]) scales the strength per pixel.
torch::Tensor blendStrength(const torch::Tensor& content, const torch::Tensor& stylised, double strength,
                            const torch::Tensor& mask = {});

/// BT.601 luma of an (N, 3, H, W) RGB tensor, as (N, 1, H, W): the Y of rgbToYCbCr.
torch::Tensor luminance(const torch::Tensor& rgb);

/// BT.601 full-range conversions used by Luminance mode (exact inverses of each other).
torch::Tensor rgbToYCbCr(const torch::Tensor& rgb);
torch::Tensor yCbCrToRgb(const torch::Tensor& ycc);

} // namespace ganvas::engine
