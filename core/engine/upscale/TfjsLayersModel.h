// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file TfjsLayersModel.h
/// Imports a TensorFlow.js "layers-model" (a Keras functional topology in `model.json` plus
/// `group*-shard*.bin` weight files) as an equivalent LibTorch network. The ESRGAN upscalers
/// from the npm packages `@upscalerjs/esrgan-*` are such models (issue #6).
///
/// Layout is converted once, here: Keras tensors are NHWC and Conv2D kernels HWIO; ours are NCHW
/// and OIHW. Supported layers: InputLayer, Conv2D (any kernel, stride, dilation, groups, "same" or
/// "valid" padding, fused activation), Activation, LeakyReLU, ReLU, Add, Concatenate,
/// UpSampling2D (nearest, bilinear), and the two custom layers of upscalerjs' ESRGAN models:
/// MultiplyBeta (x * 0.2) and PixelShuffle<r>x (TensorFlow's depth_to_space, whose channel order
/// differs from torch.pixel_shuffle). Anything else is an error naming the layer and its class.
///
/// Nothing in the files is trusted: sizes of the JSON and the shards are capped, every shape,
/// dtype, name and reference is checked, and the shards' total length must equal what the
/// manifest declares (a short shard is reported as such) before any tensor is built.

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganvas::engine {

class TfjsModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct TfjsLimits {
    uint64_t maxJsonBytes = 16ull << 20;
    uint64_t maxWeightBytes = 2ull << 30;
    size_t maxLayers = 10000;
    int64_t maxChannels = 65536;
};

class TfjsLayersModel {
public:
    /// Parses @p modelJson (the text of model.json); shards are read through @p readShard
    /// (name from the manifest's "paths" -> bytes). Throws TfjsModelError.
    static TfjsLayersModel parse(const std::string& modelJson,
                                 const std::function<std::vector<uint8_t>(const std::string&)>& readShard,
                                 const TfjsLimits& limits = {});
    /// Reads @p modelJsonPath and the shards beside it (paths must stay in that folder).
    static TfjsLayersModel load(const std::filesystem::path& modelJsonPath, const TfjsLimits& limits = {});

    /// [N,Cin,H,W] -> [N,Cout,H*s,W*s] (NCHW, the model's own value range). No gradients needed.
    torch::Tensor forward(const torch::Tensor& x) const;
    int64_t inputChannels() const { return m_inputChannels; }
    int64_t outputChannels() const { return m_outputChannels; }
    /// Spatial factor from input to output (product of upsampling factors).
    int64_t scale() const { return m_scale; }
    /// Layer class names and how often each occurs.
    std::map<std::string, int> layerCounts() const;
    /// Multiply-accumulates per input pixel (convolutions only): the bench's FLOP count.
    double macsPerInputPixel() const { return m_macsPerPixel; }
    /// Moves the weights (any thread, before use).
    void to(const torch::Device& device, torch::ScalarType dtype = torch::kFloat32);

    struct Node {
        std::string name, kind;
        std::vector<int> inputs;   ///< indices of earlier nodes
        torch::Tensor weight, bias; ///< Conv2D (OIHW), bias may be undefined
        std::vector<int64_t> stride{1, 1}, dilation{1, 1}, kernel{1, 1};
        int64_t groups = 1;
        bool samePadding = false;
        std::string activation = "linear";
        double alpha = 0.2;         ///< LeakyReLU slope / MultiplyBeta factor
        int64_t factorY = 1, factorX = 1; ///< UpSampling2D / PixelShuffle
        bool bilinear = false;
        int64_t channels = 0;       ///< output channels (shape inference)
        int64_t scaleNum = 1;       ///< output spatial scale relative to the input
    };

private:
    std::vector<Node> m_nodes;
    int m_output = -1;
    int64_t m_inputChannels = 0, m_outputChannels = 0, m_scale = 1;
    double m_macsPerPixel = 0;
};

/// TensorFlow's depth_to_space on NCHW: input channel (i*r + j)*C + c goes to output channel c at
/// offset (i, j) of each r x r block.
torch::Tensor depthToSpaceTf(const torch::Tensor& x, int64_t r);

} // namespace ganvas::engine
