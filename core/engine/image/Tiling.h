// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Tiling.h
/// Tiled processing of images larger than memory (or a network) allows: the image is cut into
/// overlapping tiles, each tile is read with extra context around it (discarded after the
/// function, so border effects of convolutions never reach the result), and neighbouring tiles
/// are cross-faded with linear ramps across their overlap, so no seam shows. Output rows are
/// handed to a writer as soon as no later tile can touch them: memory stays bounded by about two
/// rows of tiles across the full width, whatever the image height.
///
/// Layout everywhere: NCHW float tensors, N = 1; channels in the caller's order (RGB(A) in Ganvas).

#include "core/engine/jobs/JobContext.h"

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace ganvas::engine {

struct TileRect {
    int64_t x = 0, y = 0, width = 0, height = 0;
};

struct TilingOptions {
    int64_t tileSize = 512; ///< tile edge in input pixels (clamped to the image)
    int64_t overlap = 32;   ///< minimum input pixels shared (cross-faded) by neighbouring tiles; <= tileSize/2
    int64_t context = 0;    ///< extra input pixels read around each tile and cropped off the result
    int64_t scale = 1;      ///< output pixels per input pixel (1 for style transfer, 2..8 for upscaling)
};

/// Start offsets of tiles along one axis of @p length: evenly spread so that every neighbour pair
/// overlaps by at least @p overlap pixels, first at 0, last ending at @p length.
std::vector<int64_t> tileStarts(int64_t length, int64_t tileSize, int64_t overlap);

/// All tiles, row by row (row-major), each clamped to the image.
std::vector<TileRect> planTiles(int64_t width, int64_t height, const TilingOptions& options);

/// [1,C,h,w] input tile (with context) -> [1,Co,h*scale,w*scale] result, any device and float dtype.
using TileFunction = std::function<torch::Tensor(const torch::Tensor& tile)>;
/// Returns the input pixels of @p rect as [1,C,rect.height,rect.width] float.
using TileReader = std::function<torch::Tensor(const TileRect& rect)>;
/// Receives finished output rows in order: @p rows is [1,Co,n,width*scale] float (CPU), starting
/// at output row @p y.
using RowWriter = std::function<void(int64_t y, const torch::Tensor& rows)>;

/// Streams a width x height image through @p fn tile by tile. Reports progress (tiles done of
/// all tiles) and polls cancellation between tiles when @p ctx is given (throws JobCancelled).
/// Throws std::invalid_argument for bad options or a function returning the wrong shape.
void processTiled(int64_t width, int64_t height, const TilingOptions& options, const TileReader& read,
                  const TileFunction& fn, const RowWriter& write, JobContext* ctx = nullptr);

/// In-memory convenience: @p image [1,C,H,W] -> [1,Co,H*scale,W*scale] (CPU float).
torch::Tensor processTiled(const torch::Tensor& image, const TilingOptions& options, const TileFunction& fn,
                           JobContext* ctx = nullptr);

} // namespace ganvas::engine
