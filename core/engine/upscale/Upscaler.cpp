// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/upscale/Upscaler.h"

#include "core/engine/models/ModelConfig.h"

#include <stdexcept>

namespace ganvas::engine {

namespace {

double rangeMax(const nlohmann::json& a, const char* key, const std::string& id)
{
    if (!a.contains(key))
        return 255;
    const auto& r = a.at(key);
    if (!r.is_array() || r.size() != 2 || !r[0].is_number() || !r[1].is_number() || r[0].get<double>() != 0 ||
        !(r[1].get<double>() == 1 || r[1].get<double>() == 255))
        throw std::runtime_error("upscaler '" + id + "': architecture." + key + " must be [0, 1] or [0, 255]");
    return r[1].get<double>();
}

} // namespace

UpscalerModel loadUpscaler(const std::filesystem::path& folder)
{
    const auto config = loadModelConfig(folder);
    if (config.kind != ModelKind::Upscaler)
        throw std::runtime_error("'" + config.id + "' is not an upscaler");
    const auto& a = config.architecture;
    if (!a.contains("type") || a["type"] != "tfjs-layers")
        throw std::runtime_error("upscaler '" + config.id + "': architecture.type must be \"tfjs-layers\"");
    UpscalerModel m;
    m.id = config.id;
    m.name = config.name;
    if (!a.contains("scale") || !a["scale"].is_number_integer())
        throw std::runtime_error("upscaler '" + config.id + "': architecture.scale must be an integer");
    m.scale = a["scale"].get<int64_t>();
    m.inputMax = rangeMax(a, "input_range", config.id);
    m.outputMax = rangeMax(a, "output_range", config.id);
    if (!std::filesystem::exists(config.weightsPath()))
        throw std::runtime_error("upscaler '" + config.id + "': " + config.weights +
                                 " is missing; run scripts/fetch-models.sh (docs/MODELS.md)");
    m.net = std::make_shared<TfjsLayersModel>(TfjsLayersModel::load(config.weightsPath()));
    if (m.net->scale() != m.scale || m.net->inputChannels() != 3 || m.net->outputChannels() != 3)
        throw std::runtime_error("upscaler '" + config.id + "': the network maps " + std::to_string(m.net->inputChannels()) +
                                 " to " + std::to_string(m.net->outputChannels()) + " channels at " +
                                 std::to_string(m.net->scale()) + "x, but the config says RGB at " +
                                 std::to_string(m.scale) + "x");
    return m;
}

torch::Tensor upscaleDirect(const UpscalerModel& model, const torch::Tensor& rgb)
{
    torch::InferenceMode guard;
    return (model.net->forward(rgb * model.inputMax) / model.outputMax).clamp(0, 1);
}

UpscaleJob::UpscaleJob(UpscalerModel model, torch::Tensor image, UpscaleOptions options)
    : m_model(std::move(model)), m_image(std::move(image)), m_options(options)
{
    if (!m_model.net)
        throw std::invalid_argument("no upscaler model");
    if (!m_image.defined() || m_image.dim() != 4 || m_image.size(0) != 1 || (m_image.size(1) != 3 && m_image.size(1) != 4))
        throw std::invalid_argument("upscaling needs a [1,3|4,H,W] picture");
    const auto h = m_image.size(2), w = m_image.size(3);
    if (h < 1 || w < 1 || h * m_model.scale > 65536 || w * m_model.scale > 65536)
        throw std::invalid_argument("the upscaled picture would be larger than 65536 px on a side");
    if (m_options.tileSize < 16 || m_options.overlap < 0 || m_options.overlap > m_options.tileSize / 2 || m_options.context < 0)
        throw std::invalid_argument("bad tile options");
}

std::string UpscaleJob::title() const
{
    return "Upscale " + std::to_string(m_model.scale) + "x (" + m_model.name + "): " + std::to_string(m_image.size(3)) + "x" +
           std::to_string(m_image.size(2));
}

void UpscaleJob::run(JobContext& ctx)
{
    torch::InferenceMode guard;
    const auto device = m_options.device;
    m_model.net->to(device);
    const auto h = m_image.size(2), w = m_image.size(3), s = m_model.scale;
    const bool alpha = m_image.size(1) == 4;
    TilingOptions tiling;
    tiling.tileSize = std::min({m_options.tileSize, std::max(h, w)});
    tiling.overlap = std::min(m_options.overlap, tiling.tileSize / 2);
    tiling.context = m_options.context;
    tiling.scale = s;
    const auto rgb = m_image.narrow(1, 0, 3);
    torch::Tensor alphaUp;
    if (alpha) {
        // The network knows nothing of transparency: the alpha channel is resampled.
        namespace F = torch::nn::functional;
        alphaUp = F::interpolate(m_image.narrow(1, 3, 1),
                                 F::InterpolateFuncOptions().size(std::vector<int64_t>{h * s, w * s}).mode(torch::kBicubic).align_corners(false))
                      .clamp(0, 1);
    }
    auto read = [&](const TileRect& r) { return rgb.narrow(2, r.y, r.height).narrow(3, r.x, r.width); };
    int tiles = 0;
    auto fn = [&](const torch::Tensor& tile) {
        AutocastGuard autocast(device, m_options.precision);
        auto out = (m_model.net->forward(tile.to(device) * m_model.inputMax).to(torch::kFloat32) / m_model.outputMax).clamp(0, 1).cpu();
        if (++tiles % 8 == 1)
            ctx.preview(out[0], 0);
        return out;
    };
    torch::Tensor result;
    if (!m_writer)
        result = torch::empty({1, alpha ? 4 : 3, h * s, w * s}, torch::kFloat32);
    auto write = [&](int64_t y, const torch::Tensor& rows) {
        auto out = rows;
        if (alpha)
            out = torch::cat({rows, alphaUp.narrow(2, y, rows.size(2))}, 1);
        if (m_writer)
            m_writer(y, out);
        else
            result.narrow(2, y, out.size(2)).copy_(out);
    };
    processTiled(w, h, tiling, read, fn, write, &ctx);
    m_result = result;
}

} // namespace ganvas::engine
