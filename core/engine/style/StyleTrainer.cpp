// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/style/StyleTrainer.h"

#include "core/engine/image/Pyramid.h"
#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/FileIO.h"
#include "core/engine/nn/OptimizerState.h"
#include "core/engine/nn/SafeTensors.h"
#include "core/engine/style/ColourTransfer.h"
#include "core/engine/style/Gatys.h"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <cmath>
#include <stdexcept>

namespace ganvas::engine {

namespace {

constexpr const char* kCheckpoint = kStyleCheckpointFile;
constexpr const char* kWeights = "weights.safetensors";

std::unique_ptr<LossNetwork> makeLossNetwork(const StyleTrainOptions& o)
{
    if (!o.torchScriptLossNetwork.empty())
        return loadTorchScriptLossNetwork(o.torchScriptLossNetwork);
    return makeRandomLossNetwork(o.lossNetwork);
}

/// The ids of a multi-style training's styles, in order (empty for one style).
nlohmann::json multiStyleIds(const StyleTrainOptions& o)
{
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& s : o.multiStyle)
        ids.push_back(s.id);
    return ids;
}

/// The settings a checkpoint's weights and Adam state only make sense with: a resume under other
/// ones is refused (issue #13, "an interrupted training resumed with different settings").
nlohmann::json resumeSettings(const StyleTrainOptions& o)
{
    nlohmann::json settings = {{"architecture", o.network.toJson()}, {"batch", o.batch},
            {"image_size", o.imageSize},          {"learning_rate", o.learningRate},
            {"content_weight", o.contentWeight},  {"style_weight", o.styleWeight},
            {"tv_weight", o.tvWeight},            {"style_scale", o.styleScale},
            {"statistic", styleStatisticName(o.statistic)},
            {"loss_network", o.torchScriptLossNetwork.empty() ? "random seed " + std::to_string(o.lossNetwork.seed)
                                                              : o.torchScriptLossNetwork.string()},
            {"styles", o.multiStyle.empty() ? o.styles.size() : o.multiStyle.size()}};
    if (!o.multiStyle.empty())
        settings["style_ids"] = multiStyleIds(o);
    if (o.meanWeight != 1.0) // absent when 1, so checkpoints from before the setting still resume
        settings["mean_weight"] = o.meanWeight;
    if (o.styleDetailSigma > 0)
        settings["style_detail_sigma"] = o.styleDetailSigma;
    if (o.colourWeight > 0)
        settings["colour_weight"] = o.colourWeight;
    if (o.lossNetwork.contentStage != RandomLossNetworkOptions{}.contentStage)
        settings["content_stage"] = o.lossNetwork.contentStage;
    if (o.styleLuminance)
        settings["style_luminance"] = true;
    return settings;
}

/// Directions the colour term compares the pixels' colour distributions along: the three
/// channels, the grey axis and three opponent axes (unit length).
torch::Tensor colourDirections()
{
    const double r3 = 1 / std::sqrt(3.0), r2 = 1 / std::sqrt(2.0), r6 = 1 / std::sqrt(6.0);
    return torch::tensor({1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, r3, r3, r3, r2, -r2, 0.0, r6, r6, -2 * r6, r2, 0.0, -r2},
                         torch::kFloat32)
        .view({7, 3});
}

/// Pixel colours of [N,3,H,W] projected on colourDirections() and sorted: [N,7,H*W].
torch::Tensor sortedColourProjections(const torch::Tensor& rgb)
{
    const auto px = rgb.to(torch::kFloat32).flatten(2);
    return std::get<0>(torch::matmul(colourDirections().to(px.device()), px).sort(2));
}

/// @p sorted [N,7,P] at @p count evenly spaced quantiles: [N,7,count].
torch::Tensor atQuantiles(const torch::Tensor& sorted, int64_t count)
{
    const auto at = torch::linspace(0, static_cast<double>(sorted.size(2) - 1), count, sorted.options())
                        .round()
                        .to(torch::kLong);
    return sorted.index_select(2, at);
}

/// A style picture's colour distribution along colourDirections(): [7, 1024] sorted quantiles.
torch::Tensor colourQuantiles(const torch::Tensor& picture)
{
    return atQuantiles(sortedColourProjections(picture), 1024)[0];
}

/// The colour term (StyleTrainOptions::colourWeight): the sliced Wasserstein distance between
/// each result's pixel colours and the style picture's, along colourDirections() (squared
/// differences of sorted projections at the target's quantiles), so a colour cast costs what it
/// is, whatever a random network's features make of it.
torch::Tensor colourLoss(const torch::Tensor& rgb, const torch::Tensor& target)
{
    return (atQuantiles(sortedColourProjections(rgb), target.size(1)) - target.unsqueeze(0)).pow(2).mean();
}

bool isMulti(const StyleTrainOptions& o)
{
    return !o.multiStyle.empty();
}

} // namespace

StyleTrainJob::StyleTrainJob(StyleTrainOptions options, BatchSource source)
    : m_options(std::move(options)), m_source(std::move(source))
{
    auto& o = m_options;
    if (isMulti(o)) {
        if (o.multiStyle.size() > 256)
            throw std::invalid_argument("style training: at most 256 styles in one run");
        std::vector<std::string> ids;
        for (const auto& s : o.multiStyle) {
            if (s.id.empty() || s.id.find_first_of("/\\") != std::string::npos || s.id == "." || s.id == "..")
                throw std::invalid_argument("style training: style id '" + s.id + "' cannot name a folder");
            if (std::find(ids.begin(), ids.end(), s.id) != ids.end())
                throw std::invalid_argument("style training: style id '" + s.id + "' is given twice");
            if (!s.picture.defined() || s.picture.dim() != 4 || s.picture.size(1) != 3)
                throw std::invalid_argument("style training: style '" + s.id + "' has no [1,3,h,w] picture");
            ids.push_back(s.id);
        }
        o.network.styles = static_cast<int64_t>(o.multiStyle.size());
    } else if (o.styles.empty()) {
        throw std::invalid_argument("style training needs a style image");
    }
    if (o.steps < 1 || o.steps > 10'000'000 || o.batch < 1 || o.batch > 256 || o.imageSize < 32 || o.imageSize > 2048)
        throw std::invalid_argument("style training: steps, batch or image size out of range");
    if (!(o.learningRate > 0 && o.learningRate < 1))
        throw std::invalid_argument("style training: learning rate must be in (0, 1)");
    if (!(o.colourWeight >= 0 && o.colourWeight < 1e7))
        throw std::invalid_argument("style training: the colour weight must be 0 or more");
    if (!isMulti(o) && o.styles.size() > 1 &&
        (o.network.marksInput || o.network.paletteFromPicture || o.network.luminancePalette ||
         o.network.toneFromStyle || o.colourWeight > 0))
        throw std::invalid_argument("style training: marks input, the picture's palette and the colour term need one "
                                    "picture per style, not a blend");
    if (o.outputDir.empty())
        throw std::invalid_argument("style training needs an output folder");
    if (!m_source)
        throw std::invalid_argument("style training needs content images");
}

std::string StyleTrainJob::title() const
{
    if (isMulti(m_options))
        return "Train " + std::to_string(m_options.multiStyle.size()) + " styles";
    return "Train style: " + m_options.name;
}

int64_t styleForStep(int64_t step, int64_t styles, uint64_t seed)
{
    if (styles <= 1)
        return 0;
    // A Fisher-Yates shuffle of 0..styles-1 driven by a splitmix64 stream of (seed, round): the
    // same order on every platform (std::shuffle's is the library's own).
    const int64_t round = step / styles;
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(round);
    auto next = [&x] {
        uint64_t z = (x += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    };
    std::vector<int64_t> order(static_cast<size_t>(styles));
    for (int64_t i = 0; i < styles; ++i)
        order[static_cast<size_t>(i)] = i;
    for (int64_t i = styles - 1; i > 0; --i)
        std::swap(order[static_cast<size_t>(i)], order[next() % static_cast<uint64_t>(i + 1)]);
    return order[static_cast<size_t>(step % styles)];
}

void StyleTrainJob::saveCheckpoint(TransformerNet& net, torch::optim::Adam& adam, int64_t step) const
{
    std::map<std::string, torch::Tensor> tensors;
    for (const auto& [name, t] : transformerState(net))
        tensors["net." + name] = t.cpu();
    storeAdamState(adam, *net, "adam.", tensors);
    std::filesystem::create_directories(m_options.outputDir);
    saveSafeTensors(m_options.outputDir / kCheckpoint, tensors,
                    {{"step", std::to_string(step)},
                     {"format", "ganvas-style-checkpoint-1"},
                     {"settings", resumeSettings(m_options).dump()}});
}

int64_t StyleTrainJob::loadCheckpoint(TransformerNet& net, torch::optim::Adam& adam) const
{
    const auto path = m_options.outputDir / kCheckpoint;
    if (!std::filesystem::exists(path))
        return 0;
    const auto file = loadSafeTensors(path);
    const auto stepIt = file.metadata.find("step");
    if (stepIt == file.metadata.end())
        throw std::runtime_error("checkpoint '" + path.string() + "' has no step");
    int64_t step = 0;
    try {
        step = std::stoll(stepIt->second);
    } catch (const std::exception&) {
        throw std::runtime_error("checkpoint '" + path.string() + "' has a bad step");
    }
    if (step < 0 || step > m_options.steps)
        throw std::runtime_error("checkpoint step " + std::to_string(step) + " is beyond --steps");
    if (const auto it = file.metadata.find("settings"); it != file.metadata.end()) {
        nlohmann::json saved;
        try {
            saved = nlohmann::json::parse(it->second);
        } catch (const std::exception&) {
            throw std::runtime_error("checkpoint '" + path.string() + "' has unreadable settings");
        }
        const auto now = resumeSettings(m_options);
        for (const auto& [key, value] : now.items())
            if (!saved.contains(key) || saved[key] != value)
                throw std::runtime_error("checkpoint '" + path.string() + "' was trained with " + key + " = " +
                                         (saved.contains(key) ? saved[key].dump() : std::string("(none)")) +
                                         ", this run has " + value.dump() +
                                         ": resume with the same settings, or start again without resume");
    }
    std::map<std::string, torch::Tensor> netState;
    for (const auto& [name, t] : file.tensors)
        if (name.rfind("net.", 0) == 0)
            netState[name.substr(4)] = t;
    loadTransformerState(net, netState);
    restoreAdamState(adam, *net, "adam.", file.tensors);
    return step;
}

void StyleTrainJob::run(JobContext& ctx)
{
    const auto& o = m_options;
    const auto t0 = std::chrono::steady_clock::now();
    torch::manual_seed(static_cast<uint64_t>(o.lossNetwork.seed));
    TransformerNet net(o.network);
    net->to(o.device);
    auto lossNet = makeLossNetwork(o);
    lossNet->to(o.device);

    // Style statistics once, at the training resolution scaled by styleScale: one blended target
    // for a single-style run, one per style for a several-style run.
    const auto side = std::clamp<int64_t>(std::llround(o.imageSize * o.styleScale), 32, 2048);
    // What the style loss sees of a picture: its detail only (styleDetailSigma), its luminance
    // only (styleLuminance), or the whole picture.
    auto styleView = [&](const torch::Tensor& x) {
        auto v = o.styleDetailSigma > 0 ? highPass(x, o.styleDetailSigma) : x;
        return o.styleLuminance ? luminance(v).expand({-1, 3, -1, -1}) : v;
    };
    auto statistics = [&](const torch::Tensor& picture) {
        auto p = resizeLongestSide(picture.to(o.device, torch::kFloat32), side);
        return styleGrams(*lossNet, styleView(p), o.statistic);
    };
    std::vector<std::vector<torch::Tensor>> targets;
    // A marks-input network reads its style picture's marks at the size the statistics see it.
    std::vector<torch::Tensor> markPictures;
    if (isMulti(o)) {
        for (const auto& s : o.multiStyle) {
            targets.push_back(statistics(s.picture));
            markPictures.push_back(resizeLongestSide(s.picture.to(o.device, torch::kFloat32), side));
        }
    } else {
        std::vector<std::vector<torch::Tensor>> all;
        for (const auto& s : o.styles)
            all.push_back(statistics(s));
        targets.push_back(
            blendGrams(all, o.styleWeights.empty() ? std::vector<double>(o.styles.size(), 1.0) : o.styleWeights));
        markPictures.push_back(resizeLongestSide(o.styles.front().to(o.device, torch::kFloat32), side));
    }
    std::vector<torch::Tensor> colourTargets; // one per style, when there is a colour term
    if (o.colourWeight > 0 && isMulti(o))
        for (const auto& s : o.multiStyle)
            colourTargets.push_back(colourQuantiles(s.picture.to(o.device)));
    else if (o.colourWeight > 0)
        colourTargets.push_back(colourQuantiles(o.styles.front().to(o.device)));
    const auto styleCount = static_cast<int64_t>(targets.size());
    m_stats.styleLosses.assign(isMulti(o) ? targets.size() : 0, 0.0);

    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(o.learningRate));
    int64_t step = 0;
    if (o.resume)
        step = loadCheckpoint(net, adam);
    else
        std::filesystem::remove(o.outputDir / kCheckpoint);
    m_stats.firstStep = step;
    ctx.log(LogLevel::Info, "loss network: " + lossNet->describe() + (step ? ", resumed at step " + std::to_string(step) : ""));

    int64_t style = 0; // the style the network draws now (previews too)
    auto preview = [&] {
        if (!o.previewContent.defined())
            return;
        torch::NoGradGuard noGrad;
        net->eval();
        auto x = o.previewContent.to(o.device, torch::kFloat32);
        if (o.network.marksInput)
            x = torch::cat({x, networkMarks(markPictures[static_cast<size_t>(style)], x.size(2), x.size(3))}, 1);
        ctx.preview(net->forward(x).clamp(0, 1), 0);
        net->train();
    };

    net->train();
    int64_t lastStep = o.steps;
    double yieldedSeconds = 0;
    while (step < lastStep) {
        yieldedSeconds += ctx.yieldToForeground(); // work a user waits for goes first
        if (ctx.cancelled()) {
            saveCheckpoint(net, adam, step);
            ctx.throwIfCancelled();
        }
        // Data loading.
        const auto batch = m_source(step, o.batch, o.imageSize).to(o.device, torch::kFloat32);
        if (batch.dim() != 4 || batch.size(1) != 3)
            throw std::runtime_error("content batch must be [N,3,H,W]");
        style = styleForStep(step, styleCount, o.lossNetwork.seed);
        net->selectStyle(style);
        const auto& grams = targets[static_cast<size_t>(style)];
        // The network's input: the crops, and for a marks-input network each crop's own marks
        // (squares drawn anew for every crop and step, the same on a resumed run).
        auto input = batch;
        if (o.network.marksInput) {
            std::vector<torch::Tensor> marks;
            for (int64_t i = 0; i < batch.size(0); ++i)
                marks.push_back(networkMarks(markPictures[static_cast<size_t>(style)], batch.size(2), batch.size(3),
                                             static_cast<uint64_t>(o.lossNetwork.seed) * 1000003u +
                                                 static_cast<uint64_t>(step * 64 + i)));
            input = torch::cat({batch, torch::cat(marks, 0)}, 1);
        }
        // One optimisation step. Gradients are dropped rather than zeroed: the other styles'
        // scales and shifts then have none, and Adam leaves them (and their moments) alone.
        for (auto& p : net->parameters())
            p.mutable_grad() = torch::Tensor();
        torch::Tensor contentLoss, sLoss, tv, y;
        {
            AutocastGuard autocast(o.device, o.precision);
            y = net->forward(input);
            if (o.network.luminancePalette) // what it draws is luminance: the picture keeps its colours
                y = withChromaOf(y, batch);
            const auto fy = lossNet->features(y);
            torch::Tensor target;
            {
                torch::NoGradGuard noGrad;
                target = lossNet->features(batch).content.detach();
            }
            contentLoss = relativeMse(fy.content, target);
            const auto styleFeatures =
                o.styleDetailSigma > 0 || o.styleLuminance ? lossNet->features(styleView(y)).style : fy.style;
            sLoss = styleLoss(styleFeatures, grams, o.statistic, o.meanWeight);
            tv = totalVariation(y.to(torch::kFloat32));
        }
        auto loss = o.contentWeight * contentLoss + o.styleWeight * sLoss + o.tvWeight * tv;
        if (o.colourWeight > 0)
            loss = loss + o.colourWeight * colourLoss(y, colourTargets[static_cast<size_t>(style)]);
        loss.backward();
        adam.step();
        ++step;

        m_stats.lastLoss = loss.item<double>();
        if (!std::isfinite(m_stats.lastLoss))
            throw std::runtime_error("style training diverged at step " + std::to_string(step) +
                                     " (loss is not finite); lower the learning rate");
        m_stats.lastContentLoss = contentLoss.item<double>();
        m_stats.lastStyleLoss = sLoss.item<double>();
        if (isMulti(o))
            m_stats.styleLosses[static_cast<size_t>(style)] = m_stats.lastStyleLoss;
        m_stats.stepsDone = step;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() - yieldedSeconds;
        m_stats.seconds = seconds;
        m_stats.imagesPerSecond = static_cast<double>((step - m_stats.firstStep) * o.batch) / std::max(seconds, 1e-9);
        const double eta = (o.steps - step) * o.batch / std::max(m_stats.imagesPerSecond, 1e-9);
        char message[240];
        std::snprintf(message, sizeof message, "step %lld/%lld%s%s  loss %.4f (content %.4f, style %.4f)  %.1f img/s  ETA %.0f s",
                      static_cast<long long>(step), static_cast<long long>(o.steps), isMulti(o) ? "  " : "",
                      isMulti(o) ? o.multiStyle[static_cast<size_t>(style)].id.c_str() : "", m_stats.lastLoss,
                      m_stats.lastContentLoss, m_stats.lastStyleLoss, m_stats.imagesPerSecond, eta);
        ctx.progress(step, o.steps, message);
        // Checkpoints and previews, apart from the step.
        if (o.previewEvery > 0 && (step % o.previewEvery == 0 || step == 1))
            preview();
        if (o.checkpointEvery > 0 && step % o.checkpointEvery == 0 && step < o.steps)
            saveCheckpoint(net, adam, step);
        if (o.maxSeconds > 0 && seconds >= o.maxSeconds)
            lastStep = step;
    }

    // Final weights in fp16 (half the size; widened on load) and the config beside them.
    const nlohmann::json training = {{"steps", step},           {"batch", o.batch},
                                     {"image_size", o.imageSize},  {"learning_rate", o.learningRate},
                                     {"content_weight", o.contentWeight}, {"style_weight", o.styleWeight},
                                     {"tv_weight", o.tvWeight},    {"style_scale", o.styleScale},
                                     {"statistic", styleStatisticName(o.statistic)}, {"mean_weight", o.meanWeight},
                                     {"style_detail_sigma", o.styleDetailSigma},
                                     {"colour_weight", o.colourWeight},
                                     {"style_luminance", o.styleLuminance},
                                     {"loss_network", lossNet->describe()}, {"precision", precisionName(o.precision)},
                                     {"seconds", m_stats.seconds}, {"final_loss", m_stats.lastLoss}};
    if (isMulti(o)) {
        const nlohmann::json ids = multiStyleIds(o);
        for (size_t s = 0; s < o.multiStyle.size(); ++s) {
            auto t = training;
            t["styles_trained_together"] = ids;
            t["steps_of_this_style"] = (step / styleCount) + (static_cast<int64_t>(s) < step % styleCount ? 1 : 0);
            t["final_style_loss"] = m_stats.styleLosses[s];
            auto single = o.network;
            single.styles = 1;
            nlohmann::json config = o.multiStyle[s].extraConfig;
            config["id"] = o.multiStyle[s].id;
            config["name"] = o.multiStyle[s].name;
            config["architecture"] = single.toJson();
            writeModel(o.outputDir / o.multiStyle[s].id, styleState(net, static_cast<int64_t>(s)), config, t);
        }
    } else {
        nlohmann::json config = o.extraConfig;
        config["id"] = o.id;
        config["name"] = o.name;
        config["architecture"] = o.network.toJson();
        writeModel(o.outputDir, transformerState(net), config, training);
    }
    if (step < o.steps)
        saveCheckpoint(net, adam, step); // stopped by maxSeconds: --resume goes on from here
    else
        std::filesystem::remove(o.outputDir / kCheckpoint);
    preview();
}

void StyleTrainJob::writeModel(const std::filesystem::path& folder, const std::map<std::string, torch::Tensor>& state,
                               nlohmann::json config, const nlohmann::json& training) const
{
    std::map<std::string, torch::Tensor> weights;
    for (const auto& [name, t] : state)
        weights[name] = t.cpu().to(torch::kFloat16);
    std::filesystem::create_directories(folder);
    saveSafeTensors(folder / kWeights, weights, {{"format", "ganvas-style-1"}});
    config["format"] = ModelConfig::kFormatVersion;
    config["kind"] = "style";
    config["weights"] = kWeights;
    if (!config.contains("license"))
        config["license"] = "GPL-3.0-or-later";
    config["training"] = training;
    const std::string text = config.dump(2) + "\n";
    writeFileAtomically(folder / "config.json", text.data(), text.size());
}

TransformerNet loadStyleNet(const std::filesystem::path& folder)
{
    const auto config = loadModelConfig(folder);
    if (config.kind != ModelKind::Style)
        throw std::runtime_error("'" + config.id + "' is not a style model");
    TransformerOptions options;
    try {
        options = TransformerOptions::fromJson(config.architecture);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error("style '" + config.id + "': " + e.what());
    }
    TransformerNet net(options);
    const auto file = loadSafeTensors(config.weightsPath());
    loadTransformerState(net, file.tensors);
    net->eval();
    return net;
}

} // namespace ganvas::engine
