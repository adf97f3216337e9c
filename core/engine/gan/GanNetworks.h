// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GanNetworks.h
/// Two generator/discriminator families for 32 to 256 px, chosen by config.json's
/// `architecture.type`:
///
/// **"dcgan"** (Radford et al. ICLR 2016), the first bundled generator's shape.
/// Generator: latent z [N,L] -> 4x4 -> transposed convolutions (kernel 4, stride 2) with batch
/// norm and ReLU, doubling the side each level -> tanh RGB. Discriminator: the mirror image with
/// strided convolutions and leaky ReLU and no normalisation (it is regularised with R1 instead,
/// Mescheder et al. ICML 2018, which batch norm would interfere with).
///
/// Channel count at a level is base * 2^(levels above the last), capped at maxChannels: at 64 px
/// and base 32 the generator runs 256-128-64-32 channels at 4-8-16-32 px.
///
/// **"fastgan"**, a CPU-sized FastGAN (Liu et al. ICLR 2021, built for 100-1,000 images):
/// - generator: z -> 4x4 (transposed convolution, batch norm, GLU), then per level nearest
///   up-sampling and a 3x3 convolution with batch norm and GLU (two convolutions at odd levels),
///   and *skip-layer excitation*: the features at level l gate the channels of level l+3
///   (adaptive pooling to 4x4, 4x4 convolution, swish, 1x1 convolution, sigmoid), so the coarse
///   layout steers the fine layers directly; a 3x3 convolution to RGB and tanh. No noise inputs:
///   a latent gives one picture, as the studio's sliders need.
/// - discriminator: a strided 4x4 convolution, then down-sampling blocks with two paths (4x4
///   strided + 3x3 convolutions | average pooling + 1x1 convolution, averaged) to 4x4 and a 4x4
///   logit; a small *decoder* rebuilds the (augmented) real picture at 32 px from the 8x8
///   features, and its L1 error is part of the discriminator's loss (self-supervision, which keeps
///   D from memorising a small set). No normalisation in D: R1 regularises it, as for "dcgan".
/// Its channels at level l follow the same rule as "dcgan"; the output level has base/2.
///
/// Images are NCHW float RGB; the generator's raw output is in [-1, 1], sample() gives [0, 1].

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ganvas::engine {

enum class GanArchitecture { DCGAN, FastGAN };

struct GanOptions {
    int64_t resolution = 64;   ///< output side: 32, 64, 128 or 256
    int64_t latentDim = 128;   ///< length of z (8..1024)
    int64_t gChannels = 32;    ///< generator channels at the last level before the output
    int64_t dChannels = 32;    ///< discriminator channels at its first level
    int64_t maxChannels = 512;
    GanArchitecture type = GanArchitecture::DCGAN;

    /// Reads the `architecture` object of config.json ("type": "dcgan" (the default) or "fastgan"). Throws
    /// std::invalid_argument naming the key for a bad value (e.g. resolution 7).
    static GanOptions fromJson(const nlohmann::json& architecture);
    nlohmann::json toJson() const;
    /// Throws std::invalid_argument when out of range.
    void validate() const;
    /// Number of 2x upsampling levels after the 4x4 start: log2(resolution / 4).
    int levels() const;
    /// Generator channels at 4 * 2^level px (level 0 = 4x4).
    int64_t channelsAt(int level, int64_t base) const;
    /// "dcgan" or "fastgan".
    std::string typeName() const;
};

/// Parses "dcgan" / "fastgan"; throws std::invalid_argument naming both for anything else.
GanArchitecture ganArchitectureFromName(const std::string& name);

class GeneratorImpl : public torch::nn::Module {
public:
    explicit GeneratorImpl(const GanOptions& options);
    /// z [N,L] -> [N,3,R,R] in [-1,1]. For "dcgan", computes the transposed convolutions as sub-pixel
    /// convolutions (Shi et al. CVPR 2016): each stride-2, kernel-4 transposed convolution equals a
    /// 3x3 convolution to 4x the channels followed by a pixel shuffle, with the 3x3 kernels
    /// gathered from the same weights. Same parameters, same function (to float rounding); on
    /// this CPU build its forward+backward ran 4 to 7x faster than LibTorch's transposed
    /// convolution (docs/PERFORMANCE.md). In eval mode (sampling) it runs forwardReference().
    torch::Tensor forward(const torch::Tensor& z);
    /// The textbook evaluation through LibTorch's ConvTranspose2d modules (tests compare); for
    /// "fastgan" the same as forward().
    torch::Tensor forwardReference(const torch::Tensor& z);
    /// The first block's output (after batch norm and ReLU or GLU, [N,C,4,4]) flattened to [N,C*16]:
    /// the early layer whose principal directions GANSpace takes.
    torch::Tensor earlyFeatures(const torch::Tensor& z);
    const GanOptions& options() const { return m_options; }
    /// Multiply-accumulates of one forward pass for one image (the FLOP figures in the bench).
    double macsPerImage() const;

private:
    torch::Tensor forwardFast(const torch::Tensor& z);

    GanOptions m_options;
    // "dcgan"
    torch::nn::Sequential m_first{nullptr};
    torch::nn::Sequential m_rest{nullptr};
    std::vector<torch::nn::ConvTranspose2d> m_ups;  ///< the stride-2 layers of m_rest, in order
    std::vector<torch::nn::BatchNorm2d> m_norms;    ///< their batch norms (none after the last)
    // "fastgan"
    torch::nn::Sequential m_init{nullptr};   ///< transposed convolution and batch norm (then GLU)
    torch::nn::ModuleList m_blocks{nullptr}; ///< one up-sampling block per level 1..levels
    torch::nn::ModuleList m_excite{nullptr}; ///< excitation of level l+3 by level l
    torch::nn::Conv2d m_toRgb{nullptr};
};

/// The 3x3 kernels [4*Cout, Cin, 3, 3] of the sub-pixel form of a kernel-4, stride-2, padding-1
/// transposed convolution with weight [Cin, Cout, 4, 4] (differentiable in the weight).
torch::Tensor subpixelKernel(const torch::Tensor& transposedWeight);
/// conv_transpose2d(x, weight, bias, stride 2, padding 1) computed as conv2d + pixel_shuffle.
torch::Tensor subpixelTransposedConv(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);
TORCH_MODULE(Generator);

class DiscriminatorImpl : public torch::nn::Module {
public:
    explicit DiscriminatorImpl(const GanOptions& options);
    /// [N,3,R,R] in [-1,1] -> logits [N].
    torch::Tensor forward(const torch::Tensor& x);
    /// Logits [N] and, for "fastgan", the decoder's picture [N,3,32,32] rebuilt from the 8x8
    /// features (undefined for "dcgan").
    std::pair<torch::Tensor, torch::Tensor> forwardReconstructing(const torch::Tensor& x);
    /// Whether forwardReconstructing() gives a picture (the trainer adds its L1 error).
    bool reconstructs() const { return m_options.type == GanArchitecture::FastGAN; }
    double macsPerImage() const;

private:
    /// "fastgan": the logits and the 8x8 features the decoder reads.
    std::pair<torch::Tensor, torch::Tensor> fastTrunk(const torch::Tensor& x);

    GanOptions m_options;
    torch::nn::Sequential m_net{nullptr}; ///< "dcgan"
    // "fastgan"
    torch::nn::Sequential m_from{nullptr}; ///< R -> R/2
    torch::nn::ModuleList m_down{nullptr}; ///< R/2 -> ... -> 4, one two-path block per level
    torch::nn::Conv2d m_logit{nullptr};
    torch::nn::Sequential m_decoder{nullptr}; ///< 8x8 features -> 32 px picture
};

/// The target of the discriminator's decoder: @p x [N,3,R,R] averaged down to 32 px.
torch::Tensor reconstructionTarget(const torch::Tensor& x);
TORCH_MODULE(Discriminator);

/// DCGAN initialisation: conv weights N(0, 0.02), batch-norm gains N(1, 0.02), biases 0.
void initGanWeights(torch::nn::Module& module);

/// Parameters and buffers by name (what a generator's weights.safetensors holds).
std::map<std::string, torch::Tensor> moduleState(torch::nn::Module& module);
/// Loads @p state into @p module: every parameter and buffer must be present with the same
/// shape. Throws std::runtime_error naming the first tensor that is missing or mismatched.
void loadModuleState(torch::nn::Module& module, const std::map<std::string, torch::Tensor>& state,
                     const std::string& what);

/// A generator loaded from a model folder (config.json kind "generator", architecture "dcgan"):
/// the network in eval mode, its config, and its GANSpace directions when the folder has them.
struct LoadedGenerator {
    Generator net{nullptr};
    GanOptions options;
    std::string id, name;
    torch::Tensor directions;     ///< [K,L] unit latent directions, or undefined
    torch::Tensor directionScale; ///< [K] standard deviation along each (slider unit), or undefined
    nlohmann::json config;        ///< the whole config.json (evaluation figures, training, ...)
};
/// Throws std::runtime_error / ModelConfigError with a clear message (not a generator, weights
/// whose shapes do not match the config, a truncated file...).
LoadedGenerator loadGenerator(const std::filesystem::path& folder);

/// Deterministic latents: [count, L] standard normal from @p seed (one seed, one image: the
/// latent of seed s is the same whatever the count). CPU float.
torch::Tensor latentsForSeed(int64_t seed, int64_t count, int64_t latentDim);

/// Runs @p g on @p z (no grad, eval) and maps to [0,1]. Truncation psi in (0,1] scales z
/// towards the mean (0): the truncation trick.
torch::Tensor sampleImages(Generator& g, const torch::Tensor& z, double truncation = 1.0);

/// Tiles [N,3,H,W] into a grid of @p columns (rows as needed) with a @p gap px border: [3,h,w].
torch::Tensor imageGrid(const torch::Tensor& images, int64_t columns, int64_t gap = 2);

} // namespace ganvas::engine
