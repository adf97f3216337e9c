// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file DiffAugment.h
/// Differentiable augmentation for data-efficient GAN training (Zhao et al., NeurIPS 2020):
/// the same random colour, translation and cutout transforms are applied to real and generated
/// images before the discriminator sees them, and gradients flow through them to the generator,
/// so the discriminator cannot simply memorise a small training set.

#include <torch/torch.h>

#include <string>

namespace ganvas::engine {

struct DiffAugmentOptions {
    bool colour = true;        ///< brightness +-0.5, saturation x[0,2], contrast x[0.5,1.5]
    bool translation = true;   ///< shift by up to 1/8 of the side, zero filled
    bool cutout = true;        ///< one square of half the side set to zero
    /// "colour,translation,cutout" (any subset, "" or "none" for off). Throws std::invalid_argument.
    static DiffAugmentOptions parse(const std::string& text);
    std::string toString() const;
};

/// Augments [N,3,H,W] in [-1,1]; differentiable with respect to @p x. Random numbers come from
/// LibTorch's default generator on x's device.
torch::Tensor diffAugment(const torch::Tensor& x, const DiffAugmentOptions& options);

} // namespace ganvas::engine
