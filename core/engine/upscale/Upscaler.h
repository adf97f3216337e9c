// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Upscaler.h
/// AI upscaling (issue #6) with an imported TF.js/Keras super-resolution network (ESRGAN from
/// `@upscalerjs/esrgan-*`): a model folder's config.json (kind "upscaler", architecture type
/// "tfjs-layers" with scale and value ranges) and an UpscaleJob that runs any picture through it
/// tile by tile with overlap and cross-fading, so memory stays bounded whatever the size. An
/// alpha channel is resampled (bicubic) rather than fed to the network.

#include "core/engine/image/Tiling.h"
#include "core/engine/jobs/Job.h"
#include "core/engine/nn/TorchCompat.h"
#include "core/engine/upscale/TfjsLayersModel.h"

#include <filesystem>
#include <memory>
#include <string>

namespace ganvas::engine {

struct UpscalerModel {
    std::string id, name;
    int64_t scale = 4;
    double inputMax = 255;   ///< the network reads RGB in [0, inputMax]
    double outputMax = 255;  ///< and writes RGB in [0, outputMax]
    std::shared_ptr<TfjsLayersModel> net;
};

/// Loads @p folder (config.json + model.json + shards). Throws std::runtime_error /
/// TfjsModelError / ModelConfigError with a clear message; checks that the network's scale
/// matches the config's.
UpscalerModel loadUpscaler(const std::filesystem::path& folder);

/// [1,3,h,w] RGB in [0,1] -> [1,3,h*s,w*s] in [0,1] (clamped), one pass, no tiling.
torch::Tensor upscaleDirect(const UpscalerModel& model, const torch::Tensor& rgb);

struct UpscaleOptions {
    int64_t tileSize = 192;   ///< input pixels per tile side
    int64_t overlap = 16;     ///< cross-faded input pixels between tiles
    int64_t context = 8;      ///< extra input pixels read around each tile and cropped off
    Precision precision = Precision::Float32;
    torch::Device device = torch::kCPU;
};

class UpscaleJob : public Job {
public:
    /// @p image [1,C,H,W] (C = 3 RGB or 4 RGBA) in [0,1], CPU float.
    UpscaleJob(UpscalerModel model, torch::Tensor image, UpscaleOptions options = {});
    std::string title() const override;
    torch::Device device() const override { return m_options.device; }
    /// Receives finished output rows instead of keeping the whole result (huge pictures): rows
    /// [1,C,n,W*s] in [0,1] starting at row y, in order, on the worker thread.
    void setRowWriter(RowWriter writer) { m_writer = std::move(writer); }
    void run(JobContext& ctx) override;
    /// [1,C,H*s,W*s] in [0,1], after run() (undefined when a row writer took the rows).
    torch::Tensor result() const { return m_result; }
    const UpscalerModel& model() const { return m_model; }

private:
    UpscalerModel m_model;
    torch::Tensor m_image;
    UpscaleOptions m_options;
    RowWriter m_writer;
    torch::Tensor m_result;
};

} // namespace ganvas::engine
