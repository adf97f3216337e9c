// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleMetrics.h
/// Measured quality of a stylised image, with no pretrained network: how much closer its Gram
/// statistics came to the style's, measured in a held-out random network (a different seed
/// from the one the losses were optimised in, so the figure is not the training loss), and how
/// much of the content's structure survived (SSIM of the luminance).

#include "core/engine/style/LossNetwork.h"

#include <torch/torch.h>

namespace ganvas::engine {

struct StyleMetrics {
    double styleDistanceContent = 0; ///< Gram distance of the untouched content to the style
    double styleDistanceResult = 0;  ///< Gram distance of the result to the style
    double styleGapClosed = 0;       ///< 1 - result/content: 0 = no style, 1 = the style's statistics
    double contentSsim = 0;          ///< SSIM(luminance of result, luminance of content), 1 = identical
};

/// The evaluation network: RandomLossNetworkOptions with seed 7 (training uses 20161).
RandomLossNetworkOptions evaluationNetworkOptions();

/// @p content, @p result [1,3,H,W] (same size); @p style [1,3,h,w], compared at the result's
/// longest side times @p styleScale. Images are evaluated at most 512 px on the longest side.
StyleMetrics measureStyle(const torch::Tensor& content, const torch::Tensor& result, const torch::Tensor& style,
                          double styleScale = 1.0);

/// Mean SSIM (Gaussian window 11, sigma 1.5, C1 = 0.01^2, C2 = 0.03^2) of two [N,1,H,W] images in [0,1].
double ssim(const torch::Tensor& a, const torch::Tensor& b);

} // namespace ganvas::engine
