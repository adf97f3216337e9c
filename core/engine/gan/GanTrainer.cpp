// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/gan/GanTrainer.h"

#include "core/engine/gan/LatentDirections.h"
#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/FileIO.h"
#include "core/engine/nn/OptimizerState.h"
#include "core/engine/nn/SafeTensors.h"

#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>
#include <thread>

namespace ganvas::engine {

namespace {

constexpr const char* kCheckpoint = "checkpoint.safetensors";
constexpr const char* kWeights = "weights.safetensors";
constexpr const char* kDirections = "directions.safetensors";

void setRequiresGrad(torch::nn::Module& m, bool on)
{
    for (auto& p : m.parameters())
        p.set_requires_grad(on);
}

/// ema <- beta * ema + (1 - beta) * g for parameters; buffers (batch-norm statistics) copied.
void updateEma(Generator& ema, Generator& g, double beta)
{
    torch::NoGradGuard noGrad;
    auto ep = ema->parameters();
    auto gp = g->parameters();
    for (size_t i = 0; i < ep.size(); ++i)
        ep[i].lerp_(gp[i], 1.0 - beta);
    auto eb = ema->buffers();
    auto gb = g->buffers();
    for (size_t i = 0; i < eb.size(); ++i)
        eb[i].copy_(gb[i]);
}

Generator copyGenerator(Generator& from)
{
    Generator to(from->options());
    to->to(from->parameters().front().device());
    auto state = moduleState(*from);
    loadModuleState(*to, state, "generator copy");
    return to;
}

} // namespace

GanStepper::GanStepper(const GanTrainOptions& o, Generator gen, Discriminator disc)
    : g(std::move(gen)),
      d(std::move(disc)),
      gOpt(g->parameters(), torch::optim::AdamOptions(o.learningRate).betas({0.5, 0.99})),
      dOpt(d->parameters(), torch::optim::AdamOptions(o.learningRate).betas({0.5, 0.99})),
      options(o),
      r1Gamma(o.r1Gamma >= 0 ? o.r1Gamma
                             : 0.0002 * static_cast<double>(o.network.resolution * o.network.resolution) /
                                   static_cast<double>(o.batch))
{
}

std::array<double, 6> GanStepper::step(const torch::Tensor& real, bool r1)
{
    const auto& o = options;
    const auto b = real.size(0);
    const auto z = torch::randn({b, o.network.latentDim}, real.options());
    torch::Tensor fake, dLoss, gLoss, realLogits, fakeLogits, reconstruction;

    // Discriminator: real up, fake down (non-saturating logistic loss); a reconstructing
    // discriminator also rebuilds the real pictures it saw (L1 at 32 px).
    setRequiresGrad(*d, true);
    {
        AutocastGuard autocast(real.device(), o.precision);
        fake = g->forward(z);
        const auto realSeen = diffAugment(real, o.augment);
        auto [logits, rebuilt] = d->forwardReconstructing(realSeen);
        realLogits = logits.to(torch::kFloat32);
        fakeLogits = d->forward(diffAugment(fake.detach(), o.augment)).to(torch::kFloat32);
        dLoss = torch::softplus(fakeLogits).mean() + torch::softplus(-realLogits).mean();
        if (rebuilt.defined()) {
            reconstruction =
                (rebuilt.to(torch::kFloat32) - reconstructionTarget(realSeen).to(torch::kFloat32)).abs().mean();
            dLoss = dLoss + reconstruction;
        }
    }
    dOpt.zero_grad();
    dLoss.backward();
    dOpt.step();

    // Lazy R1 on real images, in fp32 (double backward), scaled by the interval.
    double r1Value = 0;
    if (r1 && r1Gamma > 0) {
        auto x = real.detach().clone().set_requires_grad(true);
        const auto logits = d->forward(diffAugment(x, o.augment));
        const auto grad = torch::autograd::grad({logits.sum()}, {x}, {}, /*retain_graph=*/true, /*create_graph=*/true)[0];
        const auto penalty = grad.square().sum({1, 2, 3}).mean();
        dOpt.zero_grad();
        (penalty * (r1Gamma * 0.5 * static_cast<double>(o.r1Every))).backward();
        dOpt.step();
        r1Value = penalty.item<double>();
    }

    // Generator: the same fakes, judged by the updated discriminator (no D gradients needed).
    setRequiresGrad(*d, false);
    {
        AutocastGuard autocast(real.device(), o.precision);
        gLoss = torch::softplus(-d->forward(diffAugment(fake, o.augment)).to(torch::kFloat32)).mean();
    }
    gOpt.zero_grad();
    gLoss.backward();
    gOpt.step();
    setRequiresGrad(*d, true);
    return {dLoss.item<double>(),
            gLoss.item<double>(),
            r1Value,
            realLogits.mean().item<double>(),
            fakeLogits.mean().item<double>(),
            reconstruction.defined() ? reconstruction.item<double>() : 0.0};
}

void recalibrateBatchNorm(Generator& g, int64_t batches, int64_t batch, uint64_t seed)
{
    torch::NoGradGuard noGrad;
    const auto device = g->parameters().front().device();
    std::vector<torch::nn::BatchNorm2dImpl*> norms;
    for (auto& m : g->modules(false))
        if (auto* bn = m->as<torch::nn::BatchNorm2d>())
            norms.push_back(bn);
    std::vector<c10::optional<double>> momenta;
    for (auto* bn : norms) {
        momenta.push_back(bn->options.momentum());
        bn->options.momentum(c10::nullopt); // cumulative average
        bn->reset_running_stats();
    }
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    g->train();
    for (int64_t i = 0; i < batches; ++i)
        (void)g->forward(torch::randn({batch, g->options().latentDim}, gen, torch::kFloat32).to(device));
    g->eval();
    for (size_t i = 0; i < norms.size(); ++i)
        norms[i]->options.momentum(momenta[i]);
}

GanTrainJob::GanTrainJob(GanTrainOptions options, torch::Tensor data) : m_options(std::move(options)), m_data(std::move(data))
{
    auto& o = m_options;
    o.network.validate();
    if (!m_data.defined() || m_data.dim() != 4 || m_data.size(1) != 3 || m_data.size(2) != o.network.resolution ||
        m_data.size(3) != o.network.resolution || m_data.scalar_type() != torch::kUInt8)
        throw std::invalid_argument("training data must be [N,3," + std::to_string(o.network.resolution) + "," +
                                    std::to_string(o.network.resolution) + "] uint8 images");
    if (m_data.size(0) < 2)
        throw std::invalid_argument("GAN training needs at least 2 different images");
    if (o.steps < 1 || o.steps > 100'000'000)
        throw std::invalid_argument("steps must be between 1 and 100000000");
    if (o.batch < 2 || o.batch > 1024)
        throw std::invalid_argument("batch must be between 2 and 1024");
    if (!(o.learningRate > 0 && o.learningRate < 1))
        throw std::invalid_argument("learning rate must be in (0, 1)");
    if (o.r1Every < 1)
        throw std::invalid_argument("r1 interval must be at least 1");
    if (o.outputDir.empty())
        throw std::invalid_argument("GAN training needs an output folder");
}

std::string GanTrainJob::title() const
{
    return "Train generator: " + m_options.name;
}

std::vector<GanTrainPoint> GanTrainJob::history() const
{
    std::lock_guard lock(m_mutex);
    return m_history;
}

std::vector<GanEvalPoint> GanTrainJob::evaluations() const
{
    std::lock_guard lock(m_mutex);
    return m_evals;
}

torch::Tensor GanTrainJob::previewLatents(int64_t latentDim)
{
    return latentsForSeed(1234, 64, latentDim);
}

void GanTrainJob::run(JobContext& ctx)
{
    const auto& o = m_options;
    const auto device = o.device;
    torch::manual_seed(o.seed);
    Generator g(o.network);
    Discriminator d(o.network);
    initGanWeights(*g);
    initGanWeights(*d);
    g->to(device);
    d->to(device);
    Generator ema = copyGenerator(g);
    ema->eval();
    setRequiresGrad(*ema, false);
    GanStepper stepper(o, g, d);

    int64_t step = 0;
    const auto checkpointPath = o.outputDir / kCheckpoint;
    if (o.resume && std::filesystem::exists(checkpointPath)) {
        const auto file = loadSafeTensors(checkpointPath);
        const auto it = file.metadata.find("step");
        const auto arch = file.metadata.find("architecture");
        if (it == file.metadata.end())
            throw std::runtime_error("checkpoint '" + checkpointPath.string() + "' has no step");
        if (arch != file.metadata.end() && arch->second != o.network.toJson().dump())
            throw std::runtime_error("the checkpoint in '" + o.outputDir.string() +
                                     "' is for a different network (" + arch->second + ")");
        try {
            step = std::stoll(it->second);
        } catch (const std::exception&) {
            throw std::runtime_error("checkpoint '" + checkpointPath.string() + "' has a bad step");
        }
        if (step < 0 || step > o.steps)
            throw std::runtime_error("checkpoint step " + std::to_string(step) + " is beyond the requested steps");
        auto part = [&](const std::string& prefix) {
            std::map<std::string, torch::Tensor> s;
            for (const auto& [name, t] : file.tensors)
                if (name.rfind(prefix, 0) == 0)
                    s[name.substr(prefix.size())] = t;
            return s;
        };
        loadModuleState(*g, part("g."), "checkpoint generator");
        loadModuleState(*d, part("d."), "checkpoint discriminator");
        loadModuleState(*ema, part("ema."), "checkpoint generator average");
        restoreAdamState(stepper.gOpt, *g, "gopt.", file.tensors);
        restoreAdamState(stepper.dOpt, *d, "dopt.", file.tensors);
    } else if (!o.resume) {
        std::filesystem::remove(checkpointPath);
    }
    m_firstStep = step;
    {
        std::lock_guard lock(m_mutex);
        m_history.clear();
        m_evals.clear();
    }

    auto saveCheckpoint = [&](int64_t atStep) {
        std::map<std::string, torch::Tensor> t;
        for (const auto& [k, v] : moduleState(*g))
            t["g." + k] = v.cpu();
        for (const auto& [k, v] : moduleState(*d))
            t["d." + k] = v.cpu();
        for (const auto& [k, v] : moduleState(*ema))
            t["ema." + k] = v.cpu();
        storeAdamState(stepper.gOpt, *g, "gopt.", t);
        storeAdamState(stepper.dOpt, *d, "dopt.", t);
        std::filesystem::create_directories(o.outputDir);
        saveSafeTensors(checkpointPath, t,
                        {{"step", std::to_string(atStep)},
                         {"format", "ganvas-gan-checkpoint-1"},
                         {"architecture", o.network.toJson().dump()}});
    };

    const auto previewZ = previewLatents(o.network.latentDim).to(device);
    auto snapshot = [&](int64_t batches) {
        auto s = copyGenerator(ema);
        recalibrateBatchNorm(s, batches);
        return s;
    };
    auto preview = [&] {
        auto s = snapshot(8);
        ctx.preview(imageGrid(sampleImages(s, previewZ), 8), 0);
    };
    const auto n = m_data.size(0);
    auto realBatch = [&](int64_t count, uint64_t seed) {
        std::mt19937_64 rng(seed);
        std::uniform_int_distribution<int64_t> pick(0, n - 1);
        std::vector<int64_t> idx(static_cast<size_t>(count));
        for (auto& i : idx)
            i = pick(rng);
        return m_data.index_select(0, torch::tensor(idx, torch::kLong));
    };
    auto evaluateSwd = [&](int64_t count) {
        auto s = snapshot(8);
        std::vector<torch::Tensor> parts;
        for (int64_t i = 0; i < count; i += 64) {
            const auto c = std::min<int64_t>(64, count - i);
            parts.push_back(sampleImages(s, latentsForSeed(100000 + i, c, o.network.latentDim)).cpu());
        }
        const auto fake = torch::cat(parts);
        const auto real = realBatch(count, 4242).to(torch::kFloat32) / 255.0;
        return slicedWasserstein(fake, real, 64, 256, 1).mean;
    };

    const auto t0 = std::chrono::steady_clock::now();
    double pausedSeconds = 0;
    const double emaHalfLife = std::max(1.0, o.emaHalfLifeImages);
    int64_t lastStep = o.steps;
    g->train();
    d->train();
    ctx.log(LogLevel::Info, "training " + std::to_string(n) + " images at " + std::to_string(o.network.resolution) +
                                " px, batch " + std::to_string(o.batch) + ", " + precisionName(o.precision) +
                                (step ? ", resumed at step " + std::to_string(step) : ""));
    if (step == 0)
        preview();
    while (step < lastStep) {
        // Work a user waits for on this device goes first; the wait counts as paused time.
        pausedSeconds += ctx.yieldToForeground();
        if (m_paused) {
            const auto p0 = std::chrono::steady_clock::now();
            ctx.progress(step, o.steps, "paused at step " + std::to_string(step));
            while (m_paused && !ctx.cancelled())
                std::this_thread::sleep_for(std::chrono::milliseconds(30));
            pausedSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - p0).count();
        }
        if (ctx.cancelled()) {
            saveCheckpoint(step);
            ctx.throwIfCancelled();
        }
        // Data: a deterministic batch for this step, mirrored at random, in [-1, 1].
        torch::manual_seed(o.seed * 1000003ull + static_cast<uint64_t>(step));
        auto real = realBatch(o.batch, o.seed * 7919ull + static_cast<uint64_t>(step)).to(device).to(torch::kFloat32) / 127.5 - 1.0;
        if (o.mirror) {
            const auto flip = (torch::rand({o.batch, 1, 1, 1}, real.options()) < 0.5);
            real = torch::where(flip, real.flip({3}), real);
        }
        // One optimisation step.
        const auto r = stepper.step(real, (step % o.r1Every) == 0);
        ++step;
        // EMA with a ramp-up: early on the average must not remember the random start.
        const double halfLife = std::min(emaHalfLife, std::max<double>(o.batch, 0.1 * step * o.batch));
        updateEma(ema, g, std::pow(0.5, static_cast<double>(o.batch) / halfLife));

        if (!std::isfinite(r[0]) || !std::isfinite(r[1]))
            throw std::runtime_error("training diverged at step " + std::to_string(step) +
                                     " (loss is not finite); lower the learning rate");
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() - pausedSeconds;
        GanTrainPoint point{step, r[0], r[1], r[2], r[3], r[4], 0, seconds, r[5]};
        point.imagesPerSecond = static_cast<double>((step - m_firstStep) * o.batch) / std::max(seconds, 1e-9);
        {
            std::lock_guard lock(m_mutex);
            m_history.push_back(point);
        }
        double eta = static_cast<double>(o.steps - step) * static_cast<double>(o.batch) /
                     std::max(point.imagesPerSecond, 1e-9);
        if (o.maxSeconds > 0)
            eta = std::min(eta, std::max(0.0, o.maxSeconds - seconds));
        char message[200];
        // A time-limited run reports progress in time; a step-limited one in steps.
        const bool byTime = o.maxSeconds > 0 && o.maxSeconds < eta + seconds;
        if (byTime)
            std::snprintf(message, sizeof message, "step %lld  D %.3f  G %.3f  %.1f img/s  ETA %.0f s",
                          static_cast<long long>(step), r[0], r[1], point.imagesPerSecond, eta);
        else
            std::snprintf(message, sizeof message, "step %lld/%lld  D %.3f  G %.3f  %.1f img/s  ETA %.0f s",
                          static_cast<long long>(step), static_cast<long long>(o.steps), r[0], r[1],
                          point.imagesPerSecond, eta);
        if (byTime)
            ctx.progress(static_cast<int64_t>(seconds * 10), static_cast<int64_t>(o.maxSeconds * 10), message);
        else
            ctx.progress(step, o.steps, message);

        if (o.previewEvery > 0 && step % o.previewEvery == 0)
            preview();
        if (o.evalEvery > 0 && step % o.evalEvery == 0 && step < o.steps) {
            const double swd = evaluateSwd(std::min<int64_t>(512, std::max<int64_t>(n, 64)));
            {
                std::lock_guard lock(m_mutex);
                m_evals.push_back({step, swd});
            }
            char line[120];
            std::snprintf(line, sizeof line, "step %lld: SWD %.2f (x1e3, mean over pyramid levels)",
                          static_cast<long long>(step), swd);
            ctx.log(LogLevel::Info, line);
        }
        if (o.checkpointEvery > 0 && step % o.checkpointEvery == 0 && step < o.steps)
            saveCheckpoint(step);
        if (o.maxSeconds > 0 && seconds >= o.maxSeconds)
            lastStep = step;
    }
    const double trainSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() - pausedSeconds;
    // A checkpoint first: if anything below fails, the run is not lost.
    saveCheckpoint(step);

    // The averaged generator with exact batch-norm statistics is the result.
    ctx.progress(step, o.steps, "evaluating");
    auto final = snapshot(32);
    const int64_t evalCount = std::clamp<int64_t>(std::min<int64_t>(o.evalSamples, 4 * n), 64, 50000);
    std::vector<torch::Tensor> parts;
    for (int64_t i = 0; i < evalCount; i += 64) {
        ctx.throwIfCancelled();
        parts.push_back(sampleImages(final, latentsForSeed(200000 + i, std::min<int64_t>(64, evalCount - i),
                                                           o.network.latentDim)).cpu());
    }
    const auto realAll = m_data.narrow(0, 0, std::min<int64_t>(n, 8192)).to(torch::kFloat32) / 255.0;
    m_evaluation = evaluateGan(torch::cat(parts), realAll, FeatureSpace::randomFeatures(), o.seed);
    ctx.throwIfCancelled();

    ctx.progress(step, o.steps, "computing slider directions");
    const auto directions = computeDirections(final, std::min<int64_t>(16, o.network.latentDim));

    std::map<std::string, torch::Tensor> weights;
    for (const auto& [name, t] : moduleState(*final))
        weights[name] = t.cpu().to(torch::kFloat16);
    std::filesystem::create_directories(o.outputDir);
    saveSafeTensors(o.outputDir / kWeights, weights, {{"format", "ganvas-generator-1"}});
    saveDirections(o.outputDir / kDirections, directions);
    nlohmann::json config = o.extraConfig;
    config["format"] = ModelConfig::kFormatVersion;
    config["id"] = o.id;
    config["name"] = o.name;
    config["kind"] = "generator";
    config["weights"] = kWeights;
    config["architecture"] = o.network.toJson();
    if (!config.contains("license"))
        config["license"] = "GPL-3.0-or-later";
    config["directions"] = {{"file", kDirections}, {"count", directions.directions.size(0)},
                            {"method", "GANSpace: PCA of the first block's activations, regressed to z"}};
    config["training"] = {{"steps", step},
                          {"batch", o.batch},
                          {"images", n},
                          {"learning_rate", o.learningRate},
                          {"r1_gamma", stepper.r1Gamma},
                          {"r1_every", o.r1Every},
                          {"augment", o.augment.toString()},
                          {"mirror", o.mirror},
                          {"ema_half_life_images", o.emaHalfLifeImages},
                          {"precision", precisionName(o.precision)},
                          {"device", o.device.str()},
                          {"seconds", trainSeconds},
                          {"seed", o.seed}};
    config["evaluation"] = m_evaluation.toJson();
    const std::string text = config.dump(2) + "\n";
    writeFileAtomically(o.outputDir / "config.json", text.data(), text.size());
    std::filesystem::remove(checkpointPath);
    ctx.preview(imageGrid(sampleImages(final, previewZ), 8), 0);
}

} // namespace ganvas::engine
