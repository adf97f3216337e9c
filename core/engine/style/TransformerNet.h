// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file TransformerNet.h
/// Feed-forward style transfer (Johnson, Alahi & Fei-Fei, ECCV 2016): an image transformation
/// network trained once per style, then one forward pass per image. Three convolutions down
/// (9x9, 3x3/2, 3x3/2), residual blocks, nearest-neighbour upsampling + convolution up (no
/// transposed-convolution checkerboards), instance norm. Sizes come from config.json
/// ("architecture"), so the presets can trade quality for speed by measurement.

#include "core/engine/image/Tiling.h"
#include "core/engine/jobs/JobContext.h"
#include "core/engine/nn/TorchCompat.h"
#include "core/engine/style/Cells.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace ganvas::engine {

struct TransformerOptions {
    std::vector<int64_t> channels{16, 32, 64}; ///< widths of the three down-sampling stages
    int64_t residualBlocks = 3;
    /// "sigmoid": output = sigmoid(network), as in the paper (the default: measured, it learns
    /// the style within a few hundred steps); "residual": output = input + network (starts as
    /// the identity; in our measurements it stayed too close to the content in short training).
    std::string output = "sigmoid";
    /// Styles one network holds (conditional instance normalisation, Dumoulin, Shlens & Kudlur,
    /// ICLR 2017): the convolutions are shared and every normalisation layer has a scale and shift
    /// per style. 1 for a preset; several only while training many presets in one run
    /// (styleState() then takes one style out as an ordinary 1-style network).
    int64_t styles = 1;
    /// The network also reads the style's marks (networkMarks(): its picture's fine detail cut in
    /// squares at random places, the layer the optimisation starts from, ADR 0013) as three more
    /// input channels, once beside the picture and again at full resolution before the last
    /// stage, so it bends marks that are there to the picture instead of growing them out of
    /// nothing. Such a network needs its style picture whenever it runs (StyliseOptions::marks).
    bool marksInput = false;
    /// The result's colours are matched, channel by channel, to the style picture's histograms
    /// after the network (a network trained on the luminance of its style leaves the palette to
    /// this step). Needs the picture like marksInput.
    bool paletteFromPicture = false;
    /// The network draws luminance only ("palette":"luminance"): in training its result takes the
    /// training picture's chroma (so no colour can drift into it, ADR 0013), and when it runs the
    /// picture's chroma is moved onto the style picture's palette (transferChroma). Needs the
    /// picture like marksInput; exclusive with paletteFromPicture.
    bool luminancePalette = false;
    /// The result's luminance takes the style picture's mean and spread after the network
    /// ("tone":"style", transferTone): the light paper of an ink wash or a watercolour. Needs the
    /// picture like marksInput.
    bool toneFromStyle = false;
    /// Cells after the network ("cells":{...}, ADR 0016): facets or lead-lined panes cut along the
    /// content picture's shapes, the large forms the network's small receptive field misses.
    CellOptions cells = {};
    /// True when running the network needs its style picture (StyliseOptions::marks).
    bool needsStylePicture() const { return marksInput || paletteFromPicture || luminancePalette || toneFromStyle; }

    /// Reads {"type":"johnson","channels":[a,b,c],"residual_blocks":n,"output":"residual"} and an
    /// optional "styles":n, "marks_input":true "palette":"picture"|"luminance", "tone":"style" and "cells":{...}.
    /// Throws std::invalid_argument naming the bad key (limits: channels 1..512, blocks 0..16, styles 1..256).
    static TransformerOptions fromJson(const nlohmann::json& architecture);
    nlohmann::json toJson() const;
};

/// Instance normalisation whose statistics can be recorded once and reused: tiles of a large
/// image are normalised with the whole image's statistics (measured on a downscaled copy), so
/// they agree and no seam shows. Parameters are named like torch::nn::InstanceNorm2d's.
/// With several styles it holds a scale and shift per style ("weight_<s>", "bias_<s>") and
/// normalises with the one selectStyle() picked.
struct StyleNormImpl : torch::nn::Module {
    enum class Mode { Own, Record, Fixed };
    explicit StyleNormImpl(int64_t channels, int64_t styles = 1);
    torch::Tensor forward(const torch::Tensor& x);
    /// Makes @p style's scale and shift the ones forward() uses (0 <= style < styles).
    void selectStyle(int64_t style);
    torch::Tensor weight, bias; ///< the scale and shift in use
    std::vector<torch::Tensor> styleWeights, styleBiases; ///< one per style when there are several
    Mode mode = Mode::Own;
    torch::Tensor mean, var; ///< recorded statistics [N,C,1,1]
};
TORCH_MODULE(StyleNorm);

struct TransformerNetImpl : torch::nn::Module {
    explicit TransformerNetImpl(const TransformerOptions& options = {});
    /// [N,3,H,W] RGB in [0,1] -> [N,3,H,W]; any H, W (padded internally to a multiple of 4).
    /// With options.marksInput the input is [N,6,H,W]: the picture, then its marks layer
    /// (networkMarks()). Not clamped (training needs the gradient); callers clamp for display.
    torch::Tensor forward(torch::Tensor x);
    /// Sets every normalisation layer's mode (Record: the next forward stores its statistics;
    /// Fixed: later forwards use them; Own: per-image statistics, the default).
    void setNormMode(StyleNormImpl::Mode mode);
    /// Which of options.styles the next forward passes draw (std::out_of_range when there is no such style).
    void selectStyle(int64_t style);

    TransformerOptions options;
    torch::nn::Sequential head{nullptr}, up1{nullptr}, up2{nullptr};
    std::vector<torch::nn::Sequential> res;
    torch::nn::Conv2d tail{nullptr};
};
TORCH_MODULE(TransformerNet);

/// Parameters and buffers by their stable names ("head.0.weight", ...), as saved in safetensors.
std::map<std::string, torch::Tensor> transformerState(TransformerNet& net);

/// One style of a several-style network as the state of an ordinary 1-style network (the shared
/// convolutions and that style's scales and shifts under the plain names "head.1.weight", ...).
std::map<std::string, torch::Tensor> styleState(TransformerNet& net, int64_t style);

/// Copies @p tensors into @p net. Every parameter must be present with the right shape (any
/// float dtype: fp16 storage is widened); extra or missing names throw std::runtime_error naming
/// the first one.
void loadTransformerState(TransformerNet& net, const std::map<std::string, torch::Tensor>& tensors);

/// The marks layer a marks-input network reads for an @p h x @p w picture: @p picture (the style
/// picture, [1,3,h,w], already at the network's mark size: its training crop size times its
/// style scale) minus its Gaussian blur of kNetworkMarksSigma px, in squares of a tenth of the
/// picture at random places drawn from @p seed, blended seam-free (styleMarksLayer()). Zero-mean.
torch::Tensor networkMarks(const torch::Tensor& picture, int64_t h, int64_t w, uint64_t seed = 20161);
inline constexpr double kNetworkMarksSigma = 4.0;

struct StyliseOptions {
    Precision precision = Precision::Float32;
    TilingOptions tiling{512, 32, 32, 1};
    /// For a marks-input or palette-from-picture network: its style picture at the network's
    /// mark size ([1,3,h,w]).
    torch::Tensor marks;
};

/// Runs @p net over @p image ([1,3,H,W] float in [0,1], CPU) tile by tile (seam-free, bounded
/// memory), on the net's device, with progress and cancellation through @p ctx. The picture's
/// borders are mirrored outwards by 32 px first so the network's zero padding leaves no bands
/// along its edges. A marks-input network reads the marks layer of options.marks made once for
/// the whole picture (std::invalid_argument without it); a paletteFromPicture network's result
/// takes its colours from it. Result clamped to [0,1], CPU float.
torch::Tensor styliseTiled(TransformerNet& net, const torch::Tensor& image, const StyliseOptions& options,
                           JobContext* ctx = nullptr);

} // namespace ganvas::engine
