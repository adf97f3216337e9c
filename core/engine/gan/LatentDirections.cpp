// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/gan/LatentDirections.h"

#include "core/engine/nn/SafeTensors.h"

#include <stdexcept>

namespace ganvas::engine {

LatentDirections computeDirections(Generator& g, int64_t count, int64_t samples, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    const auto latentDim = g->options().latentDim;
    count = std::clamp<int64_t>(count, 1, latentDim);
    const bool wasTraining = g->is_training();
    g->eval();
    const auto device = g->parameters().front().device();
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto z = torch::randn({samples, latentDim}, gen, torch::kFloat64);
    std::vector<torch::Tensor> parts;
    for (int64_t i = 0; i < samples; i += 512)
        parts.push_back(
            g->earlyFeatures(z.narrow(0, i, std::min<int64_t>(512, samples - i)).to(device, torch::kFloat32)).cpu());
    if (wasTraining)
        g->train();
    auto x = torch::cat(parts).to(torch::kFloat64);
    x = x - x.mean(0, true);
    const double totalVariance = x.square().sum().item<double>();

    // Principal components by a randomised range finder with power iterations (Halko et al. 2011):
    // the activations have thousands of dimensions and only the strongest few are needed.
    const int64_t p = std::min<int64_t>(count + 16, std::min(x.size(0), x.size(1)));
    auto y = torch::mm(x, torch::randn({x.size(1), p}, gen, torch::kFloat64));
    for (int it = 0; it < 3; ++it) {
        y = std::get<0>(torch::linalg::qr(y));
        y = torch::mm(x, torch::mm(x.t(), y));
    }
    const auto q = std::get<0>(torch::linalg::qr(y));
    const auto b = torch::mm(q.t(), x);
    const auto svd = torch::linalg::svd(b, false, c10::nullopt);
    const auto& s = std::get<1>(svd);
    const auto& vh = std::get<2>(svd);
    const auto v = vh.narrow(0, 0, count).t();            // [D, K]
    const auto coords = torch::mm(x, v);                   // [N, K]
    // GANSpace carries the components back to z by regression: z ~ coords U.
    const auto uMat = std::get<0>(torch::linalg::lstsq(coords, z, {}, {}));  // [K, L]
    auto dirs = uMat / uMat.norm(2, 1, true).clamp_min(1e-12);
    LatentDirections out;
    out.directions = dirs.to(torch::kFloat32);
    out.scale = torch::mm(z, dirs.t()).std(0).to(torch::kFloat32);
    out.explained = (s.narrow(0, 0, count).square() / std::max(totalVariance, 1e-30)).to(torch::kFloat32);
    return out;
}

void saveDirections(const std::filesystem::path& file, const LatentDirections& d)
{
    saveSafeTensors(file,
                    {{"directions", d.directions.cpu().contiguous()},
                     {"scale", d.scale.cpu().contiguous()},
                     {"explained", d.explained.cpu().contiguous()}},
                    {{"format", "ganvas-directions-1"}, {"method", "ganspace"}});
}

LatentDirections loadDirections(const std::filesystem::path& file, int64_t latentDim)
{
    const auto f = loadSafeTensors(file);
    auto get = [&](const char* name) {
        const auto it = f.tensors.find(name);
        if (it == f.tensors.end())
            throw std::runtime_error("'" + file.string() + "' has no tensor '" + name + "'");
        return it->second.to(torch::kFloat32);
    };
    LatentDirections d{get("directions"), get("scale"), get("explained")};
    const auto k = d.directions.dim() == 2 ? d.directions.size(0) : -1;
    if (k < 1 || d.directions.size(1) != latentDim || d.scale.dim() != 1 || d.scale.size(0) != k ||
        d.explained.dim() != 1 || d.explained.size(0) != k)
        throw std::runtime_error("'" + file.string() + "' does not hold directions for a " + std::to_string(latentDim) +
                                 "-dimensional latent");
    if (!torch::isfinite(d.directions).all().item<bool>() || !torch::isfinite(d.scale).all().item<bool>())
        throw std::runtime_error("'" + file.string() + "' contains NaN or infinity");
    return d;
}

} // namespace ganvas::engine
