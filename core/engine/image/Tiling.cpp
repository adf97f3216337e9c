// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/image/Tiling.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace ganvas::engine {

std::vector<int64_t> tileStarts(int64_t length, int64_t tileSize, int64_t overlap)
{
    if (length <= 0)
        throw std::invalid_argument("tiling: image dimension must be positive");
    if (length <= tileSize)
        return {0};
    const int64_t step = tileSize - overlap;
    // Fewest tiles whose neighbours overlap by at least `overlap`, then spread evenly so the
    // last tile ends exactly at the image edge.
    const int64_t count = (length - overlap + step - 1) / step;
    std::vector<int64_t> starts;
    starts.reserve(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i)
        starts.push_back(i * (length - tileSize) / (count - 1));
    return starts;
}

std::vector<TileRect> planTiles(int64_t width, int64_t height, const TilingOptions& options)
{
    const auto xs = tileStarts(width, options.tileSize, options.overlap);
    const auto ys = tileStarts(height, options.tileSize, options.overlap);
    const int64_t tw = std::min(width, options.tileSize);
    const int64_t th = std::min(height, options.tileSize);
    std::vector<TileRect> tiles;
    for (int64_t y : ys)
        for (int64_t x : xs)
            tiles.push_back({x, y, tw, th});
    return tiles;
}

namespace {

void validate(int64_t width, int64_t height, const TilingOptions& o)
{
    if (width <= 0 || height <= 0)
        throw std::invalid_argument("tiling: image size must be positive, got " + std::to_string(width) + "x" +
                                    std::to_string(height));
    if (o.tileSize < 8)
        throw std::invalid_argument("tiling: tile size must be at least 8 pixels");
    if (o.overlap < 0 || 2 * o.overlap > o.tileSize)
        throw std::invalid_argument("tiling: overlap must be between 0 and half the tile size");
    if (o.context < 0)
        throw std::invalid_argument("tiling: context must not be negative");
    if (o.scale < 1 || o.scale > 16)
        throw std::invalid_argument("tiling: scale must be between 1 and 16");
}

/// Cross-fade weights along one axis for the tile at index i of `starts` (all of length `size`),
/// in output pixels: a linear ramp up across the overlap with the previous tile and down across
/// the overlap with the next one; 1 elsewhere. Weights of two neighbours sum to 1 in their overlap.
torch::Tensor axisWeights(const std::vector<int64_t>& starts, size_t i, int64_t size, int64_t scale)
{
    const int64_t n = size * scale;
    auto w = torch::ones({n});
    auto acc = w.accessor<float, 1>();
    const int64_t start = starts[i];
    if (i > 0) {
        const int64_t band = (starts[i - 1] + size - start) * scale; // overlap with previous, output px
        for (int64_t k = 0; k < std::min(band, n); ++k)
            acc[k] = std::min(acc[k], (static_cast<float>(k) + 0.5f) / static_cast<float>(band));
    }
    if (i + 1 < starts.size()) {
        const int64_t band = (start + size - starts[i + 1]) * scale; // overlap with next, output px
        for (int64_t k = 0; k < std::min(band, n); ++k)
            acc[n - 1 - k] = std::min(acc[n - 1 - k], (static_cast<float>(k) + 0.5f) / static_cast<float>(band));
    }
    return w;
}

} // namespace

void processTiled(int64_t width, int64_t height, const TilingOptions& options, const TileReader& read,
                  const TileFunction& fn, const RowWriter& write, JobContext* ctx)
{
    validate(width, height, options);
    const int64_t s = options.scale;
    const auto xs = tileStarts(width, options.tileSize, options.overlap);
    const auto ys = tileStarts(height, options.tileSize, options.overlap);
    const int64_t tw = std::min(width, options.tileSize);
    const int64_t th = std::min(height, options.tileSize);
    const int64_t total = static_cast<int64_t>(xs.size() * ys.size());
    const int64_t outWidth = width * s;

    std::vector<torch::Tensor> wx;
    for (size_t c = 0; c < xs.size(); ++c)
        wx.push_back(axisWeights(xs, c, tw, s));

    torch::Tensor acc;   // [1,Co,rows,outWidth] weighted sum for input rows [bandY, bandEnd)
    torch::Tensor wsum;  // [1,1,rows,outWidth]
    int64_t bandY = 0, bandEnd = 0, channels = -1, done = 0;

    if (ctx)
        ctx->progress(0, total, "tiles");
    for (size_t r = 0; r < ys.size(); ++r) {
        const int64_t y = ys[r];
        const torch::Tensor wy = axisWeights(ys, r, th, s);
        // Grow the band to cover this tile row.
        const int64_t newEnd = y + th;
        if (acc.defined() && newEnd > bandEnd) {
            const int64_t extra = (newEnd - bandEnd) * s;
            acc = torch::cat({acc, torch::zeros({1, channels, extra, outWidth})}, 2);
            wsum = torch::cat({wsum, torch::zeros({1, 1, extra, outWidth})}, 2);
        }
        if (acc.defined())
            bandEnd = std::max(bandEnd, newEnd);

        for (size_t c = 0; c < xs.size(); ++c) {
            if (ctx)
                ctx->throwIfCancelled();
            const int64_t x = xs[c];
            const TileRect rect{std::max<int64_t>(0, x - options.context), std::max<int64_t>(0, y - options.context),
                                0, 0};
            const int64_t x1 = std::min(width, x + tw + options.context);
            const int64_t y1 = std::min(height, y + th + options.context);
            const TileRect readRect{rect.x, rect.y, x1 - rect.x, y1 - rect.y};
            const torch::Tensor input = read(readRect);
            if (input.dim() != 4 || input.size(0) != 1 || input.size(2) != readRect.height ||
                input.size(3) != readRect.width)
                throw std::invalid_argument("tiling: reader returned a tensor of the wrong shape");
            torch::Tensor out = fn(input);
            if (!out.defined() || out.dim() != 4 || out.size(0) != 1 || out.size(2) != readRect.height * s ||
                out.size(3) != readRect.width * s)
                throw std::invalid_argument("tiling: tile function returned " +
                                            (out.defined() ? c10::str(out.sizes()) : std::string("nothing")) +
                                            ", expected [1,C," + std::to_string(readRect.height * s) + "," +
                                            std::to_string(readRect.width * s) + "]");
            out = out.detach().to(torch::kCPU, torch::kFloat32);
            if (channels < 0) {
                channels = out.size(1);
                bandY = y;
                bandEnd = newEnd;
                acc = torch::zeros({1, channels, (bandEnd - bandY) * s, outWidth});
                wsum = torch::zeros({1, 1, (bandEnd - bandY) * s, outWidth});
            } else if (out.size(1) != channels) {
                throw std::invalid_argument("tiling: tile function changed its channel count between tiles");
            }
            const torch::Tensor core = out.narrow(2, (y - readRect.y) * s, th * s).narrow(3, (x - readRect.x) * s, tw * s);
            const torch::Tensor weight = wy.view({1, 1, th * s, 1}) * wx[c].view({1, 1, 1, tw * s});
            acc.narrow(2, (y - bandY) * s, th * s).narrow(3, x * s, tw * s).add_(core * weight);
            wsum.narrow(2, (y - bandY) * s, th * s).narrow(3, x * s, tw * s).add_(weight);
            ++done;
            if (ctx)
                ctx->progress(done, total, "tiles");
        }

        // Rows above the next tile row are final: normalise, hand over, forget.
        const int64_t finalEnd = (r + 1 < ys.size()) ? ys[r + 1] : bandEnd;
        if (finalEnd > bandY) {
            const int64_t rows = (finalEnd - bandY) * s;
            write(bandY * s, acc.narrow(2, 0, rows) / wsum.narrow(2, 0, rows));
            acc = acc.narrow(2, rows, acc.size(2) - rows).clone();
            wsum = wsum.narrow(2, rows, wsum.size(2) - rows).clone();
            bandY = finalEnd;
        }
    }
}

torch::Tensor processTiled(const torch::Tensor& image, const TilingOptions& options, const TileFunction& fn,
                           JobContext* ctx)
{
    if (image.dim() != 4 || image.size(0) != 1)
        throw std::invalid_argument("tiling: expected a [1,C,H,W] image");
    const int64_t height = image.size(2), width = image.size(3);
    const torch::Tensor source = image.detach().to(torch::kCPU, torch::kFloat32);
    std::vector<torch::Tensor> parts;
    processTiled(
        width, height, options,
        [&](const TileRect& r) { return source.narrow(2, r.y, r.height).narrow(3, r.x, r.width); }, fn,
        [&](int64_t, const torch::Tensor& rows) { parts.push_back(rows); }, ctx);
    return torch::cat(parts, 2);
}

} // namespace ganvas::engine
