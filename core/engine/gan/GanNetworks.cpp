// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/gan/GanNetworks.h"

#include "core/engine/gan/LatentDirections.h"
#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/SafeTensors.h"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ganvas::engine {

namespace {

int64_t readInt(const nlohmann::json& j, const char* key, int64_t fallback)
{
    if (!j.contains(key))
        return fallback;
    const auto& v = j.at(key);
    if (!v.is_number_integer())
        throw std::invalid_argument(std::string("architecture.") + key + " must be an integer");
    return v.get<int64_t>();
}

} // namespace

GanOptions GanOptions::fromJson(const nlohmann::json& a)
{
    if (!a.is_object())
        throw std::invalid_argument("architecture must be an object");
    GanOptions o;
    if (a.contains("type")) {
        if (!a.at("type").is_string())
            throw std::invalid_argument("architecture.type must be \"dcgan\" or \"fastgan\"");
        try {
            o.type = ganArchitectureFromName(a.at("type").get<std::string>());
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string("architecture.type: ") + e.what());
        }
    }
    o.resolution = readInt(a, "resolution", o.resolution);
    o.latentDim = readInt(a, "latent_dim", o.latentDim);
    o.gChannels = readInt(a, "g_channels", o.gChannels);
    o.dChannels = readInt(a, "d_channels", o.dChannels);
    o.maxChannels = readInt(a, "max_channels", o.maxChannels);
    o.validate();
    return o;
}

nlohmann::json GanOptions::toJson() const
{
    return {{"type", typeName()},      {"resolution", resolution}, {"latent_dim", latentDim},
            {"g_channels", gChannels}, {"d_channels", dChannels},  {"max_channels", maxChannels}};
}

void GanOptions::validate() const
{
    if (resolution != 32 && resolution != 64 && resolution != 128 && resolution != 256)
        throw std::invalid_argument("resolution " + std::to_string(resolution) + " is not supported: use 32, 64, 128 or 256");
    if (latentDim < 8 || latentDim > 1024)
        throw std::invalid_argument("latent_dim must be between 8 and 1024");
    if (gChannels < 4 || gChannels > 1024 || dChannels < 4 || dChannels > 1024)
        throw std::invalid_argument("g_channels and d_channels must be between 4 and 1024");
    if (maxChannels < 4 || maxChannels > 2048)
        throw std::invalid_argument("max_channels must be between 4 and 2048");
}

std::string GanOptions::typeName() const
{
    return type == GanArchitecture::FastGAN ? "fastgan" : "dcgan";
}

GanArchitecture ganArchitectureFromName(const std::string& name)
{
    if (name == "dcgan")
        return GanArchitecture::DCGAN;
    if (name == "fastgan")
        return GanArchitecture::FastGAN;
    throw std::invalid_argument("'" + name + "' is not an architecture: use \"dcgan\" or \"fastgan\"");
}

int GanOptions::levels() const
{
    return static_cast<int>(std::lround(std::log2(static_cast<double>(resolution) / 4.0)));
}

int64_t GanOptions::channelsAt(int level, int64_t base) const
{
    // Level levels()-1 is the last before the output (base channels); each coarser level doubles.
    const int up = levels() - 1 - level;
    return std::min<int64_t>(maxChannels, base << std::max(0, up));
}

namespace {

namespace nn = torch::nn;

/// FastGAN's channels at level l (4 * 2^l px) of a network with base @p base: the "dcgan" rule,
/// and half the base at the output level.
int64_t fastChannels(const GanOptions& o, int level, int64_t base)
{
    return level < o.levels() ? o.channelsAt(level, base) : std::max<int64_t>(4, base / 2);
}

nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0, bool bias = true)
{
    return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(bias));
}

nn::Upsample upsample()
{
    return nn::Upsample(nn::UpsampleOptions().scale_factor(std::vector<double>{2.0, 2.0}).mode(torch::kNearest));
}

/// Nearest up-sampling, then one or two 3x3 convolutions to twice @p out, batch norm and GLU.
nn::Sequential fastUpBlock(int64_t in, int64_t out, bool twice)
{
    nn::Sequential block(upsample(), conv(in, 2 * out, 3, 1, 1, false), nn::BatchNorm2d(2 * out),
                         nn::GLU(nn::GLUOptions(1)));
    if (twice) {
        block->push_back(conv(out, 2 * out, 3, 1, 1, false));
        block->push_back(nn::BatchNorm2d(2 * out));
        block->push_back(nn::GLU(nn::GLUOptions(1)));
    }
    return block;
}

/// Skip-layer excitation: channel gates [N,big,1,1] in (0,1) from features of @p small channels.
nn::Sequential excitation(int64_t small, int64_t big)
{
    return nn::Sequential(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(4)), conv(small, big, 4, 1, 0, false),
                          nn::SiLU(), conv(big, big, 1, 1, 0, false), nn::Sigmoid());
}

/// The discriminator's two-path down-sampling block: (4x4 stride-2, 3x3) | (average pool, 1x1).
struct DownBlockImpl : nn::Module {
    DownBlockImpl(int64_t in, int64_t out)
    {
        main = register_module(
            "main", nn::Sequential(conv(in, out, 4, 2, 1), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)),
                                   conv(out, out, 3, 1, 1), nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2))));
        direct = register_module("direct", nn::Sequential(nn::AvgPool2d(nn::AvgPool2dOptions(2)), conv(in, out, 1),
                                                          nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2))));
    }
    torch::Tensor forward(const torch::Tensor& x) { return (main->forward(x) + direct->forward(x)) * 0.5; }
    nn::Sequential main{nullptr}, direct{nullptr};
};
TORCH_MODULE(DownBlock);

/// Multiply-accumulates of a k x k convolution from @p in to @p out channels at side @p side.
double convMacs(double in, double out, double k, double side)
{
    return in * out * k * k * side * side;
}

/// The decoder's channels after its first and second up-sampling.
std::pair<int64_t, int64_t> decoderChannels(const GanOptions& o)
{
    const int64_t first = std::max<int64_t>(8, o.channelsAt(1, o.dChannels) / 2);
    return {first, std::max<int64_t>(8, first / 2)};
}

} // namespace

GeneratorImpl::GeneratorImpl(const GanOptions& options) : m_options(options)
{
    m_options.validate();
    const int levels = m_options.levels();
    if (m_options.type == GanArchitecture::FastGAN) {
        const auto c0 = fastChannels(m_options, 0, m_options.gChannels);
        m_init = register_module(
            "init",
            nn::Sequential(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(m_options.latentDim, 2 * c0, 4).bias(false)),
                           nn::BatchNorm2d(2 * c0)));
        m_blocks = register_module("blocks", nn::ModuleList());
        for (int l = 1; l <= levels; ++l)
            m_blocks->push_back(fastUpBlock(fastChannels(m_options, l - 1, m_options.gChannels),
                                            fastChannels(m_options, l, m_options.gChannels), l % 2 == 1));
        m_excite = register_module("excite", nn::ModuleList());
        for (int l = 0; l + 3 <= levels; ++l)
            m_excite->push_back(excitation(fastChannels(m_options, l, m_options.gChannels),
                                           fastChannels(m_options, l + 3, m_options.gChannels)));
        m_toRgb = register_module("to_rgb", conv(fastChannels(m_options, levels, m_options.gChannels), 3, 3, 1, 1));
        return;
    }
    const auto c0 = m_options.channelsAt(0, m_options.gChannels);
    m_first = nn::Sequential(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(m_options.latentDim, c0, 4).bias(false)),
                             nn::BatchNorm2d(c0), nn::ReLU(nn::ReLUOptions(true)));
    m_rest = nn::Sequential();
    for (int l = 1; l < levels; ++l) {
        const auto in = m_options.channelsAt(l - 1, m_options.gChannels);
        const auto out = m_options.channelsAt(l, m_options.gChannels);
        m_rest->push_back(nn::ConvTranspose2d(nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1).bias(false)));
        m_rest->push_back(nn::BatchNorm2d(out));
        m_rest->push_back(nn::ReLU(nn::ReLUOptions(true)));
    }
    m_rest->push_back(nn::ConvTranspose2d(
        nn::ConvTranspose2dOptions(m_options.channelsAt(levels - 1, m_options.gChannels), 3, 4).stride(2).padding(1)));
    m_rest->push_back(nn::Tanh());
    register_module("first", m_first);
    register_module("rest", m_rest);
    for (const auto& m : m_rest->children()) {
        if (auto* t = m->as<nn::ConvTranspose2d>())
            (void)t, m_ups.push_back(nn::ConvTranspose2d(std::dynamic_pointer_cast<nn::ConvTranspose2dImpl>(m)));
        else if (auto* b = m->as<nn::BatchNorm2d>())
            (void)b, m_norms.push_back(nn::BatchNorm2d(std::dynamic_pointer_cast<nn::BatchNorm2dImpl>(m)));
    }
}

torch::Tensor subpixelKernel(const torch::Tensor& w)
{
    // Output row 2m+py of the transposed convolution reads input rows m-1, m, m+1 with kernel
    // rows {3,1,-} (py = 0) and {-,2,0} (py = 1); index 4 is a zero pad ("-"). Same for columns.
    static const int64_t table[] = {3, 1, 4, 4, 2, 0};
    const auto cin = w.size(0), cout = w.size(1);
    const auto index = torch::from_blob(const_cast<int64_t*>(table), {6}, torch::kLong).to(w.device());
    const auto padded = torch::constant_pad_nd(w.permute({1, 0, 2, 3}), {0, 1, 0, 1}, 0); // [Cout,Cin,5,5]
    return padded.index_select(2, index)
        .index_select(3, index)
        .view({cout, cin, 2, 3, 2, 3})
        .permute({0, 2, 4, 1, 3, 5})
        .reshape({cout * 4, cin, 3, 3});
}

torch::Tensor subpixelTransposedConv(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias)
{
    const auto b = bias.defined() ? bias.repeat_interleave(4) : torch::Tensor();
    return torch::pixel_shuffle(torch::conv2d(x, subpixelKernel(weight).to(x.scalar_type()), b, 1, 1), 2);
}

torch::Tensor GeneratorImpl::forwardFast(const torch::Tensor& z)
{
    auto x = torch::glu(m_init->forward(z.view({z.size(0), z.size(1), 1, 1})), 1);
    std::vector<torch::Tensor> features{x};
    for (size_t l = 1; l <= m_blocks->size(); ++l) {
        x = m_blocks[l - 1]->as<nn::Sequential>()->forward(x);
        if (l >= 3)
            x = x * m_excite[l - 3]->as<nn::Sequential>()->forward(features[l - 3]);
        features.push_back(x);
    }
    return torch::tanh(m_toRgb->forward(x));
}

torch::Tensor GeneratorImpl::forward(const torch::Tensor& z)
{
    if (m_options.type == GanArchitecture::FastGAN)
        return forwardFast(z);
    // Sampling (eval mode) keeps LibTorch's transposed convolution: for one image it measured
    // 1.5 ms against 16 ms for the sub-pixel form, whose kernels are gathered on every call.
    if (!is_training())
        return forwardReference(z);
    // First block: a kernel-4 transposed convolution of a 1x1 input is a matrix product.
    auto* first = m_first->ptr(0)->as<torch::nn::ConvTranspose2d>();
    const auto c0 = first->weight.size(1);
    auto x = torch::mm(z, first->weight.view({z.size(1), c0 * 16})).view({z.size(0), c0, 4, 4});
    x = m_first->ptr(2)->as<torch::nn::ReLU>()->forward(m_first->ptr(1)->as<torch::nn::BatchNorm2d>()->forward(x));
    for (size_t i = 0; i < m_ups.size(); ++i) {
        x = subpixelTransposedConv(x, m_ups[i]->weight, m_ups[i]->bias);
        if (i < m_norms.size())
            x = torch::relu(m_norms[i]->forward(x));
    }
    return torch::tanh(x);
}

torch::Tensor GeneratorImpl::forwardReference(const torch::Tensor& z)
{
    if (m_options.type == GanArchitecture::FastGAN)
        return forwardFast(z);
    return m_rest->forward(m_first->forward(z.view({z.size(0), z.size(1), 1, 1})));
}

torch::Tensor GeneratorImpl::earlyFeatures(const torch::Tensor& z)
{
    if (m_options.type == GanArchitecture::FastGAN)
        return torch::glu(m_init->forward(z.view({z.size(0), z.size(1), 1, 1})), 1).flatten(1);
    return m_first->forward(z.view({z.size(0), z.size(1), 1, 1})).flatten(1);
}

double GeneratorImpl::macsPerImage() const
{
    const int levels = m_options.levels();
    if (m_options.type == GanArchitecture::FastGAN) {
        const auto ch = [&](int l) { return static_cast<double>(fastChannels(m_options, l, m_options.gChannels)); };
        double macs = static_cast<double>(m_options.latentDim) * 2 * ch(0) * 16;
        for (int l = 1; l <= levels; ++l) {
            const double side = 4 << l;
            macs += convMacs(ch(l - 1), 2 * ch(l), 3, side);
            if (l % 2 == 1)
                macs += convMacs(ch(l), 2 * ch(l), 3, side);
            if (l >= 3)
                macs += convMacs(ch(l - 3), ch(l), 4, 1) + convMacs(ch(l), ch(l), 1, 1);
        }
        return macs + convMacs(ch(levels), 3, 3, m_options.resolution);
    }
    double macs = static_cast<double>(m_options.latentDim) * m_options.channelsAt(0, m_options.gChannels) * 16;
    for (int l = 1; l <= levels; ++l) {
        const double in = m_options.channelsAt(l - 1, m_options.gChannels);
        const double out = l < levels ? m_options.channelsAt(l, m_options.gChannels) : 3;
        const double inSide = 4 << (l - 1);
        macs += in * out * 16 * inSide * inSide;
    }
    return macs;
}

DiscriminatorImpl::DiscriminatorImpl(const GanOptions& options) : m_options(options)
{
    m_options.validate();
    const int levels = m_options.levels();
    if (m_options.type == GanArchitecture::FastGAN) {
        const auto ch = [&](int l) { return m_options.channelsAt(l, m_options.dChannels); };
        m_from = register_module("from_rgb", nn::Sequential(conv(3, ch(levels - 1), 4, 2, 1),
                                                            nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2))));
        m_down = register_module("down", nn::ModuleList());
        for (int l = levels - 1; l >= 1; --l)
            m_down->push_back(DownBlock(ch(l), ch(l - 1)));
        m_logit = register_module("logit", conv(ch(0), 1, 4));
        const auto [d1, d2] = decoderChannels(m_options);
        m_decoder =
            register_module("decoder", nn::Sequential(upsample(), conv(ch(1), 2 * d1, 3, 1, 1),
                                                      nn::GLU(nn::GLUOptions(1)), upsample(), conv(d1, 2 * d2, 3, 1, 1),
                                                      nn::GLU(nn::GLUOptions(1)), conv(d2, 3, 3, 1, 1), nn::Tanh()));
        return;
    }
    m_net = nn::Sequential();
    // Mirror of the generator: level index counts from the finest (levels-1) down to 0 (4x4).
    int64_t in = 3;
    for (int l = levels - 1; l >= 0; --l) {
        const auto out = m_options.channelsAt(l, m_options.dChannels);
        m_net->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 4).stride(2).padding(1)));
        m_net->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
        in = out;
    }
    m_net->push_back(nn::Conv2d(nn::Conv2dOptions(in, 1, 4)));
    register_module("net", m_net);
}

torch::Tensor DiscriminatorImpl::forward(const torch::Tensor& x)
{
    if (m_options.type == GanArchitecture::FastGAN)
        return fastTrunk(x).first; // fakes and R1 need no picture: the decoder does not run
    return m_net->forward(x).view({x.size(0)});
}

std::pair<torch::Tensor, torch::Tensor> DiscriminatorImpl::fastTrunk(const torch::Tensor& x)
{
    auto h = m_from->forward(x);
    torch::Tensor at8;
    for (const auto& block : *m_down) {
        h = block->as<DownBlockImpl>()->forward(h);
        if (h.size(2) == 8)
            at8 = h;
    }
    return {m_logit->forward(h).view({x.size(0)}), at8};
}

std::pair<torch::Tensor, torch::Tensor> DiscriminatorImpl::forwardReconstructing(const torch::Tensor& x)
{
    if (m_options.type != GanArchitecture::FastGAN)
        return {forward(x), torch::Tensor()};
    auto [logits, at8] = fastTrunk(x);
    return {logits, m_decoder->forward(at8)};
}

torch::Tensor reconstructionTarget(const torch::Tensor& x)
{
    return x.size(2) == 32 ? x : torch::adaptive_avg_pool2d(x, {32, 32});
}

double DiscriminatorImpl::macsPerImage() const
{
    const int levels = m_options.levels();
    if (m_options.type == GanArchitecture::FastGAN) {
        // Logits only (the decoder runs on real pictures, once per D step).
        const auto ch = [&](int l) { return static_cast<double>(m_options.channelsAt(l, m_options.dChannels)); };
        double side = static_cast<double>(m_options.resolution) / 2;
        double macs = convMacs(3, ch(levels - 1), 4, side);
        for (int l = levels - 1; l >= 1; --l) {
            side /= 2;
            macs += convMacs(ch(l), ch(l - 1), 4, side) + convMacs(ch(l - 1), ch(l - 1), 3, side) +
                    convMacs(ch(l), ch(l - 1), 1, side);
        }
        return macs + ch(0) * 16;
    }
    double macs = 0;
    double in = 3;
    double side = static_cast<double>(m_options.resolution);
    for (int l = levels - 1; l >= 0; --l) {
        const double out = m_options.channelsAt(l, m_options.dChannels);
        side /= 2;
        macs += in * out * 16 * side * side;
        in = out;
    }
    return macs + in * 16;
}

void initGanWeights(torch::nn::Module& module)
{
    torch::NoGradGuard noGrad;
    for (auto& m : module.modules(/*include_self=*/false)) {
        if (auto* c = m->as<torch::nn::Conv2d>()) {
            torch::nn::init::normal_(c->weight, 0.0, 0.02);
            if (c->bias.defined())
                torch::nn::init::zeros_(c->bias);
        } else if (auto* t = m->as<torch::nn::ConvTranspose2d>()) {
            torch::nn::init::normal_(t->weight, 0.0, 0.02);
            if (t->bias.defined())
                torch::nn::init::zeros_(t->bias);
        } else if (auto* b = m->as<torch::nn::BatchNorm2d>()) {
            torch::nn::init::normal_(b->weight, 1.0, 0.02);
            torch::nn::init::zeros_(b->bias);
        }
    }
}

std::map<std::string, torch::Tensor> moduleState(torch::nn::Module& module)
{
    std::map<std::string, torch::Tensor> state;
    for (const auto& p : module.named_parameters())
        state[p.key()] = p.value().detach();
    for (const auto& b : module.named_buffers())
        state[b.key()] = b.value().detach();
    return state;
}

void loadModuleState(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& state,
                     const std::string& what)
{
    torch::NoGradGuard noGrad;
    auto load = [&](const std::string& name, torch::Tensor& target) {
        const auto it = state.find(name);
        if (it == state.end())
            throw std::runtime_error(what + ": weights have no tensor '" + name + "'");
        if (it->second.sizes() != target.sizes()) {
            std::ostringstream s;
            s << what << ": tensor '" << name << "' has shape " << it->second.sizes() << " but the config needs "
              << target.sizes();
            throw std::runtime_error(s.str());
        }
        target.copy_(it->second.to(target.device(), target.scalar_type()));
    };
    for (auto& p : module.named_parameters())
        load(p.key(), p.value());
    for (auto& b : module.named_buffers())
        load(b.key(), b.value());
}

LoadedGenerator loadGenerator(const std::filesystem::path& folder)
{
    const auto config = loadModelConfig(folder);
    if (config.kind != ModelKind::Generator)
        throw std::runtime_error("'" + config.id + "' is not a generator (kind " + modelKindName(config.kind) + ")");
    LoadedGenerator out;
    try {
        out.options = GanOptions::fromJson(config.architecture);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error("generator '" + config.id + "': " + e.what());
    }
    out.net = Generator(out.options);
    const auto file = loadSafeTensors(config.weightsPath());
    loadModuleState(*out.net, file.tensors, "generator '" + config.id + "'");
    for (const auto& p : out.net->parameters())
        if (!torch::isfinite(p).all().item<bool>())
            throw std::runtime_error("generator '" + config.id + "': weights contain NaN or infinity");
    out.net->eval();
    out.id = config.id;
    out.name = config.name;
    std::ifstream in(folder / "config.json");
    try {
        out.config = nlohmann::json::parse(in);
    } catch (const std::exception&) {
        out.config = nlohmann::json::object();
    }
    const auto dirs = folder / "directions.safetensors";
    if (std::filesystem::exists(dirs)) {
        const auto d = loadDirections(dirs, out.options.latentDim);
        out.directions = d.directions;
        out.directionScale = d.scale;
    }
    return out;
}

torch::Tensor latentsForSeed(int64_t seed, int64_t count, int64_t latentDim)
{
    // One generator per image so the latent of seed s does not depend on the count.
    std::vector<torch::Tensor> rows;
    rows.reserve(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
        auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(seed + i));
        rows.push_back(torch::randn({latentDim}, gen, torch::TensorOptions().dtype(torch::kFloat32)));
    }
    return torch::stack(rows);
}

torch::Tensor sampleImages(Generator& g, const torch::Tensor& z, double truncation)
{
    torch::InferenceMode guard;
    const double psi = std::clamp(truncation, 0.01, 1.0);
    const auto device = g->parameters().front().device();
    return (g->forward(z.to(device, torch::kFloat32) * psi).to(torch::kFloat32) * 0.5 + 0.5).clamp(0, 1);
}

torch::Tensor imageGrid(const torch::Tensor& images, int64_t columns, int64_t gap)
{
    const auto n = images.size(0);
    const auto h = images.size(2), w = images.size(3);
    columns = std::max<int64_t>(1, std::min(columns, n));
    const auto rows = (n + columns - 1) / columns;
    auto grid = torch::ones({3, rows * (h + gap) + gap, columns * (w + gap) + gap}, images.options());
    for (int64_t i = 0; i < n; ++i) {
        const auto r = i / columns, c = i % columns;
        grid.narrow(1, gap + r * (h + gap), h).narrow(2, gap + c * (w + gap), w).copy_(images[i].narrow(0, 0, 3));
    }
    return grid;
}

} // namespace ganvas::engine
