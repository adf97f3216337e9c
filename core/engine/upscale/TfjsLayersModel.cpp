// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/upscale/TfjsLayersModel.h"

#include "core/engine/nn/FileIO.h"
#include "core/engine/models/ModelConfig.h"

#include <cstring>
#include <fstream>
#include <regex>
#include <set>

namespace ganvas::engine {

namespace {

[[noreturn]] void fail(const std::string& what)
{
    throw TfjsModelError("model.json: " + what);
}

const nlohmann::json& need(const nlohmann::json& j, const char* key, const std::string& where)
{
    if (!j.is_object() || !j.contains(key))
        fail(where + " has no \"" + key + "\"");
    return j.at(key);
}

int64_t intAt(const nlohmann::json& j, const std::string& where)
{
    if (!j.is_number_integer())
        fail(where + " must be an integer");
    return j.get<int64_t>();
}

std::vector<int64_t> pair(const nlohmann::json& config, const char* key, int64_t fallback, const std::string& where)
{
    if (!config.contains(key))
        return {fallback, fallback};
    const auto& v = config.at(key);
    if (v.is_number_integer())
        return {v.get<int64_t>(), v.get<int64_t>()};
    if (!v.is_array() || v.size() != 2)
        fail(where + "." + key + " must be two integers");
    const auto a = intAt(v[0], where + "." + key), b = intAt(v[1], where + "." + key);
    if (a < 1 || b < 1 || a > 64 || b > 64)
        fail(where + "." + key + " out of range");
    return {a, b};
}

std::string stringAt(const nlohmann::json& config, const char* key, const std::string& fallback, const std::string& where)
{
    if (!config.contains(key))
        return fallback;
    if (!config.at(key).is_string())
        fail(where + "." + key + " must be a string");
    return config.at(key).get<std::string>();
}

void checkActivation(const std::string& a, const std::string& where)
{
    static const std::set<std::string> known{"linear", "relu", "sigmoid", "tanh", "elu", "selu", "softplus", "swish"};
    if (!known.count(a))
        fail(where + ": unsupported activation \"" + a + "\"");
}

torch::Tensor activate(const torch::Tensor& x, const std::string& a)
{
    if (a == "linear")
        return x;
    if (a == "relu")
        return torch::relu(x);
    if (a == "sigmoid")
        return torch::sigmoid(x);
    if (a == "tanh")
        return torch::tanh(x);
    if (a == "elu")
        return torch::elu(x);
    if (a == "selu")
        return torch::selu(x);
    if (a == "softplus")
        return torch::softplus(x);
    return x * torch::sigmoid(x); // swish
}

} // namespace

torch::Tensor depthToSpaceTf(const torch::Tensor& x, int64_t r)
{
    const auto n = x.size(0), c = x.size(1) / (r * r), h = x.size(2), w = x.size(3);
    return x.view({n, r, r, c, h, w}).permute({0, 3, 4, 1, 5, 2}).reshape({n, c, h * r, w * r});
}

TfjsLayersModel TfjsLayersModel::parse(const std::string& text,
                                       const std::function<std::vector<uint8_t>(const std::string&)>& readShard,
                                       const TfjsLimits& limits)
{
    if (text.size() > limits.maxJsonBytes)
        fail("larger than " + std::to_string(limits.maxJsonBytes >> 20) + " MiB");
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        fail(std::string("not JSON (") + e.what() + ")");
    }
    if (!root.is_object())
        fail("not a JSON object");
    if (root.contains("format") && root["format"] != "layers-model")
        fail("format is " + root["format"].dump() + ", not \"layers-model\" (graph models are not supported)");
    const auto& topology = need(root, "modelTopology", "the file");
    const auto& modelConfig = topology.contains("model_config") ? topology.at("model_config") : topology;
    const auto modelClass = stringAt(modelConfig, "class_name", "", "model_config");
    if (modelClass != "Functional" && modelClass != "Model")
        fail("model class \"" + modelClass + "\" is not supported (a Keras functional model is)");
    const auto& config = need(modelConfig, "config", "model_config");
    const auto& layers = need(config, "layers", "model_config.config");
    if (!layers.is_array() || layers.empty() || layers.size() > limits.maxLayers)
        fail("layers must be a non-empty array of at most " + std::to_string(limits.maxLayers));

    // Weights: every manifest group's shards concatenated, consumed in the manifest's order.
    std::map<std::string, torch::Tensor> weights;
    const auto& manifest = need(root, "weightsManifest", "the file");
    if (!manifest.is_array())
        fail("weightsManifest must be an array");
    uint64_t totalBytes = 0;
    for (size_t g = 0; g < manifest.size(); ++g) {
        const std::string where = "weightsManifest[" + std::to_string(g) + "]";
        const auto& paths = need(manifest[g], "paths", where);
        const auto& entries = need(manifest[g], "weights", where);
        if (!paths.is_array() || !entries.is_array())
            fail(where + ": paths and weights must be arrays");
        std::vector<uint8_t> bytes;
        std::vector<std::pair<std::string, uint64_t>> shardSizes;
        for (const auto& p : paths) {
            if (!p.is_string())
                fail(where + ".paths must hold strings");
            auto data = readShard(p.get<std::string>());
            totalBytes += data.size();
            if (totalBytes > limits.maxWeightBytes)
                fail("weights larger than " + std::to_string(limits.maxWeightBytes >> 20) + " MiB");
            shardSizes.emplace_back(p.get<std::string>(), data.size());
            bytes.insert(bytes.end(), data.begin(), data.end());
        }
        uint64_t offset = 0;
        for (const auto& e : entries) {
            const auto name = stringAt(e, "name", "", where + ".weights");
            if (name.empty() || name.size() > 512)
                fail(where + ": a weight has no name");
            if (e.contains("quantization"))
                fail("weight \"" + name + "\" is quantized; only float32 weights are supported");
            const auto dtype = stringAt(e, "dtype", "float32", where + "." + name);
            if (dtype != "float32")
                fail("weight \"" + name + "\" has dtype " + dtype + "; only float32 is supported");
            const auto& shape = need(e, "shape", where + "." + name);
            if (!shape.is_array() || shape.size() > 6)
                fail("weight \"" + name + "\" has a bad shape");
            std::vector<int64_t> dims;
            uint64_t count = 1;
            for (const auto& d : shape) {
                const auto v = intAt(d, "shape of " + name);
                // A zero dimension holds nothing a layer could use (and an empty tensor has no
                // data pointer to copy into: UBSan found that through fuzz_tfjs_model).
                if (v <= 0 || v > limits.maxChannels * 64)
                    fail("weight \"" + name + "\" has a bad dimension");
                dims.push_back(v);
                count *= static_cast<uint64_t>(v);
                if (count > limits.maxWeightBytes)
                    fail("weight \"" + name + "\" is too large");
            }
            const uint64_t size = count * 4;
            if (offset + size > bytes.size()) {
                // Name the shard that ran out.
                uint64_t end = 0;
                std::string shard = shardSizes.empty() ? "(none)" : shardSizes.back().first;
                for (const auto& [s, n] : shardSizes) {
                    end += n;
                    if (offset + size <= end || &s == &shardSizes.back().first) {
                        shard = s;
                        break;
                    }
                }
                fail("shard \"" + shard + "\" is shorter than the manifest says (weight \"" + name + "\" needs bytes " +
                     std::to_string(offset) + ".." + std::to_string(offset + size) + " of " +
                     std::to_string(bytes.size()) + ")");
            }
            auto t = torch::empty(dims, torch::kFloat32);
            std::memcpy(t.data_ptr<float>(), bytes.data() + offset, size); // little-endian float32, as on x86/ARM
            offset += size;
            if (!weights.emplace(name, t).second)
                fail("weight \"" + name + "\" is listed twice");
        }
        if (offset != bytes.size())
            fail(where + ": the shards hold " + std::to_string(bytes.size()) + " bytes but the manifest describes " +
                 std::to_string(offset));
    }

    TfjsLayersModel model;
    std::map<std::string, int> index;
    // Keras lists layers in topological order; references to later layers are refused.
    for (size_t li = 0; li < layers.size(); ++li) {
        const auto& l = layers[li];
        const std::string where = "layer " + std::to_string(li);
        Node node;
        node.kind = stringAt(l, "class_name", "", where);
        const auto& lc = need(l, "config", where);
        node.name = l.contains("name") ? stringAt(l, "name", "", where) : stringAt(lc, "name", "", where);
        if (node.name.empty() || index.count(node.name))
            fail(where + " has an empty or repeated name");
        const std::string w = "layer \"" + node.name + "\" (" + node.kind + ")";
        const auto& inbound = l.contains("inbound_nodes") ? l.at("inbound_nodes") : nlohmann::json::array();
        if (!inbound.is_array() || inbound.size() > 1)
            fail(w + ": shared layers (called more than once) are not supported");
        if (!inbound.empty()) {
            if (!inbound[0].is_array())
                fail(w + ": bad inbound_nodes");
            for (const auto& ref : inbound[0]) {
                if (!ref.is_array() || ref.empty() || !ref[0].is_string())
                    fail(w + ": bad inbound_nodes entry");
                const auto src = ref[0].get<std::string>();
                const auto it = index.find(src);
                if (it == index.end())
                    fail(w + " takes input from unknown layer \"" + src + "\"");
                if (ref.size() > 2 && (intAt(ref[1], w) != 0 || intAt(ref[2], w) != 0))
                    fail(w + ": multi-output layers are not supported");
                node.inputs.push_back(it->second);
            }
        }
        auto inputChannels = [&](size_t k) { return model.m_nodes[static_cast<size_t>(node.inputs.at(k))].channels; };
        auto inputScale = [&](size_t k) { return model.m_nodes[static_cast<size_t>(node.inputs.at(k))].scaleNum; };
        auto requireInputs = [&](size_t lo, size_t hi) {
            if (node.inputs.size() < lo || node.inputs.size() > hi)
                fail(w + " has " + std::to_string(node.inputs.size()) + " inputs");
        };
        if (stringAt(lc, "data_format", "channels_last", w) != "channels_last")
            fail(w + ": only channels_last models are supported");

        if (node.kind == "InputLayer") {
            requireInputs(0, 0);
            const auto& shape = lc.contains("batch_input_shape") ? lc.at("batch_input_shape") : lc.value("batch_shape", nlohmann::json());
            if (!shape.is_array() || shape.size() != 4 || !shape[3].is_number_integer())
                fail(w + ": input must be [batch, height, width, channels] with known channels");
            node.channels = shape[3].get<int64_t>();
            if (node.channels < 1 || node.channels > 16)
                fail(w + ": input channels out of range");
            if (model.m_inputChannels)
                fail("models with several inputs are not supported");
            model.m_inputChannels = node.channels;
        } else if (node.kind == "Conv2D") {
            requireInputs(1, 1);
            node.kernel = pair(lc, "kernel_size", 1, w);
            node.stride = pair(lc, "strides", 1, w);
            node.dilation = pair(lc, "dilation_rate", 1, w);
            node.groups = lc.contains("groups") ? intAt(lc["groups"], w + ".groups") : 1;
            const auto padding = stringAt(lc, "padding", "valid", w);
            if (padding != "same" && padding != "valid")
                fail(w + ": padding \"" + padding + "\" is not supported");
            node.samePadding = padding == "same";
            node.activation = stringAt(lc, "activation", "linear", w);
            checkActivation(node.activation, w);
            const auto filters = intAt(need(lc, "filters", w), w + ".filters");
            const auto cin = inputChannels(0);
            if (filters < 1 || filters > limits.maxChannels || node.groups < 1 || cin % node.groups || filters % node.groups)
                fail(w + ": filters/groups do not fit " + std::to_string(cin) + " input channels");
            if (node.stride[0] != 1 || node.stride[1] != 1)
                fail(w + ": strided convolutions are not supported by the upscaler (the scale would change)");
            const auto kIt = weights.find(node.name + "/kernel");
            if (kIt == weights.end())
                fail(w + ": no weight \"" + node.name + "/kernel\" in the manifest");
            const std::vector<int64_t> expect{node.kernel[0], node.kernel[1], cin / node.groups, filters};
            if (kIt->second.sizes().vec() != expect) {
                std::ostringstream s;
                s << w << ": kernel shape " << kIt->second.sizes() << " does not match [" << expect[0] << ", " << expect[1]
                  << ", " << expect[2] << ", " << expect[3] << "] (kernel, input channels, filters)";
                fail(s.str());
            }
            node.weight = kIt->second.permute({3, 2, 0, 1}).contiguous(); // HWIO -> OIHW, once
            if (lc.value("use_bias", true)) {
                const auto bIt = weights.find(node.name + "/bias");
                if (bIt == weights.end() || bIt->second.sizes().vec() != std::vector<int64_t>{filters})
                    fail(w + ": bias missing or not [" + std::to_string(filters) + "]");
                node.bias = bIt->second;
            }
            node.channels = filters;
            node.scaleNum = inputScale(0);
            model.m_macsPerPixel += static_cast<double>(node.kernel[0] * node.kernel[1] * (cin / node.groups) * filters) *
                                    static_cast<double>(node.scaleNum * node.scaleNum);
        } else if (node.kind == "Activation" || node.kind == "ReLU" || node.kind == "LeakyReLU" || node.kind == "MultiplyBeta") {
            requireInputs(1, 1);
            if (node.kind == "Activation") {
                node.activation = stringAt(lc, "activation", "linear", w);
                checkActivation(node.activation, w);
            } else if (node.kind == "ReLU") {
                node.activation = "relu";
            } else if (node.kind == "LeakyReLU") {
                node.alpha = lc.contains("alpha") && lc["alpha"].is_number() ? lc["alpha"].get<double>() : 0.3;
            } else {
                node.alpha = 0.2; // upscalerjs esrgan.js: BETA = 0.2
            }
            node.channels = inputChannels(0);
            node.scaleNum = inputScale(0);
        } else if (node.kind == "Add" || node.kind == "Concatenate") {
            requireInputs(2, 64);
            node.scaleNum = inputScale(0);
            int64_t sum = 0;
            for (size_t k = 0; k < node.inputs.size(); ++k) {
                if (inputScale(k) != node.scaleNum)
                    fail(w + ": inputs of different sizes");
                if (node.kind == "Add" && inputChannels(k) != inputChannels(0))
                    fail(w + ": inputs with different channel counts");
                sum += inputChannels(k);
            }
            if (node.kind == "Concatenate") {
                const auto axis = lc.contains("axis") ? intAt(lc["axis"], w + ".axis") : -1;
                if (axis != -1 && axis != 3)
                    fail(w + ": only concatenation along channels (axis -1 or 3) is supported");
            }
            node.channels = node.kind == "Add" ? inputChannels(0) : sum;
        } else if (node.kind == "UpSampling2D") {
            requireInputs(1, 1);
            const auto size = pair(lc, "size", 2, w);
            node.factorY = size[0];
            node.factorX = size[1];
            if (node.factorY != node.factorX)
                fail(w + ": unequal upsampling factors are not supported");
            const auto interpolation = stringAt(lc, "interpolation", "nearest", w);
            if (interpolation != "nearest" && interpolation != "bilinear")
                fail(w + ": interpolation \"" + interpolation + "\" is not supported");
            node.bilinear = interpolation == "bilinear";
            node.channels = inputChannels(0);
            node.scaleNum = inputScale(0) * node.factorY;
        } else if (std::regex_match(node.kind, std::regex("PixelShuffle([2-8])x"))) {
            requireInputs(1, 1);
            node.factorY = node.factorX = node.kind[12] - '0';
            const auto r2 = node.factorY * node.factorY;
            if (inputChannels(0) % r2)
                fail(w + ": " + std::to_string(inputChannels(0)) + " channels cannot be shuffled by " + std::to_string(node.factorY));
            node.kind = "PixelShuffle";
            node.channels = inputChannels(0) / r2;
            node.scaleNum = inputScale(0) * node.factorY;
        } else {
            fail("unsupported layer \"" + node.name + "\" of class " + node.kind);
        }
        index[node.name] = static_cast<int>(model.m_nodes.size());
        model.m_nodes.push_back(std::move(node));
    }
    const auto& outputs = need(config, "output_layers", "model_config.config");
    if (!outputs.is_array() || outputs.size() != 1 || !outputs[0].is_array() || outputs[0].empty() || !outputs[0][0].is_string())
        fail("exactly one output layer is supported");
    const auto out = index.find(outputs[0][0].get<std::string>());
    if (out == index.end())
        fail("the output layer \"" + outputs[0][0].get<std::string>() + "\" does not exist");
    if (!model.m_inputChannels)
        fail("no InputLayer");
    model.m_output = out->second;
    model.m_outputChannels = model.m_nodes[static_cast<size_t>(model.m_output)].channels;
    model.m_scale = model.m_nodes[static_cast<size_t>(model.m_output)].scaleNum;
    return model;
}

TfjsLayersModel TfjsLayersModel::load(const std::filesystem::path& modelJsonPath, const TfjsLimits& limits)
{
    const auto folder = modelJsonPath.parent_path();
    std::string text;
    try {
        const auto bytes = readFileLimited(modelJsonPath, limits.maxJsonBytes);
        text.assign(bytes.begin(), bytes.end());
    } catch (const std::exception& e) {
        throw TfjsModelError(std::string("cannot read ") + modelJsonPath.string() + ": " + e.what());
    }
    return parse(text, [&](const std::string& name) {
        std::filesystem::path p;
        try {
            p = resolveInsideFolder(folder, name);
        } catch (const std::exception&) {
            fail("shard path \"" + name + "\" leaves the model folder");
        }
        if (!std::filesystem::exists(p))
            fail("missing shard \"" + name + "\" (expected at " + p.string() + ")");
        try {
            return readFileLimited(p, limits.maxWeightBytes);
        } catch (const std::exception& e) {
            fail("cannot read shard \"" + name + "\": " + e.what());
        }
    }, limits);
}

torch::Tensor TfjsLayersModel::forward(const torch::Tensor& input) const
{
    if (input.dim() != 4 || input.size(1) != m_inputChannels)
        throw std::invalid_argument("upscaler input must be [N," + std::to_string(m_inputChannels) + ",H,W]");
    std::vector<torch::Tensor> values(m_nodes.size());
    // Values are dropped once no later node reads them, so memory follows the live set only.
    std::vector<int> lastUse(m_nodes.size(), -1);
    for (size_t i = 0; i < m_nodes.size(); ++i)
        for (int in : m_nodes[i].inputs)
            lastUse[static_cast<size_t>(in)] = static_cast<int>(i);
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        const auto& n = m_nodes[i];
        torch::Tensor y;
        auto in = [&](size_t k) -> const torch::Tensor& { return values[static_cast<size_t>(n.inputs[k])]; };
        if (n.kind == "InputLayer") {
            y = input;
        } else if (n.kind == "Conv2D") {
            auto x = in(0);
            std::vector<int64_t> pad{0, 0};
            if (n.samePadding) {
                // TensorFlow "same" (stride 1): total k_eff - 1, the odd pixel at the bottom/right.
                const int64_t ty = (n.kernel[0] - 1) * n.dilation[0], tx = (n.kernel[1] - 1) * n.dilation[1];
                if (ty % 2 == 0 && tx % 2 == 0)
                    pad = {ty / 2, tx / 2};
                else
                    x = torch::constant_pad_nd(x, {tx / 2, tx - tx / 2, ty / 2, ty - ty / 2}, 0);
            }
            y = torch::conv2d(x, n.weight.to(x.scalar_type()), n.bias.defined() ? n.bias.to(x.scalar_type()) : torch::Tensor(),
                              n.stride, pad, n.dilation, n.groups);
            y = activate(y, n.activation);
        } else if (n.kind == "Activation" || n.kind == "ReLU") {
            y = activate(in(0), n.activation);
        } else if (n.kind == "LeakyReLU") {
            y = torch::leaky_relu(in(0), n.alpha);
        } else if (n.kind == "MultiplyBeta") {
            y = in(0) * n.alpha;
        } else if (n.kind == "Add") {
            y = in(0);
            for (size_t k = 1; k < n.inputs.size(); ++k)
                y = y + in(k);
        } else if (n.kind == "Concatenate") {
            std::vector<torch::Tensor> parts;
            for (size_t k = 0; k < n.inputs.size(); ++k)
                parts.push_back(in(k));
            y = torch::cat(parts, 1);
        } else if (n.kind == "UpSampling2D") {
            namespace F = torch::nn::functional;
            auto o = F::InterpolateFuncOptions().scale_factor(std::vector<double>{double(n.factorY), double(n.factorX)});
            if (n.bilinear)
                o = o.mode(torch::kBilinear).align_corners(false);
            else
                o = o.mode(torch::kNearest);
            y = F::interpolate(in(0), o);
        } else if (n.kind == "PixelShuffle") {
            y = depthToSpaceTf(in(0), n.factorY);
        }
        values[i] = y;
        for (int src : n.inputs)
            if (lastUse[static_cast<size_t>(src)] == static_cast<int>(i) && src != m_output)
                values[static_cast<size_t>(src)] = torch::Tensor();
    }
    return values[static_cast<size_t>(m_output)];
}

std::map<std::string, int> TfjsLayersModel::layerCounts() const
{
    std::map<std::string, int> counts;
    for (const auto& n : m_nodes)
        ++counts[n.kind];
    return counts;
}

void TfjsLayersModel::to(const torch::Device& device, torch::ScalarType dtype)
{
    for (auto& n : m_nodes) {
        if (n.weight.defined())
            n.weight = n.weight.to(device, dtype);
        if (n.bias.defined())
            n.bias = n.bias.to(device, dtype);
    }
}

} // namespace ganvas::engine
