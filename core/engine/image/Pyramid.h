// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Pyramid.h
/// Gaussian and Laplacian image pyramids (Burt & Adelson 1983) with the 5-tap binomial filter and
/// mirrored borders: the multi-scale view the GAN and style measures compare textures in.

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace ganvas::engine {

/// Blurs [N,C,H,W] with the 5x5 binomial filter and keeps every second row and column.
torch::Tensor pyramidDown(const torch::Tensor& images);

/// Laplacian pyramid of [N,C,H,W]: finest band first, the last entry the coarsest Gaussian level
/// (side >= @p minSide). Stops early at an odd side: crop to a multiple of 2^levels first.
std::vector<torch::Tensor> laplacianPyramid(const torch::Tensor& images, int64_t minSide = 16);

/// [N,C,H,W] minus its Gaussian blur (@p sigma px, kernel radius 3 sigma, mirrored borders),
/// around mid-grey (+0.5): marks, strokes and edges without the smooth colour fields. Any C.
torch::Tensor highPass(const torch::Tensor& images, double sigma);

} // namespace ganvas::engine
