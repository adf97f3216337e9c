// SPDX-License-Identifier: GPL-3.0-or-later
// AI upscaling (issue #6): the TF.js layers-model importer against hand-computed layouts, its
// refusals of broken files, and the tiled job against a single pass.
#include "EngineTest.h"

#include "core/engine/jobs/Job.h"
#include "core/engine/upscale/TfjsLayersModel.h"
#include "core/engine/upscale/Upscaler.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

using namespace ganvas::engine;
namespace fs = std::filesystem;

namespace {

/// A small model with every supported layer: input(3) -> conv3x3(8, relu) -> [conv1x1(8) *
/// MultiplyBeta] + skip -> concat(16) -> conv3x3(12) -> PixelShuffle2x (3 channels at 2x) ->
/// UpSampling2D(2, nearest) -> LeakyReLU -> output at 4x. Weights are drawn from @p seed.
struct TinyModel {
    nlohmann::json json;
    std::vector<uint8_t> shard;
    std::map<std::string, torch::Tensor> weights; // Keras layout (HWIO)
};

nlohmann::json layer(const std::string& cls, const std::string& name, nlohmann::json config,
                     const std::vector<std::string>& inputs)
{
    config["name"] = name;
    nlohmann::json in = nlohmann::json::array();
    for (const auto& i : inputs)
        in.push_back({i, 0, 0, nlohmann::json::object()});
    return {{"class_name", cls}, {"name", name}, {"config", config},
            {"inbound_nodes", inputs.empty() ? nlohmann::json::array() : nlohmann::json::array({in})}};
}

TinyModel tinyModel(uint64_t seed = 1)
{
    TinyModel m;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    auto conv = [&](const std::string& name, int64_t k, int64_t cin, int64_t cout) {
        m.weights[name + "/kernel"] = torch::randn({k, k, cin, cout}, gen) * 0.3;
        m.weights[name + "/bias"] = torch::randn({cout}, gen) * 0.1;
    };
    conv("c1", 3, 3, 8);
    conv("c2", 1, 8, 8);
    conv("c3", 3, 16, 12);
    nlohmann::json layers = nlohmann::json::array();
    layers.push_back(layer("InputLayer", "LR", {{"batch_input_shape", {nullptr, nullptr, nullptr, 3}}}, {}));
    layers.push_back(layer("Conv2D", "c1", {{"filters", 8}, {"kernel_size", {3, 3}}, {"padding", "same"}, {"activation", "relu"}}, {"LR"}));
    layers.push_back(layer("Conv2D", "c2", {{"filters", 8}, {"kernel_size", {1, 1}}, {"padding", "same"}}, {"c1"}));
    layers.push_back(layer("MultiplyBeta", "beta", nlohmann::json::object(), {"c2"}));
    layers.push_back(layer("Add", "add", nlohmann::json::object(), {"c1", "beta"}));
    layers.push_back(layer("Concatenate", "cat", {{"axis", 3}}, {"c1", "add"}));
    layers.push_back(layer("Conv2D", "c3", {{"filters", 12}, {"kernel_size", {3, 3}}, {"padding", "same"}}, {"cat"}));
    layers.push_back(layer("PixelShuffle2x", "ps", nlohmann::json::object(), {"c3"}));
    layers.push_back(layer("UpSampling2D", "up", {{"size", {2, 2}}, {"interpolation", "nearest"}}, {"ps"}));
    layers.push_back(layer("LeakyReLU", "SR", {{"alpha", 0.1}}, {"up"}));
    nlohmann::json manifest = nlohmann::json::array();
    for (const auto& [name, t] : m.weights) {
        manifest.push_back({{"name", name}, {"shape", t.sizes().vec()}, {"dtype", "float32"}});
        const auto c = t.contiguous();
        const auto* p = reinterpret_cast<const uint8_t*>(c.data_ptr<float>());
        m.shard.insert(m.shard.end(), p, p + c.numel() * 4);
    }
    m.json = {{"format", "layers-model"},
              {"modelTopology",
               {{"model_config",
                 {{"class_name", "Functional"},
                  {"config", {{"name", "tiny"}, {"layers", layers}, {"input_layers", {{"LR", 0, 0}}}, {"output_layers", {{"SR", 0, 0}}}}}}}}},
              {"weightsManifest", {{{"paths", {"group1-shard1of1.bin"}}, {"weights", manifest}}}}};
    return m;
}

TfjsLayersModel parseTiny(const TinyModel& m)
{
    return TfjsLayersModel::parse(m.json.dump(), [&](const std::string& name) {
        if (name != "group1-shard1of1.bin")
            throw TfjsModelError("missing shard \"" + name + "\"");
        return m.shard;
    });
}

/// The same network written out by hand in NHWC with TensorFlow's conventions.
torch::Tensor referenceNhwc(const TinyModel& m, const torch::Tensor& x) // x [N,H,W,3]
{
    auto conv = [&](const torch::Tensor& in, const std::string& name) {
        const auto k = m.weights.at(name + "/kernel"); // [kh,kw,cin,cout]
        const auto b = m.weights.at(name + "/bias");
        const int64_t kh = k.size(0), pad = kh / 2;
        const auto padded = torch::constant_pad_nd(in, {0, 0, pad, pad, pad, pad}, 0);
        auto out = torch::zeros({in.size(0), in.size(1), in.size(2), k.size(3)});
        for (int64_t dy = 0; dy < kh; ++dy)
            for (int64_t dx = 0; dx < kh; ++dx)
                out += torch::matmul(padded.narrow(1, dy, in.size(1)).narrow(2, dx, in.size(2)), k[dy][dx]);
        return out + b;
    };
    const auto c1 = torch::relu(conv(x, "c1"));
    const auto add = c1 + 0.2 * conv(c1, "c2");
    const auto c3 = conv(torch::cat({c1, add}, 3), "c3"); // [N,H,W,12]
    // TF depth_to_space, NHWC: out[n, h*2+i, w*2+j, c] = in[n, h, w, (i*2+j)*3 + c]
    const int64_t n = c3.size(0), h = c3.size(1), w = c3.size(2);
    auto ps = c3.view({n, h, w, 2, 2, 3}).permute({0, 1, 3, 2, 4, 5}).reshape({n, h * 2, w * 2, 3});
    auto up = ps.repeat_interleave(2, 1).repeat_interleave(2, 2);
    return torch::leaky_relu(up, 0.1);
}

} // namespace

GANVAS_TEST(upscale, importer_matches_a_hand_written_nhwc_network)
{
    const auto m = tinyModel();
    const auto model = parseTiny(m);
    REQUIRE_EQ(model.scale(), int64_t(4));
    REQUIRE_EQ(model.inputChannels(), int64_t(3));
    REQUIRE_EQ(model.outputChannels(), int64_t(3));
    REQUIRE_EQ(model.layerCounts().at("Conv2D"), 3);
    torch::manual_seed(2);
    const auto nhwc = torch::rand({2, 7, 9, 3});
    const auto expected = referenceNhwc(m, nhwc).permute({0, 3, 1, 2});
    torch::NoGradGuard noGrad;
    const auto ours = model.forward(nhwc.permute({0, 3, 1, 2}).contiguous());
    REQUIRE(ours.sizes() == expected.sizes());
    REQUIRE((ours - expected).abs().max().item<double>() < 1e-4);
}

GANVAS_TEST(upscale, depth_to_space_follows_tensorflow_not_pixel_shuffle)
{
    // 4 channels, r = 2, one output channel: TF puts channel (i*2+j) at offset (i, j).
    const auto x = torch::arange(4, torch::kFloat32).view({1, 4, 1, 1});
    const auto y = depthToSpaceTf(x, 2);
    REQUIRE_EQ(y.size(1), int64_t(1));
    REQUIRE_EQ(y[0][0][0][1].item<float>(), 1.0f);
    REQUIRE_EQ(y[0][0][1][0].item<float>(), 2.0f);
    // With 2 output channels the orders differ from torch.pixel_shuffle.
    const auto z = torch::arange(8, torch::kFloat32).view({1, 8, 1, 1});
    REQUIRE_EQ(depthToSpaceTf(z, 2)[0][1][0][0].item<float>(), 1.0f);
    REQUIRE_EQ(torch::pixel_shuffle(z, 2)[0][1][0][0].item<float>(), 4.0f);
}

GANVAS_TEST(upscale, broken_models_are_refused_with_clear_messages)
{
    const auto good = tinyModel();
    // A missing shard.
    REQUIRE_THROWS_WITH(TfjsLayersModel::parse(good.json.dump(), [](const std::string& n) -> std::vector<uint8_t> {
                            throw TfjsModelError("missing shard \"" + n + "\"");
                        }),
                        TfjsModelError, "missing shard \"group1-shard1of1.bin\"");
    // A shard shorter than the manifest says.
    auto shortShard = good;
    shortShard.shard.resize(shortShard.shard.size() - 40);
    REQUIRE_THROWS_WITH(parseTiny(shortShard), TfjsModelError, "shorter than the manifest says");
    // A shard longer than the manifest says.
    auto longShard = good;
    longShard.shard.resize(longShard.shard.size() + 8);
    REQUIRE_THROWS_WITH(parseTiny(longShard), TfjsModelError, "the manifest describes");
    // A topology with an unknown layer.
    auto unknown = good;
    unknown.json["modelTopology"]["model_config"]["config"]["layers"][3]["class_name"] = "Lambda";
    REQUIRE_THROWS_WITH(parseTiny(unknown), TfjsModelError, "unsupported layer \"beta\" of class Lambda");
    // A reference to a layer that does not exist.
    auto dangling = good;
    dangling.json["modelTopology"]["model_config"]["config"]["layers"][2]["inbound_nodes"][0][0][0] = "nowhere";
    REQUIRE_THROWS_WITH(parseTiny(dangling), TfjsModelError, "unknown layer \"nowhere\"");
    // A kernel whose shape does not match the layer.
    auto wrongKernel = good;
    wrongKernel.json["modelTopology"]["model_config"]["config"]["layers"][1]["config"]["filters"] = 9;
    REQUIRE_THROWS_WITH(parseTiny(wrongKernel), TfjsModelError, "kernel shape");
    // Not JSON, graph models, quantized weights.
    REQUIRE_THROWS_WITH(TfjsLayersModel::parse("{nope", [](const std::string&) { return std::vector<uint8_t>(); }),
                        TfjsModelError, "not JSON");
    auto graph = good;
    graph.json["format"] = "graph-model";
    REQUIRE_THROWS_WITH(parseTiny(graph), TfjsModelError, "graph models are not supported");
    auto quantized = good;
    quantized.json["weightsManifest"][0]["weights"][0]["quantization"] = {{"dtype", "uint8"}};
    REQUIRE_THROWS_WITH(parseTiny(quantized), TfjsModelError, "quantized");
    // A weight with a zero dimension (fuzz_tfjs_model: the empty tensor's null data pointer went
    // to memcpy, undefined behaviour that UBSan stopped; tests/data/bad/tfjs/zero-dimension-weight.json).
    auto empty = good;
    empty.json["weightsManifest"][0]["weights"][0]["shape"][0] = 0;
    REQUIRE_THROWS_WITH(parseTiny(empty), TfjsModelError, "bad dimension");

    // From disk: a shard path that leaves the folder, and a missing file.
    const fs::path dir = ganvas::test::tempDir();
    auto escape = good;
    escape.json["weightsManifest"][0]["paths"][0] = "../x.bin";
    std::ofstream(dir / "model.json") << escape.json.dump();
    REQUIRE_THROWS_WITH(TfjsLayersModel::load(dir / "model.json"), TfjsModelError, "leaves the model folder");
    std::ofstream(dir / "model.json") << good.json.dump();
    REQUIRE_THROWS_WITH(TfjsLayersModel::load(dir / "model.json"), TfjsModelError, "missing shard");
    std::ofstream(dir / "group1-shard1of1.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(good.shard.data()), static_cast<std::streamsize>(good.shard.size()));
    REQUIRE_EQ(TfjsLayersModel::load(dir / "model.json").scale(), int64_t(4));
}

GANVAS_TEST(upscale, tiled_job_equals_one_pass_and_keeps_alpha)
{
    const auto m = tinyModel(3);
    UpscalerModel model;
    model.id = "tiny";
    model.name = "tiny";
    model.scale = 4;
    model.inputMax = 1;
    model.outputMax = 1;
    model.net = std::make_shared<TfjsLayersModel>(parseTiny(m));
    torch::manual_seed(4);
    const auto image = torch::rand({1, 4, 50, 70});
    UpscaleOptions o;
    o.tileSize = 24;
    o.overlap = 4;
    o.context = 4; // the tiny network sees 2 px around each pixel
    UpscaleJob job(model, image, o);
    CancelToken token;
    JobContext ctx(token);
    REQUIRE(runJob(job, ctx).outcome == JobOutcome::Finished);
    const auto tiled = job.result();
    REQUIRE(tiled.sizes() == torch::IntArrayRef({1, 4, 200, 280}));
    const auto direct = upscaleDirect(model, image.narrow(1, 0, 3));
    REQUIRE((tiled.narrow(1, 0, 3) - direct).abs().max().item<double>() < 1e-4);
    // Alpha is resampled, not invented: its mean stays.
    REQUIRE_NEAR(tiled[0][3].mean().item<double>(), image[0][3].mean().item<double>(), 0.01);
    // Cancelled before the first tile: nothing returned.
    UpscaleJob cancelled(model, image, o);
    CancelToken stop;
    stop.cancel();
    JobContext c2(stop);
    REQUIRE(runJob(cancelled, c2).outcome == JobOutcome::Cancelled);
    REQUIRE_THROWS_WITH(UpscaleJob(model, torch::rand({1, 2, 8, 8})), std::invalid_argument, "[1,3|4,H,W]");
    REQUIRE_THROWS_WITH(UpscaleJob(model, torch::rand({1, 3, 20000, 8})), std::invalid_argument, "65536");
}

/// --tool upscale-raw MODEL.json IN.raw H W OUT.raw: runs an imported TF.js model on a float32
/// HWC picture (already in the model's input range) and writes the float32 HWC output, unrounded
/// and unclamped: the hook tests/reference/tfjs_crosscheck.py compares with TensorFlow.js.
int runUpscaleTool(int argc, char** argv)
{
    if (argc != 6) {
        std::cerr << "usage: --tool upscale-raw MODEL.json IN.raw H W OUT.raw\n";
        return 2;
    }
    try {
        const auto model = TfjsLayersModel::load(argv[1]);
        const int64_t h = std::stoll(argv[3]), w = std::stoll(argv[4]), c = model.inputChannels();
        std::ifstream in(argv[2], std::ios::binary);
        auto x = torch::empty({h, w, c}, torch::kFloat32);
        in.read(reinterpret_cast<char*>(x.data_ptr<float>()), static_cast<std::streamsize>(x.numel() * 4));
        if (!in)
            throw std::runtime_error("input is shorter than H*W*C floats");
        torch::NoGradGuard noGrad;
        const auto y = model.forward(x.permute({2, 0, 1}).unsqueeze(0).contiguous())[0].permute({1, 2, 0}).contiguous();
        std::ofstream out(argv[5], std::ios::binary);
        out.write(reinterpret_cast<const char*>(y.data_ptr<float>()), static_cast<std::streamsize>(y.numel() * 4));
        std::cout << y.size(0) << " " << y.size(1) << " " << y.size(2) << "\n";
        return out ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
