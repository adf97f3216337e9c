// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file LatentDirections.h
/// Interpretable slider directions by GANSpace (Härkönen et al., NeurIPS 2020): sample many
/// latents, take the principal components of an early layer's activations, and carry each
/// component back into the latent space by linear regression, so moving z along direction k
/// moves the activations along principal component k.

#include "core/engine/gan/GanNetworks.h"

#include <filesystem>

namespace ganvas::engine {

struct LatentDirections {
    torch::Tensor directions; ///< [K,L] unit vectors in z space, strongest first
    torch::Tensor scale;      ///< [K] standard deviation of z's projection on each (one slider unit)
    torch::Tensor explained;  ///< [K] fraction of the activations' variance each component explains
};

/// @p samples latents (seed @p seed), @p count components (<= latentDim).
LatentDirections computeDirections(Generator& g, int64_t count = 16, int64_t samples = 4096, uint64_t seed = 5);

/// directions.safetensors beside a generator's weights (written atomically).
void saveDirections(const std::filesystem::path& file, const LatentDirections& d);
/// Throws std::runtime_error when missing, malformed or not [K,latentDim].
LatentDirections loadDirections(const std::filesystem::path& file, int64_t latentDim);

} // namespace ganvas::engine
