// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Projection.h
/// Canvas into latent: finds the z whose image best matches a target picture by optimising z
/// with Adam against a pixel distance plus a feature distance in the random-feature network
/// (Abdal et al. ICCV 2019 optimise in the same way), starting from the best of several random
/// latents. A Job with previews of the current match.

#include "core/engine/gan/GanNetworks.h"
#include "core/engine/jobs/Job.h"

namespace ganvas::engine {

struct ProjectionOptions {
    int64_t steps = 200;
    int64_t starts = 16;          ///< random latents tried; the best one is optimised
    double learningRate = 0.05;
    double featureWeight = 1.0;   ///< random-feature distance against pixel MSE
    double latentPrior = 1e-3;    ///< keeps |z|^2 near L (z stays where the generator was trained)
    int64_t previewEvery = 20;
    double maxSeconds = 0;        ///< > 0: stop early and keep the best so far
    uint64_t seed = 3;
};

class ProjectionJob : public Job {
public:
    /// @p target [1,3,h,w] (or [3,h,w]) in [0,1]: resized to the generator's resolution.
    ProjectionJob(LoadedGenerator generator, torch::Tensor target, ProjectionOptions options = {});
    std::string title() const override { return "Project into " + m_generator.name; }
    void run(JobContext& ctx) override;
    torch::Tensor latent() const { return m_latent; }   ///< [1,L] after run()
    torch::Tensor image() const { return m_image; }     ///< [1,3,R,R] in [0,1] after run()
    double pixelError() const { return m_pixelError; }  ///< RMS in [0,1] units after run()

private:
    LoadedGenerator m_generator;
    torch::Tensor m_target;
    ProjectionOptions m_options;
    torch::Tensor m_latent, m_image;
    double m_pixelError = 0;
};

} // namespace ganvas::engine
