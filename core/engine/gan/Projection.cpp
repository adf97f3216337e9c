// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/gan/Projection.h"

#include "core/engine/style/LossNetwork.h"

#include <chrono>
#include <stdexcept>

namespace ganvas::engine {

ProjectionJob::ProjectionJob(LoadedGenerator generator, torch::Tensor target, ProjectionOptions options)
    : m_generator(std::move(generator)), m_options(options)
{
    if (!m_generator.net)
        throw std::invalid_argument("projection needs a generator");
    if (target.dim() == 3)
        target = target.unsqueeze(0);
    if (!target.defined() || target.dim() != 4 || target.size(1) < 3 || target.size(2) < 1 || target.size(3) < 1)
        throw std::invalid_argument("projection needs an RGB picture");
    const auto side = m_generator.options.resolution;
    m_target = torch::nn::functional::interpolate(
                   target.narrow(1, 0, 3).to(torch::kFloat32),
                   torch::nn::functional::InterpolateFuncOptions()
                       .size(std::vector<int64_t>{side, side})
                       .mode(torch::kBilinear)
                       .align_corners(false)
                       .antialias(true))
                   .clamp(0, 1);
    if (m_options.steps < 1 || m_options.starts < 1)
        throw std::invalid_argument("projection needs at least one step and one start");
}

void ProjectionJob::run(JobContext& ctx)
{
    const auto t0 = std::chrono::steady_clock::now();
    auto& g = m_generator.net;
    g->eval();
    for (auto& p : g->parameters())
        p.set_requires_grad(false);
    const auto latentDim = m_generator.options.latentDim;
    RandomLossNetworkOptions lossOptions;
    lossOptions.seed = 7;
    lossOptions.channels = {32, 64, 128};
    lossOptions.contentStage = 1;
    auto features = makeRandomLossNetwork(lossOptions);
    torch::Tensor targetFeatures;
    std::vector<torch::Tensor> targetStyle;
    {
        torch::NoGradGuard noGrad;
        targetStyle = features->features(m_target).style;
    }
    auto distance = [&](const torch::Tensor& image, bool perImage) {
        // Pixel MSE plus the relative distance of every stage's activations.
        auto pixel = (image - m_target).square().mean({1, 2, 3});
        auto f = features->features(image).style;
        auto feat = torch::zeros_like(pixel);
        for (size_t i = 0; i < f.size(); ++i)
            feat = feat + (f[i] - targetStyle[i]).square().mean({1, 2, 3}) /
                              targetStyle[i].square().mean().clamp_min(1e-8);
        auto total = pixel * 10.0 + m_options.featureWeight * feat / static_cast<double>(f.size());
        return perImage ? total : total.mean();
    };

    // Best of several random starts.
    torch::Tensor z;
    {
        torch::NoGradGuard noGrad;
        const auto candidates = latentsForSeed(static_cast<int64_t>(m_options.seed) * 1000, m_options.starts, latentDim);
        const auto scores = distance(g->forward(candidates) * 0.5 + 0.5, true);
        z = candidates[scores.argmin().item<int64_t>()].unsqueeze(0).clone();
    }
    z.set_requires_grad(true);
    torch::optim::Adam adam({z}, torch::optim::AdamOptions(m_options.learningRate));
    torch::Tensor best = z.detach().clone();
    double bestLoss = std::numeric_limits<double>::infinity();
    for (int64_t step = 0; step < m_options.steps; ++step) {
        ctx.throwIfCancelled();
        adam.zero_grad();
        const auto image = g->forward(z) * 0.5 + 0.5;
        auto loss = distance(image, false);
        const double value = loss.item<double>();
        if (value < bestLoss) {
            bestLoss = value;
            best = z.detach().clone();
        }
        // Keep |z|^2 near L: the generator only knows latents from its training distribution.
        loss = loss + m_options.latentPrior * (z.square().sum() / static_cast<double>(latentDim) - 1.0).square();
        loss.backward();
        adam.step();
        ctx.progress(step + 1, m_options.steps, "matching the picture: step " + std::to_string(step + 1));
        if (m_options.previewEvery > 0 && (step + 1) % m_options.previewEvery == 0)
            ctx.preview(image.detach()[0], 0);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (m_options.maxSeconds > 0 && seconds >= m_options.maxSeconds)
            break;
    }
    torch::NoGradGuard noGrad;
    m_latent = best.cpu();
    m_image = (g->forward(best) * 0.5 + 0.5).clamp(0, 1).cpu();
    m_pixelError = std::sqrt((m_image - m_target.cpu()).square().mean().item<double>());
    ctx.preview(m_image[0], 0);
}

} // namespace ganvas::engine
