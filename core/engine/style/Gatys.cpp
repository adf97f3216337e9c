// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/style/Gatys.h"

#include "core/engine/image/Pyramid.h"
#include "core/engine/image/Tiling.h"
#include "core/engine/jobs/CancelToken.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace ganvas::engine {

namespace {

namespace F = torch::nn::functional;

torch::Tensor resizeTo(const torch::Tensor& image, int64_t h, int64_t w)
{
    if (image.size(2) == h && image.size(3) == w)
        return image;
    const bool shrinking = h <= image.size(2) && w <= image.size(3);
    auto options = F::InterpolateFuncOptions().size(std::vector<int64_t>{h, w});
    if (shrinking)
        options.mode(torch::kArea);
    else
        options.mode(torch::kBilinear).align_corners(false);
    return F::interpolate(image, options);
}

bool acceptRequested(const GatysOptions& o)
{
    return o.acceptNow && o.acceptNow->load(std::memory_order_relaxed);
}

struct Progress {
    JobContext* ctx = nullptr;
    int64_t done = 0, total = 1;
    void step(int64_t n, const std::string& message)
    {
        done += n;
        if (ctx) {
            ctx->progress(std::min(done, total), total, message);
            ctx->yieldToForeground(); // a gallery preview or Live update goes first (issue #16)
            ctx->throwIfCancelled();
        }
    }
};

/// The loss network's features of @p image in @p o's precision, returned as fp32 (the statistics and
/// losses built on them stay fp32 whatever the convolutions ran in).
LossFeatures featuresIn(LossNetwork& net, const torch::Tensor& image, const GatysOptions& o)
{
    LossFeatures f;
    {
        AutocastGuard autocast(image.device(), o.precision);
        f = net.features(image);
    }
    if (o.precision != Precision::Float32) {
        for (auto& s : f.style)
            s = s.to(torch::kFloat32);
        f.content = f.content.to(torch::kFloat32);
    }
    return f;
}

/// Optimises @p x (leaf, [1,3,h,w]) against @p content's features and @p grams for @p iterations.
/// Calls @p onPreview every previewEvery iterations. Returns the final loss.
double optimise(LossNetwork& net, torch::Tensor& x, const torch::Tensor& content, const std::vector<torch::Tensor>& grams,
                const GatysOptions& o, int iterations, Progress& progress, const std::string& label,
                const std::function<void()>& onPreview)
{
    torch::Tensor contentTarget;
    {
        torch::NoGradGuard noGrad;
        contentTarget = featuresIn(net, content, o).content.detach();
    }
    x.set_requires_grad(true);
    auto lossOf = [&]() {
        const auto f = featuresIn(net, x, o);
        return o.contentWeight * relativeMse(f.content, contentTarget) + o.styleWeight * styleLoss(f.style, grams) +
               o.tvWeight * totalVariation(x);
    };
    double last = 0;
    int done = 0;
    const int chunk = std::max(1, o.previewEvery);
    bool useLbfgs = o.optimiser == StyleOptimiser::LBFGS;
    if (useLbfgs) {
        // Strong-Wolfe line search keeps L-BFGS from overshooting into non-finite losses; if it
        // still diverges, the last good image is kept and Adam finishes the pass.
        torch::optim::LBFGS lbfgs({x}, torch::optim::LBFGSOptions(1.0).max_iter(chunk).history_size(20).line_search_fn(
                                           "strong_wolfe"));
        while (done < iterations && !acceptRequested(o)) {
            const int n = std::min(chunk, iterations - done);
            static_cast<torch::optim::LBFGSOptions&>(lbfgs.param_groups()[0].options()).max_iter(n);
            const torch::Tensor good = x.detach().clone();
            auto closure = [&]() {
                lbfgs.zero_grad();
                auto loss = lossOf();
                loss.backward();
                return loss;
            };
            const double value = lbfgs.step(closure).item<double>();
            {
                torch::NoGradGuard noGrad;
                x.clamp_(0, 1);
            }
            if (!std::isfinite(value) || !torch::isfinite(x).all().item<bool>()) {
                torch::NoGradGuard noGrad;
                x.copy_(good);
                useLbfgs = false;
                break;
            }
            last = value;
            done += n;
            progress.step(n, label);
            onPreview();
        }
    }
    if (!useLbfgs) {
        torch::optim::Adam adam({x}, torch::optim::AdamOptions(o.learningRate));
        while (done < iterations && !acceptRequested(o)) {
            adam.zero_grad();
            auto loss = lossOf();
            loss.backward();
            adam.step();
            {
                torch::NoGradGuard noGrad;
                x.clamp_(0, 1);
            }
            last = loss.item<double>();
            if (!std::isfinite(last))
                throw std::runtime_error("style optimisation diverged (loss is not finite); lower the style weight");
            ++done;
            progress.step(1, label);
            if (done % chunk == 0 || done == iterations)
                onPreview();
        }
    }
    progress.done += iterations - done; // accepted early: the remaining work is skipped
    x.set_requires_grad(false);
    return last;
}

} // namespace

torch::Tensor resizeLongestSide(const torch::Tensor& image, int64_t side)
{
    const auto h = image.size(2), w = image.size(3);
    const double s = static_cast<double>(side) / static_cast<double>(std::max(h, w));
    const auto nh = std::max<int64_t>(1, std::llround(h * s)), nw = std::max<int64_t>(1, std::llround(w * s));
    return resizeTo(image, nh, nw);
}

torch::Tensor styleMarksLayer(const std::vector<torch::Tensor>& styles, const std::vector<double>& weights,
                              int64_t h, int64_t w, double sigma, int64_t patch, uint64_t seed)
{
    if (styles.empty() || styles.size() != weights.size() || h < 1 || w < 1 || !(sigma > 0) || patch < 4)
        throw std::invalid_argument("style marks: one weight per style picture, a positive size and sigma, patches of 4 px or more");
    torch::NoGradGuard noGrad;
    double sum = 0;
    for (double v : weights)
        sum += v;
    std::mt19937_64 rng(seed);
    torch::Tensor layer;
    for (size_t i = 0; i < styles.size(); ++i) {
        if (!(weights[i] > 0) || !(sum > 0))
            continue;
        const auto detail = highPass(styles[i].to(torch::kFloat32), sigma) - 0.5;
        const auto hs = detail.size(2), ws = detail.size(3);
        int64_t p = std::min({patch, hs, ws});
        p -= p % 2;
        const int64_t step = p / 2;
        // Patches at random places of the style, on a grid of half-overlapping windows
        // sin(pi (i + 1/2) / p) in each direction: their squares sum to one, so the blend keeps
        // the detail's contrast where uncorrelated patches overlap, and no seam shows.
        const auto line = torch::sin(M_PI * (torch::arange(p, torch::kFloat32) + 0.5) / static_cast<double>(p));
        const auto window = (line.view({p, 1}) * line.view({1, p})).view({1, 1, p, p}).to(detail.device());
        const int64_t ny = (h + step - 1) / step + 1, nx = (w + step - 1) / step + 1;
        auto canvas = torch::zeros({1, detail.size(1), (ny + 1) * step, (nx + 1) * step}, detail.options());
        for (int64_t iy = 0; iy < ny; ++iy)
            for (int64_t ix = 0; ix < nx; ++ix) {
                const auto y0 = static_cast<int64_t>(rng() % static_cast<uint64_t>(hs - p + 1));
                const auto x0 = static_cast<int64_t>(rng() % static_cast<uint64_t>(ws - p + 1));
                canvas.narrow(2, iy * step, p).narrow(3, ix * step, p).add_(detail.narrow(2, y0, p).narrow(3, x0, p) * window);
            }
        const auto part = canvas.narrow(2, step, h).narrow(3, step, w) * (weights[i] / sum);
        layer = layer.defined() ? layer + part : part;
    }
    return layer.defined() ? layer.contiguous() : torch::zeros({1, 3, h, w});
}

std::vector<int64_t> gatysPassSides(int64_t side, const GatysOptions& o)
{
    std::vector<int64_t> sides;
    const int64_t top = std::min(side, o.maxWholeSide);
    int64_t s = std::min(o.startSide, top);
    while (s < top) {
        sides.push_back(s);
        s *= 2;
    }
    sides.push_back(top);
    return sides;
}

int gatysPassIterations(const GatysOptions& o, size_t pass)
{
    if (o.passIterations.empty())
        return o.iterations;
    return o.passIterations[std::min(pass, o.passIterations.size() - 1)];
}

torch::Tensor runGatys(LossNetwork& net, const GatysInput& input, const GatysOptions& o, const torch::Device& device,
                       JobContext* ctx, GatysReport* report)
{
    if (!input.content.defined() || input.content.dim() != 4 || input.content.size(0) != 1 || input.content.size(1) != 3)
        throw std::invalid_argument("style transfer: the content must be one RGB image");
    if (input.styles.empty())
        throw std::invalid_argument("style transfer: at least one style image is needed");
    for (const auto& s : input.styles)
        if (!s.defined() || s.dim() != 4 || s.size(1) != 3 || s.size(2) < 8 || s.size(3) < 8)
            throw std::invalid_argument("style transfer: style images must be RGB and at least 8x8");
    if (o.iterations < 1 || o.startSide < 16 || o.maxWholeSide < o.startSide || o.tileSize < 64 ||
        o.tileOverlap < 0 || o.tileOverlap * 2 > o.tileSize || !(o.styleScale > 0.05 && o.styleScale <= 8))
        throw std::invalid_argument("style transfer: options out of range");
    for (int n : o.passIterations)
        if (n < 1)
            throw std::invalid_argument("style transfer: every pass needs at least one iteration");
    const std::vector<double> weights =
        input.styleWeights.empty() ? std::vector<double>(input.styles.size(), 1.0) : input.styleWeights;
    if (weights.size() != input.styles.size())
        throw std::invalid_argument("style transfer: one weight per style image is needed");

    net.to(device);
    const auto content = input.content.to(device, torch::kFloat32);
    const auto H = content.size(2), W = content.size(3), side = std::max(H, W);
    torch::Tensor mask;
    if (input.mask.defined()) {
        if (input.mask.dim() != 4 || input.mask.size(1) != 1 || input.mask.size(2) != H || input.mask.size(3) != W)
            throw std::invalid_argument("style transfer: the mask must be [1,1,H,W] like the content");
        mask = input.mask.to(device, torch::kFloat32).clamp(0, 1);
    }
    if (input.shown.defined() && (input.shown.dim() != 4 || input.shown.size(0) != 1 || input.shown.size(1) != 3 ||
                                  input.shown.size(2) != H || input.shown.size(3) != W))
        throw std::invalid_argument("style transfer: the image shown first must be [1,3,H,W] like the content");

    auto gramsAt = [&](int64_t outputSide) {
        std::vector<std::vector<torch::Tensor>> all;
        for (const auto& s : input.styles) {
            const auto styleSide = std::clamp<int64_t>(std::llround(outputSide * o.styleScale), 16, 2048);
            torch::NoGradGuard noGrad;
            const auto f = featuresIn(net, resizeLongestSide(s.to(device, torch::kFloat32), styleSide), o);
            std::vector<torch::Tensor> grams;
            for (const auto& layer : f.style)
                grams.push_back(gramMatrix(layer).detach());
            all.push_back(std::move(grams));
        }
        return blendGrams(all, weights);
    };
    auto finish = [&](const torch::Tensor& x, const torch::Tensor& c, const torch::Tensor& m) {
        auto y = preserveColour(x, c, o.colour);
        return m.defined() ? blendStrength(c, y, 1.0, m) : y;
    };

    const auto sides = gatysPassSides(side, o);
    const bool tiled = side > o.maxWholeSide;
    std::vector<TileRect> tiles;
    if (tiled)
        tiles = planTiles(W, H, {o.tileSize, o.tileOverlap, 16, 1});
    int64_t totalIterations = static_cast<int64_t>(tiles.size()) * o.tileIterations;
    for (size_t pass = 0; pass < sides.size(); ++pass)
        totalIterations += gatysPassIterations(o, pass);
    Progress progress{ctx, 0, totalIterations};
    GatysReport local;
    GatysReport& rep = report ? *report : local;
    rep = {};

    // Previews of the passes below the last whole-image size: enlarged to it, with the style
    // pictures' fine detail laid over them (GatysOptions::previewMarks).
    const auto topContent = resizeLongestSide(content, sides.back());
    const auto topMask = mask.defined() ? resizeTo(mask, topContent.size(2), topContent.size(3)) : torch::Tensor();
    // The style's marks for an image of longest side @p side (h x w) enlarged from @p from px: the
    // enlargement keeps what the smaller image could hold, up to its Nyquist frequency; the detail
    // above that comes from the style pictures at this size, blurred at half the enlargement.
    auto marksFor = [&](int64_t side, int64_t from, int64_t h, int64_t w) {
        std::vector<torch::Tensor> styles;
        const auto styleSide = std::clamp<int64_t>(std::llround(side * o.styleScale), 16, 2048);
        for (const auto& s : input.styles)
            styles.push_back(resizeLongestSide(s.to(device, torch::kFloat32), styleSide));
        const double factor = static_cast<double>(side) / static_cast<double>(from);
        // Patches of a tenth of the style picture: a few marks each, none of its larger shapes.
        const int64_t patch = std::max<int64_t>(16, styleSide / 10);
        return styleMarksLayer(styles, weights, h, w, factor / 2, patch);
    };

    torch::Tensor x;
    bool shown = false; // a preview of the passes went out
    for (size_t pass = 0; pass < sides.size(); ++pass) {
        const auto c = resizeLongestSide(content, sides[pass]);
        const auto m = mask.defined() ? resizeTo(mask, c.size(2), c.size(3)) : torch::Tensor();
        if (pass == 0) {
            x = c.clone();
        } else {
            x = resizeTo(x, c.size(2), c.size(3)).clone();
            if (o.seedMarks)
                x = (x + marksFor(sides[pass], sides[pass - 1], c.size(2), c.size(3))).clamp(0, 1);
        }
        const auto grams = gramsAt(sides[pass]);
        const std::string label = "Pass " + std::to_string(pass + 1) + " of " +
                                  std::to_string(sides.size() + (tiled ? 1 : 0)) + " (" + std::to_string(c.size(3)) +
                                  "x" + std::to_string(c.size(2)) + ")";
        const int previewPass = static_cast<int>(pass);
        const bool withMarks = o.previewMarks && ctx && pass + 1 < sides.size();
        const auto marks = withMarks ? marksFor(sides.back(), sides[pass], topContent.size(2), topContent.size(3))
                                     : torch::Tensor();
        const double loss = optimise(net, x, c, grams, o, gatysPassIterations(o, pass), progress, label, [&] {
            if (!ctx)
                return;
            shown = true;
            if (withMarks) {
                torch::NoGradGuard noGrad;
                const auto enlarged = resizeTo(x.detach(), topContent.size(2), topContent.size(3));
                ctx->preview(finish((enlarged + marks).clamp(0, 1), topContent, topMask), previewPass);
            } else {
                ctx->preview(finish(x.detach(), c, m), previewPass);
            }
        });
        rep.finalLoss.push_back(loss);
        rep.sides.push_back(sides[pass]);
        if (acceptRequested(o)) {
            // What the last preview showed: a coarse pass with the marks over it (at the last
            // whole-image size), not the blur under them.
            rep.acceptedEarly = true;
            torch::NoGradGuard noGrad;
            if (!shown && input.shown.defined()) // the user still sees that image: it is kept
                return input.shown.to(torch::kCPU, torch::kFloat32).clamp(0, 1);
            if (withMarks)
                x = (resizeTo(x.detach(), topContent.size(2), topContent.size(3)) + marks).clamp(0, 1);
            x = resizeTo(x.detach(), H, W);
            return finish(x, content, mask).cpu().clamp(0, 1);
        }
    }

    if (tiled) {
        // Full size, tile by tile: the start image is the upsampled whole-image result, the style
        // statistics are those of the full-size output, computed once.
        const auto grams = gramsAt(side);
        auto start = resizeTo(x.detach(), H, W);
        if (o.seedMarks)
            start = (start + marksFor(side, sides.back(), H, W)).clamp(0, 1);
        const auto stacked = torch::cat({start, content}, 1).cpu();
        rep.tiles = static_cast<int>(tiles.size());
        int tileIndex = 0;
        const auto result = processTiled(
            stacked, {o.tileSize, o.tileOverlap, 16, 1},
            [&](const torch::Tensor& tile) {
                auto t = tile.to(device);
                auto xt = t.narrow(1, 0, 3).clone();
                const auto ct = t.narrow(1, 3, 3);
                ++tileIndex;
                if (!acceptRequested(o))
                    optimise(net, xt, ct, grams, o, o.tileIterations, progress,
                             "Full size, tile " + std::to_string(tileIndex) + " of " + std::to_string(tiles.size()),
                             [] {});
                return xt.detach().cpu();
            },
            nullptr);
        rep.finalLoss.push_back(0);
        rep.sides.push_back(side);
        rep.acceptedEarly = acceptRequested(o);
        x = result.to(device);
        if (ctx)
            ctx->preview(finish(x, content, mask), static_cast<int>(sides.size()));
    }
    return finish(x.detach(), content, mask).cpu().clamp(0, 1);
}

} // namespace ganvas::engine
