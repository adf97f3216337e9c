// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/gan/GanMetrics.h"

#include "core/engine/style/ColourTransfer.h"
#include "core/engine/style/LossNetwork.h"

#include <torch/script.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace ganvas::engine {

namespace {

/// [N*per, C*7*7] random 7x7 neighbourhoods of @p level, per-channel normalised (ProGAN's
/// finalize_descriptors: zero mean, unit deviation over the set).
torch::Tensor descriptors(const torch::Tensor& level, int64_t per, std::mt19937_64& rng)
{
    const int64_t n = level.size(0), c = level.size(1), h = level.size(2), w = level.size(3);
    constexpr int64_t r = 3;
    std::uniform_int_distribution<int64_t> py(r, h - r - 1), px(r, w - r - 1);
    const auto patches = torch::nn::functional::unfold(level, torch::nn::functional::UnfoldFuncOptions({7, 7}));
    // patches [N, C*49, (h-6)*(w-6)]
    const int64_t cols = w - 6;
    std::vector<int64_t> idx(static_cast<size_t>(n * per));
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < per; ++j)
            idx[static_cast<size_t>(i * per + j)] = (py(rng) - r) * cols + (px(rng) - r);
    auto index = torch::tensor(idx, torch::kLong).view({n, 1, per}).expand({n, c * 49, per});
    auto d = patches.gather(2, index).permute({0, 2, 1}).reshape({n * per, c, 49});
    d = d - d.mean(std::vector<int64_t>{0, 2}, true);
    d = d / d.std(std::vector<int64_t>{0, 2}, true, true).clamp_min(1e-8);
    return d.reshape({n * per, c * 49});
}

double sliced(const torch::Tensor& a, const torch::Tensor& b, int64_t directions, std::mt19937_64& rng)
{
    const auto dim = a.size(1);
    double total = 0;
    const int64_t repeats = std::max<int64_t>(1, directions / 128);
    for (int64_t rep = 0; rep < repeats; ++rep) {
        auto gen = at::make_generator<at::CPUGeneratorImpl>(rng());
        auto dirs = torch::randn({dim, 128}, gen, torch::kFloat32);
        dirs = dirs / dirs.norm(2, 0, true);
        const auto pa = std::get<0>(torch::sort(torch::mm(a, dirs), 0));
        const auto pb = std::get<0>(torch::sort(torch::mm(b, dirs), 0));
        total += (pa - pb).abs().mean().item<double>();
    }
    return total / static_cast<double>(repeats);
}

torch::Tensor gaussianWindow(int64_t size, double sigma)
{
    auto x = torch::arange(size, torch::kFloat32) - static_cast<double>(size - 1) / 2.0;
    auto g = torch::exp(-(x * x) / (2 * sigma * sigma));
    g = g / g.sum();
    return torch::outer(g, g).view({1, 1, size, size});
}

/// Mean SSIM and contrast-structure terms of [N,1,H,W] pairs: {ssim [N], cs [N]}.
std::pair<torch::Tensor, torch::Tensor> ssimTerms(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& win)
{
    constexpr double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
    const auto mx = torch::conv2d(x, win), my = torch::conv2d(y, win);
    const auto sxx = torch::conv2d(x * x, win) - mx * mx;
    const auto syy = torch::conv2d(y * y, win) - my * my;
    const auto sxy = torch::conv2d(x * y, win) - mx * my;
    const auto cs = (2 * sxy + c2) / (sxx + syy + c2);
    const auto l = (2 * mx * my + c1) / (mx * mx + my * my + c1);
    return {(l * cs).mean({1, 2, 3}), cs.mean({1, 2, 3})};
}

torch::Tensor downTo32(const torch::Tensor& images)
{
    if (images.size(2) == 32 && images.size(3) == 32)
        return images.flatten(1);
    return torch::adaptive_avg_pool2d(images, {32, 32}).flatten(1);
}

double medianOf(const torch::Tensor& t)
{
    return t.median().item<double>();
}

} // namespace

SwdResult slicedWasserstein(const torch::Tensor& a, const torch::Tensor& b, int64_t per, int64_t directions,
                            uint64_t seed)
{
    if (a.dim() != 4 || b.dim() != 4 || a.sizes().slice(1) != b.sizes().slice(1))
        throw std::invalid_argument("SWD needs two [N,C,H,W] sets of the same image size");
    if (a.size(2) < 16 || a.size(3) < 16)
        throw std::invalid_argument("SWD needs images of at least 16 px");
    torch::NoGradGuard noGrad;
    const auto count = std::min(a.size(0), b.size(0));
    const auto pa = laplacianPyramid(a.narrow(0, 0, count).cpu());
    const auto pb = laplacianPyramid(b.narrow(0, 0, count).cpu());
    SwdResult r;
    std::mt19937_64 rng(seed);
    for (size_t l = 0; l < pa.size(); ++l) {
        std::mt19937_64 patchRng(seed * 31 + l);
        auto patchRngB = patchRng;
        const auto da = descriptors(pa[l], per, patchRng);
        const auto db = descriptors(pb[l], per, patchRngB);
        r.perLevel.push_back(sliced(da, db, directions, rng) * 1e3);
        r.levelSides.push_back(pa[l].size(2));
    }
    r.mean = std::accumulate(r.perLevel.begin(), r.perLevel.end(), 0.0) / static_cast<double>(r.perLevel.size());
    return r;
}

FeatureSpace FeatureSpace::randomFeatures(uint64_t seed)
{
    RandomLossNetworkOptions o;
    o.seed = seed;
    std::shared_ptr<LossNetwork> net = makeRandomLossNetwork(o);
    FeatureSpace f;
    f.m_fn = [net](const torch::Tensor& images) {
        const auto feats = net->features(images.to(torch::kFloat32));
        std::vector<torch::Tensor> parts;
        for (const auto& s : feats.style) {
            parts.push_back(s.mean({2, 3}));
            parts.push_back(s.flatten(2).std(2));
        }
        return torch::cat(parts, 1);
    };
    f.m_label = "random features seed " + std::to_string(seed) + " (RF-FID/RF-KID, not comparable to published FID/KID)";
    f.m_random = true;
    return f;
}

FeatureSpace FeatureSpace::torchScript(const std::filesystem::path& path, int64_t inputSide)
{
    std::shared_ptr<torch::jit::script::Module> module;
    try {
        module = std::make_shared<torch::jit::script::Module>(torch::jit::load(path.string(), torch::kCPU));
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot load the feature network '" + path.string() +
                                 "': not a TorchScript file (" + std::string(e.what()).substr(0, 200) + ")");
    }
    module->eval();
    FeatureSpace f;
    f.m_fn = [module, inputSide](const torch::Tensor& images) {
        auto x = torch::nn::functional::interpolate(
            images.to(torch::kFloat32),
            torch::nn::functional::InterpolateFuncOptions()
                .size(std::vector<int64_t>{inputSide, inputSide})
                .mode(torch::kBilinear)
                .align_corners(false));
        auto out = module->forward({x}).toTensor();
        if (out.dim() > 2)
            out = out.flatten(2).mean(2);
        return out.to(torch::kFloat32);
    };
    f.m_label = "torchscript: " + path.string();
    f.m_random = false;
    // Fail now, not in the middle of an evaluation.
    try {
        torch::NoGradGuard noGrad;
        (void)f.m_fn(torch::rand({1, 3, 64, 64}));
    } catch (const std::exception& e) {
        throw std::runtime_error("the feature network '" + path.string() + "' does not map [N,3,H,W] images to features (" +
                                 std::string(e.what()).substr(0, 200) + ")");
    }
    return f;
}

torch::Tensor FeatureSpace::features(const torch::Tensor& images, int64_t batch) const
{
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> parts;
    for (int64_t i = 0; i < images.size(0); i += batch)
        parts.push_back(m_fn(images.narrow(0, i, std::min(batch, images.size(0) - i))).cpu());
    return torch::cat(parts);
}

double frechetDistance(const torch::Tensor& a64, const torch::Tensor& b64)
{
    const auto a = a64.to(torch::kFloat64), b = b64.to(torch::kFloat64);
    const auto mu1 = a.mean(0), mu2 = b.mean(0);
    const auto ca = a - mu1, cb = b - mu2;
    const auto s1 = torch::mm(ca.t(), ca) / std::max<int64_t>(1, a.size(0) - 1);
    const auto s2 = torch::mm(cb.t(), cb) / std::max<int64_t>(1, b.size(0) - 1);
    // tr(sqrt(S1 S2)) = sum of sqrt(eigenvalues of sqrt(S1) S2 sqrt(S1)) (symmetric, PSD).
    const auto [w, v] = torch::linalg::eigh(s1, "L");
    const auto root = torch::mm(v * w.clamp_min(0).sqrt().unsqueeze(0), v.t());
    const auto m = torch::mm(torch::mm(root, s2), root);
    const auto ev = torch::linalg::eigvalsh((m + m.t()) / 2, "L").clamp_min(0);
    const double trace = (s1.trace() + s2.trace()).item<double>() - 2 * ev.sqrt().sum().item<double>();
    return (mu1 - mu2).square().sum().item<double>() + trace;
}

double kernelDistance(const torch::Tensor& a, const torch::Tensor& b, int64_t subsets, int64_t subsetSize, uint64_t seed)
{
    const auto x = a.to(torch::kFloat64), y = b.to(torch::kFloat64);
    const auto m = std::min({subsetSize, x.size(0), y.size(0)});
    if (m < 2)
        throw std::invalid_argument("KID needs at least 2 images in each set");
    const double d = static_cast<double>(x.size(1));
    auto kernel = [d](const torch::Tensor& p, const torch::Tensor& q) { return (torch::mm(p, q.t()) / d + 1).pow(3); };
    std::mt19937_64 rng(seed);
    double total = 0;
    for (int64_t s = 0; s < subsets; ++s) {
        auto gen = at::make_generator<at::CPUGeneratorImpl>(rng());
        const auto px = x.index_select(0, torch::randperm(x.size(0), gen, torch::kLong).narrow(0, 0, m));
        const auto py = y.index_select(0, torch::randperm(y.size(0), gen, torch::kLong).narrow(0, 0, m));
        const auto kxx = kernel(px, px), kyy = kernel(py, py), kxy = kernel(px, py);
        const double mm = static_cast<double>(m);
        total += ((kxx.sum() - kxx.diagonal().sum()).item<double>() + (kyy.sum() - kyy.diagonal().sum()).item<double>()) /
                     (mm * (mm - 1)) -
                 2 * kxy.mean().item<double>();
    }
    return total / static_cast<double>(subsets);
}

torch::Tensor msSsim(const torch::Tensor& a, const torch::Tensor& b)
{
    static const double weights[] = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};
    torch::NoGradGuard noGrad;
    auto x = luminance(a.to(torch::kFloat32).cpu()), y = luminance(b.to(torch::kFloat32).cpu());
    // As many scales (up to the standard five) as keep the coarsest at >= 16 px for the window.
    int scales = 1;
    while (scales < 5 && (x.size(2) >> scales) >= 16 && (x.size(3) >> scales) >= 16)
        ++scales;
    const int64_t winSize = std::min<int64_t>(11, std::min(x.size(2), x.size(3)) >> (scales - 1));
    const auto win = gaussianWindow(winSize, 1.5);
    double wsum = 0;
    for (int i = 0; i < scales; ++i)
        wsum += weights[i];
    auto result = torch::ones({x.size(0)});
    for (int i = 0; i < scales; ++i) {
        const auto [ssim, cs] = ssimTerms(x, y, win);
        const double w = weights[i] / wsum;
        result = result * (i + 1 < scales ? cs : ssim).clamp_min(0).pow(w);
        if (i + 1 < scales) {
            x = torch::avg_pool2d(x, 2);
            y = torch::avg_pool2d(y, 2);
        }
    }
    return result;
}

double meanPairwiseMsSsim(const torch::Tensor& images, int64_t pairs, uint64_t seed)
{
    const auto n = images.size(0);
    if (n < 2)
        return 0;
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int64_t> pick(0, n - 1);
    std::vector<int64_t> ia, ib;
    for (int64_t i = 0; i < pairs; ++i) {
        int64_t p = pick(rng), q = pick(rng);
        while (q == p)
            q = pick(rng);
        ia.push_back(p);
        ib.push_back(q);
    }
    const auto a = images.index_select(0, torch::tensor(ia, torch::kLong));
    const auto b = images.index_select(0, torch::tensor(ib, torch::kLong));
    return msSsim(a, b).mean().item<double>();
}

torch::Tensor nearestDistances(const torch::Tensor& queries, const torch::Tensor& reference)
{
    torch::NoGradGuard noGrad;
    const auto q = queries.to(torch::kFloat32), r = reference.to(torch::kFloat32);
    const auto rn = r.square().sum(1);
    std::vector<torch::Tensor> out;
    for (int64_t i = 0; i < q.size(0); i += 256) {
        const auto part = q.narrow(0, i, std::min<int64_t>(256, q.size(0) - i));
        const auto d2 = part.square().sum(1, true) + rn.unsqueeze(0) - 2 * torch::mm(part, r.t());
        const int64_t k = std::min<int64_t>(4, r.size(0));
        const auto candidates = std::get<1>(d2.topk(k, 1, /*largest=*/false, /*sorted=*/false));
        const auto picked = r.index_select(0, candidates.reshape(-1)).view({part.size(0), k, r.size(1)});
        const auto exact = (picked - part.unsqueeze(1)).square().sum(2);
        out.push_back(std::get<0>(exact.min(1)).sqrt());
    }
    return torch::cat(out);
}

nlohmann::json GanEvaluation::toJson() const
{
    nlohmann::json swdLevels = nlohmann::json::array();
    for (size_t i = 0; i < swd.perLevel.size(); ++i)
        swdLevels.push_back({{"side", swd.levelSides[i]}, {"swd_x1e3", swd.perLevel[i]}});
    return {{"samples", samples},
            {"real_images", realImages},
            {"swd_x1e3_mean", swd.mean},
            {"swd_levels", swdLevels},
            {"feature_space", featureSpace},
            {"fid", fid},
            {"kid", kid},
            {"diversity_ms_ssim", diversity},
            {"real_diversity_ms_ssim", realDiversity},
            {"diversity_pairs", diversityPairs},
            {"nearest_train_rms_median", sampleNearest},
            {"held_out_nearest_rms_median", heldOutNearest},
            {"near_copies_fraction", nearCopies},
            {"seconds", seconds}};
}

GanEvaluation evaluateGan(const torch::Tensor& generated, const torch::Tensor& real, const FeatureSpace& space, uint64_t seed)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (generated.size(0) < 2 || real.size(0) < 2)
        throw std::invalid_argument("evaluation needs at least 2 generated and 2 real images");
    if (generated.sizes().slice(1) != real.sizes().slice(1))
        throw std::invalid_argument("generated and real images differ in size");
    torch::NoGradGuard noGrad;
    const auto fake = generated.to(torch::kFloat32).cpu(), realF = real.to(torch::kFloat32).cpu();
    GanEvaluation e;
    e.samples = fake.size(0);
    e.realImages = realF.size(0);
    e.swd = slicedWasserstein(fake, realF, 64, 512, seed);
    e.featureSpace = space.label();
    const auto ff = space.features(fake), fr = space.features(realF);
    e.fid = frechetDistance(ff, fr);
    e.kid = kernelDistance(ff, fr, 10, std::min<int64_t>(256, std::min(ff.size(0), fr.size(0))), seed);
    e.diversityPairs = std::min<int64_t>(1000, e.samples * 2);
    e.diversity = meanPairwiseMsSsim(fake, e.diversityPairs, seed);
    e.realDiversity = meanPairwiseMsSsim(realF, e.diversityPairs, seed);

    // Memorisation: a held-out tenth of the real set shows how near a genuinely new image of the
    // same kind comes to the rest; samples much nearer than that are copies.
    const auto n = realF.size(0);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto perm = torch::randperm(n, gen, torch::kLong);
    const auto held = std::clamp<int64_t>(n / 10, 1, 500);
    const auto heldOut = downTo32(realF.index_select(0, perm.narrow(0, 0, held)));
    const auto rest = downTo32(realF.index_select(0, perm.narrow(0, held, n - held)));
    const double scale = 1.0 / std::sqrt(static_cast<double>(rest.size(1)));
    const auto heldD = nearestDistances(heldOut, rest) * scale;
    const auto sampleD = nearestDistances(downTo32(fake), downTo32(realF)) * scale;
    e.heldOutNearest = medianOf(heldD);
    e.sampleNearest = medianOf(sampleD);
    // Held-out images that are duplicates of training images are not "genuinely new": leave them
    // out of the threshold (with none left, only exact copies count).
    const auto newHeld = heldD.masked_select(heldD >= kExactCopyRms);
    const double threshold =
        newHeld.numel() > 0 ? torch::quantile(newHeld.to(torch::kFloat64), 0.01).item<double>() : 0.0;
    e.nearCopies = ((sampleD < threshold) | (sampleD < kExactCopyRms)).to(torch::kFloat32).mean().item<double>();
    e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return e;
}

} // namespace ganvas::engine
