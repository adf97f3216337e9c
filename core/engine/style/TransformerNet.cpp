// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/style/TransformerNet.h"

#include "core/engine/style/ColourTransfer.h"
#include "core/engine/style/Gatys.h"

#include <stdexcept>
#include <utility>

namespace ganvas::engine {

namespace {

namespace F = torch::nn::functional;

/// Pixels mirrored around the picture before stylising (see styliseTiled).
constexpr int64_t kBorder = 32;

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t k, int64_t stride)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2));
}

/// "weight_3" -> ("weight", 3); anything else -> ("", -1).
std::pair<std::string, int64_t> styleParameter(const std::string& leaf)
{
    for (const char* base : {"weight_", "bias_"}) {
        const std::string b = base;
        if (leaf.size() > b.size() && leaf.compare(0, b.size(), b) == 0 &&
            leaf.find_first_not_of("0123456789", b.size()) == std::string::npos)
            return {b.substr(0, b.size() - 1), std::stoll(leaf.substr(b.size()))};
    }
    return {"", -1};
}

} // namespace

StyleNormImpl::StyleNormImpl(int64_t channels, int64_t styles)
{
    if (styles <= 1) {
        weight = register_parameter("weight", torch::ones({channels}));
        bias = register_parameter("bias", torch::zeros({channels}));
        return;
    }
    for (int64_t s = 0; s < styles; ++s) {
        styleWeights.push_back(register_parameter("weight_" + std::to_string(s), torch::ones({channels})));
        styleBiases.push_back(register_parameter("bias_" + std::to_string(s), torch::zeros({channels})));
    }
    selectStyle(0);
}

void StyleNormImpl::selectStyle(int64_t style)
{
    if (styleWeights.empty()) {
        if (style != 0)
            throw std::out_of_range("a 1-style network has no style " + std::to_string(style));
        return;
    }
    if (style < 0 || style >= static_cast<int64_t>(styleWeights.size()))
        throw std::out_of_range("the network has no style " + std::to_string(style));
    weight = styleWeights[static_cast<size_t>(style)];
    bias = styleBiases[static_cast<size_t>(style)];
}

torch::Tensor StyleNormImpl::forward(const torch::Tensor& x)
{
    if (mode == Mode::Own) // the fused kernel
        return torch::instance_norm(x, weight, bias, {}, {}, true, 0.1, 1e-5, false);
    torch::Tensor m, v;
    if (mode == Mode::Fixed && mean.defined()) {
        m = mean.to(x.scalar_type());
        v = var.to(x.scalar_type());
    } else {
        // Statistics in fp32 even under bf16 autocast (as instance_norm does).
        const auto xf = x.to(torch::kFloat32);
        m = xf.mean({2, 3}, true);
        v = xf.var({2, 3}, false, true);
        if (mode == Mode::Record) {
            mean = m.detach();
            var = v.detach();
        }
        m = m.to(x.scalar_type());
        v = v.to(x.scalar_type());
    }
    const auto c = x.size(1);
    return (x - m) * torch::rsqrt(v + 1e-5) * weight.view({1, c, 1, 1}).to(x.scalar_type()) +
           bias.view({1, c, 1, 1}).to(x.scalar_type());
}

TransformerOptions TransformerOptions::fromJson(const nlohmann::json& a)
{
    TransformerOptions o;
    if (!a.is_object())
        throw std::invalid_argument("architecture must be an object");
    if (a.contains("type") && a["type"] != "johnson")
        throw std::invalid_argument("architecture.type must be \"johnson\"");
    if (a.contains("channels")) {
        const auto& c = a["channels"];
        if (!c.is_array() || c.size() != 3)
            throw std::invalid_argument("architecture.channels must be three integers");
        o.channels.clear();
        for (const auto& v : c) {
            if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 512)
                throw std::invalid_argument("architecture.channels must be integers in 1..512");
            o.channels.push_back(v.get<int64_t>());
        }
    }
    if (a.contains("residual_blocks")) {
        const auto& b = a["residual_blocks"];
        if (!b.is_number_integer() || b.get<int64_t>() < 0 || b.get<int64_t>() > 16)
            throw std::invalid_argument("architecture.residual_blocks must be an integer in 0..16");
        o.residualBlocks = b.get<int64_t>();
    }
    if (a.contains("output")) {
        if (!a["output"].is_string() || (a["output"] != "residual" && a["output"] != "sigmoid"))
            throw std::invalid_argument("architecture.output must be \"residual\" or \"sigmoid\"");
        o.output = a["output"].get<std::string>();
    }
    if (a.contains("styles")) {
        const auto& n = a["styles"];
        if (!n.is_number_integer() || n.get<int64_t>() < 1 || n.get<int64_t>() > 256)
            throw std::invalid_argument("architecture.styles must be an integer in 1..256");
        o.styles = n.get<int64_t>();
    }
    if (a.contains("marks_input")) {
        if (!a["marks_input"].is_boolean())
            throw std::invalid_argument("architecture.marks_input must be true or false");
        o.marksInput = a["marks_input"].get<bool>();
    }
    if (a.contains("palette")) {
        if (a["palette"] != "picture" && a["palette"] != "network" && a["palette"] != "luminance")
            throw std::invalid_argument("architecture.palette must be \"picture\", \"luminance\" or \"network\"");
        o.paletteFromPicture = a["palette"] == "picture";
        o.luminancePalette = a["palette"] == "luminance";
    }
    if (a.contains("tone")) {
        if (a["tone"] != "style" && a["tone"] != "network")
            throw std::invalid_argument("architecture.tone must be \"style\" or \"network\"");
        o.toneFromStyle = a["tone"] == "style";
    }
    if (a.contains("cells"))
        o.cells = CellOptions::fromJson(a["cells"]);
    return o;
}

nlohmann::json TransformerOptions::toJson() const
{
    nlohmann::json j = {{"type", "johnson"}, {"channels", channels}, {"residual_blocks", residualBlocks}, {"output", output}};
    if (styles > 1)
        j["styles"] = styles;
    if (marksInput)
        j["marks_input"] = true;
    if (paletteFromPicture)
        j["palette"] = "picture";
    else if (luminancePalette)
        j["palette"] = "luminance";
    if (toneFromStyle)
        j["tone"] = "style";
    if (cells.enabled())
        j["cells"] = cells.toJson();
    return j;
}

TransformerNetImpl::TransformerNetImpl(const TransformerOptions& o) : options(o)
{
    const auto c1 = o.channels.at(0), c2 = o.channels.at(1), c3 = o.channels.at(2);
    const auto norm = [&o](int64_t c) { return StyleNorm(c, o.styles); };
    const int64_t in = o.marksInput ? 6 : 3, marks = o.marksInput ? 3 : 0;
    head = register_module("head", torch::nn::Sequential(conv(in, c1, 9, 1), norm(c1), torch::nn::ReLU(),
                                                          conv(c1, c2, 3, 2), norm(c2), torch::nn::ReLU(),
                                                          conv(c2, c3, 3, 2), norm(c3), torch::nn::ReLU()));
    for (int64_t i = 0; i < o.residualBlocks; ++i)
        res.push_back(register_module("res" + std::to_string(i),
                                      torch::nn::Sequential(conv(c3, c3, 3, 1), norm(c3), torch::nn::ReLU(),
                                                            conv(c3, c3, 3, 1), norm(c3))));
    up1 = register_module("up1", torch::nn::Sequential(conv(c3, c2, 3, 1), norm(c2), torch::nn::ReLU()));
    up2 = register_module("up2", torch::nn::Sequential(conv(c2 + marks, c1, 3, 1), norm(c1), torch::nn::ReLU()));
    tail = register_module("tail", conv(c1, 3, 9, 1));
    if (o.output == "residual") {
        // Start as the identity: the first steps already reproduce the content.
        torch::NoGradGuard noGrad;
        tail->weight.mul_(0.1);
        tail->bias.zero_();
    }
}

torch::Tensor TransformerNetImpl::forward(torch::Tensor input)
{
    const int64_t channels = options.marksInput ? 6 : 3;
    if (input.dim() != 4 || input.size(1) != channels)
        throw std::invalid_argument(options.marksInput
                                        ? "this style network reads the picture and its style's marks: [N,6,H,W]"
                                        : "the style network reads RGB pictures: [N,3,H,W]");
    const auto h = input.size(2), w = input.size(3);
    const auto ph = (4 - h % 4) % 4, pw = (4 - w % 4) % 4;
    torch::Tensor x = input;
    if (ph || pw)
        x = F::pad(x, F::PadFuncOptions({0, pw, 0, ph}).mode(torch::kReplicate));
    const auto up = F::InterpolateFuncOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest);
    torch::Tensor y = head->forward(x);
    for (auto& block : res)
        y = y + block->forward(y);
    y = up1->forward(F::interpolate(y, up));
    y = F::interpolate(y, up);
    if (options.marksInput) // the marks again at full resolution, before the last nonlinearity
        y = torch::cat({y, x.narrow(1, 3, 3).to(y.scalar_type())}, 1);
    y = up2->forward(y);
    y = tail->forward(y);
    if (ph || pw)
        y = y.narrow(2, 0, h).narrow(3, 0, w);
    if (options.marksInput && options.output == "residual") // starts as the picture with the marks laid over it
        return input.narrow(1, 0, 3) + input.narrow(1, 3, 3) + y.to(input.scalar_type());
    if (options.output == "residual")
        return input.narrow(1, 0, 3) + y.to(input.scalar_type());
    return torch::sigmoid(y).to(input.scalar_type());
}

void TransformerNetImpl::setNormMode(StyleNormImpl::Mode mode)
{
    for (auto& m : modules(false))
        if (auto* n = m->as<StyleNormImpl>()) {
            n->mode = mode;
            if (mode == StyleNormImpl::Mode::Own) {
                n->mean = torch::Tensor();
                n->var = torch::Tensor();
            }
        }
}

void TransformerNetImpl::selectStyle(int64_t style)
{
    if (style < 0 || style >= options.styles)
        throw std::out_of_range("the network has no style " + std::to_string(style));
    for (auto& m : modules(false))
        if (auto* n = m->as<StyleNormImpl>())
            n->selectStyle(style);
}

std::map<std::string, torch::Tensor> styleState(TransformerNet& net, int64_t style)
{
    if (style < 0 || style >= net->options.styles)
        throw std::out_of_range("the network has no style " + std::to_string(style));
    std::map<std::string, torch::Tensor> out;
    for (const auto& [name, t] : transformerState(net)) {
        const auto dot = name.rfind('.');
        const auto [base, s] = styleParameter(dot == std::string::npos ? name : name.substr(dot + 1));
        if (s < 0)
            out[name] = t;
        else if (s == style)
            out[name.substr(0, dot + 1) + base] = t;
    }
    return out;
}

std::map<std::string, torch::Tensor> transformerState(TransformerNet& net)
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& p : net->named_parameters())
        out[p.key()] = p.value().detach();
    for (const auto& b : net->named_buffers())
        out[b.key()] = b.value().detach();
    return out;
}

void loadTransformerState(TransformerNet& net, const std::map<std::string, torch::Tensor>& tensors)
{
    torch::NoGradGuard noGrad;
    size_t used = 0;
    auto copyAll = [&](auto items) {
        for (auto& item : items) {
            const auto it = tensors.find(item.key());
            if (it == tensors.end())
                throw std::runtime_error("style weights: missing tensor '" + item.key() + "'");
            if (it->second.sizes() != item.value().sizes())
                throw std::runtime_error("style weights: tensor '" + item.key() + "' has the wrong shape");
            if (!it->second.is_floating_point())
                throw std::runtime_error("style weights: tensor '" + item.key() + "' is not floating point");
            item.value().copy_(it->second.to(item.value().dtype()));
            ++used;
        }
    };
    copyAll(net->named_parameters());
    copyAll(net->named_buffers());
    if (used != tensors.size()) {
        const auto state = transformerState(net);
        for (const auto& [name, t] : tensors)
            if (!state.count(name))
                throw std::runtime_error("style weights: unexpected tensor '" + name.substr(0, 128) +
                                         "' (does config.json's architecture match the weights?)");
    }
}

torch::Tensor styliseTiled(TransformerNet& net, const torch::Tensor& image, const StyliseOptions& options,
                           JobContext* ctx)
{
    torch::InferenceMode guard;
    net->eval();
    const auto device = net->parameters().front().device();
    const auto& t = options.tiling;
    // Mirror the image's own borders outwards first: the network's zero padding would otherwise
    // paint bands along the edges of the picture. Cropped off again at the end.
    namespace F = torch::nn::functional;
    const int64_t h0 = image.size(2), w0 = image.size(3);
    const int64_t pad = std::min<int64_t>(kBorder, std::min(h0, w0) - 1);
    torch::Tensor padded =
        pad > 0 ? F::pad(image.to(torch::kFloat32), F::PadFuncOptions({pad, pad, pad, pad}).mode(torch::kReflect)) : image;
    const bool marks = net->options.marksInput;
    if (net->options.needsStylePicture() &&
        (!options.marks.defined() || options.marks.dim() != 4 || options.marks.size(1) != 3))
        throw std::invalid_argument("this style's network draws with its style picture's marks: the picture is needed");
    auto withMarks = [&](const torch::Tensor& rgb) {
        return marks ? torch::cat({rgb, networkMarks(options.marks, rgb.size(2), rgb.size(3))}, 1) : rgb;
    };
    padded = withMarks(padded);
    const bool oneTile = padded.size(2) <= t.tileSize && padded.size(3) <= t.tileSize;
    auto run = [&](const torch::Tensor& tile) {
        AutocastGuard autocast(device, options.precision);
        return net->forward(tile.to(device)).to(torch::kFloat32).clamp(0, 1);
    };
    if (!oneTile) {
        // Whole-image normalisation statistics from a copy that fits one tile.
        const double s = static_cast<double>(t.tileSize) / static_cast<double>(std::max(padded.size(2), padded.size(3)));
        // (The marks are made anew at the small size: shrunk, they would lose the detail they are.)
        const auto small = withMarks(F::interpolate(
            padded.narrow(1, 0, 3), F::InterpolateFuncOptions()
                        .size(std::vector<int64_t>{std::max<int64_t>(8, std::llround(padded.size(2) * s)),
                                                   std::max<int64_t>(8, std::llround(padded.size(3) * s))})
                        .mode(torch::kArea)));
        net->setNormMode(StyleNormImpl::Mode::Record);
        (void)run(small);
        net->setNormMode(StyleNormImpl::Mode::Fixed);
    }
    struct Reset {
        TransformerNet& net;
        ~Reset() { net->setNormMode(StyleNormImpl::Mode::Own); }
    } reset{net};
    auto out = processTiled(padded, t, run, ctx);
    if (pad > 0)
        out = out.narrow(2, pad, h0).narrow(3, pad, w0).contiguous();
    if (net->options.luminancePalette)
        out = transferChroma(out, image.to(torch::kFloat32), options.marks.to(torch::kFloat32));
    else if (net->options.paletteFromPicture)
        out = matchHistograms(out, options.marks.to(torch::kFloat32)).clamp(0, 1);
    if (net->options.toneFromStyle)
        out = transferTone(out, options.marks);
    return net->options.cells.enabled() ? paintCells(out, image.to(torch::kFloat32), net->options.cells) : out;
}

torch::Tensor networkMarks(const torch::Tensor& picture, int64_t h, int64_t w, uint64_t seed)
{
    const int64_t side = std::max(picture.size(2), picture.size(3));
    return styleMarksLayer({picture}, {1.0}, h, w, kNetworkMarksSigma, std::max<int64_t>(16, side / 10), seed);
}

} // namespace ganvas::engine
