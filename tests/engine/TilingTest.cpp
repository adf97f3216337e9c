// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTest.h"

#include "core/engine/image/Tiling.h"
#include "core/engine/jobs/Job.h"

using namespace ganvas::engine;

namespace {

torch::Tensor blur(const torch::Tensor& x)
{
    // 5x5 box blur per channel with zero padding: receptive radius 2.
    const int64_t c = x.size(1);
    const auto kernel = torch::full({c, 1, 5, 5}, 1.0f / 25.0f);
    return torch::conv2d(x, kernel, {}, 1, 2, 1, c);
}

struct Recorder : JobObserver {
    std::vector<std::pair<int64_t, int64_t>> progress;
    void onProgress(int64_t done, int64_t total, const std::string&) override { progress.emplace_back(done, total); }
};

} // namespace

GANVAS_TEST(tiling, starts_cover_and_overlap)
{
    for (int64_t length : {1, 7, 64, 65, 100, 511, 512, 513, 1000, 4097}) {
        for (int64_t tile : {16, 64, 512}) {
            for (int64_t overlap : {int64_t(0), tile / 8, tile / 2}) {
                const auto starts = tileStarts(length, tile, overlap);
                const int64_t size = std::min(length, tile);
                REQUIRE_EQ(starts.front(), 0);
                REQUIRE_EQ(starts.back() + size, length);
                for (size_t i = 1; i < starts.size(); ++i) {
                    REQUIRE(starts[i] > starts[i - 1]);
                    REQUIRE(starts[i - 1] + size - starts[i] >= overlap); // at least the requested overlap
                }
            }
        }
    }
    REQUIRE_EQ(tileStarts(900, 512, 32).size(), 2u);  // 0 and 388: 124 px shared
    REQUIRE_EQ(tileStarts(1000, 512, 32).size(), 3u); // two would share only 24 px
}

GANVAS_TEST(tiling, identity_is_exact_for_odd_sizes_and_alpha)
{
    torch::manual_seed(1);
    for (auto [h, w] : {std::pair<int64_t, int64_t>{77, 100}, {33, 31}, {1, 50}, {129, 1}}) {
        const auto image = torch::rand({1, 4, h, w});
        const auto out = processTiled(image, {16, 4, 0, 1}, [](const torch::Tensor& t) { return t; });
        REQUIRE(out.sizes() == image.sizes());
        REQUIRE_NEAR((out - image).abs().max().item<float>(), 0.0, 1e-6);
    }
}

GANVAS_TEST(tiling, convolution_with_context_matches_whole_image)
{
    torch::manual_seed(2);
    const auto image = torch::rand({1, 3, 101, 77});
    const auto whole = blur(image);
    const auto tiled = processTiled(image, {32, 8, 2, 1}, blur);
    REQUIRE_NEAR((tiled - whole).abs().max().item<float>(), 0.0, 1e-5);
    // Without context the tile borders differ from the whole-image result: the feathering hides
    // the seams but cannot invent the missing neighbours (this is what `context` is for).
    const auto noContext = processTiled(image, {32, 8, 0, 1}, blur);
    REQUIRE((noContext - whole).abs().max().item<float>() > 1e-3);
}

GANVAS_TEST(tiling, cross_fade_has_no_seam)
{
    // Each tile adds its own constant: the blend must change smoothly (by at most 1/overlap of the
    // difference per pixel), never jump at a tile edge.
    const auto image = torch::zeros({1, 1, 64, 200});
    int counter = 0;
    const auto out = processTiled(image, {64, 16, 0, 1}, [&](const torch::Tensor& t) { return t + (counter++ % 2); });
    const auto row = out[0][0][10];
    const auto steps = (row.narrow(0, 1, 199) - row.narrow(0, 0, 199)).abs();
    REQUIRE(steps.max().item<float>() <= 1.0f / 16.0f + 1e-6f);
    REQUIRE(row.max().item<float>() > 0.99f); // both constants do appear away from the seams
    REQUIRE(row.min().item<float>() < 0.01f);
}

GANVAS_TEST(tiling, upscaling_matches_whole_image)
{
    torch::manual_seed(3);
    const auto image = torch::rand({1, 3, 45, 70});
    const auto up = [](const torch::Tensor& t) {
        return torch::nn::functional::interpolate(
            t, torch::nn::functional::InterpolateFuncOptions().scale_factor(std::vector<double>{3.0, 3.0}).mode(torch::kNearest));
    };
    const auto whole = up(image);
    const auto tiled = processTiled(image, {16, 4, 0, 3}, up);
    REQUIRE(tiled.sizes() == whole.sizes());
    REQUIRE_NEAR((tiled - whole).abs().max().item<float>(), 0.0, 1e-6);
}

GANVAS_TEST(tiling, rows_stream_in_order_with_bounded_memory)
{
    const int64_t width = 300, height = 1000, tile = 64, scale = 2;
    int64_t nextRow = 0, maxRows = 0;
    processTiled(
        width, height, {tile, 8, 4, scale},
        [](const TileRect& r) { return torch::full({1, 3, r.height, r.width}, 0.5f); },
        [](const torch::Tensor& t) {
            return torch::nn::functional::interpolate(
                t, torch::nn::functional::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
        },
        [&](int64_t y, const torch::Tensor& rows) {
            REQUIRE_EQ(y, nextRow);
            REQUIRE_EQ(rows.size(3), width * scale);
            REQUIRE_NEAR(rows.min().item<float>(), 0.5, 1e-6);
            REQUIRE_NEAR(rows.max().item<float>(), 0.5, 1e-6);
            nextRow += rows.size(2);
            maxRows = std::max(maxRows, rows.size(2));
        });
    REQUIRE_EQ(nextRow, height * scale);
    REQUIRE(maxRows <= tile * scale); // never more than one tile row held back
}

GANVAS_TEST(tiling, progress_and_cancellation)
{
    CancelToken token;
    Recorder recorder;
    JobContext ctx(token, &recorder);
    const auto image = torch::rand({1, 3, 100, 100});
    int tiles = 0;
    REQUIRE_THROWS_WITH(processTiled(image, {32, 8, 0, 1},
                                   [&](const torch::Tensor& t) {
                                       if (++tiles == 3)
                                           token.cancel();
                                       return t;
                                   },
                                   &ctx),
                      JobCancelled, "cancelled");
    REQUIRE_EQ(tiles, 3); // stopped at the next tile boundary
    REQUIRE(!recorder.progress.empty());
    REQUIRE_EQ(recorder.progress.front().first, 0);
    for (size_t i = 1; i < recorder.progress.size(); ++i)
        REQUIRE(recorder.progress[i].first >= recorder.progress[i - 1].first);
}

GANVAS_TEST(tiling, bad_options_and_shapes_are_errors)
{
    const auto image = torch::rand({1, 3, 40, 40});
    const auto id = [](const torch::Tensor& t) { return t; };
    REQUIRE_THROWS_WITH(processTiled(image, {4, 0, 0, 1}, id), std::invalid_argument, "tile size");
    REQUIRE_THROWS_WITH(processTiled(image, {16, 9, 0, 1}, id), std::invalid_argument, "overlap");
    REQUIRE_THROWS_WITH(processTiled(image, {16, 4, 0, 0}, id), std::invalid_argument, "scale");
    REQUIRE_THROWS_WITH(processTiled(image, {16, 4, 0, 2}, id), std::invalid_argument, "tile function returned");
    REQUIRE_THROWS_WITH(processTiled(torch::rand({3, 40, 40}), {16, 4, 0, 1}, id), std::invalid_argument, "[1,C,H,W]");
}
