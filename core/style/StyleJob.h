// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleJob.h
/// (Engine-facing: the UI uses StyleTask from StyleRequest.h.)
/// Applies a style from the gallery to pixels, as a Job on a worker thread. The style decides
/// the method: a trained network ("johnson": one tiled forward pass), an OpenCV look ("opencv"),
/// or optimisation against the style image ("gatys", also available for any style that ships
/// its image). Strength, colour preservation and a mask (the selection) are applied here, so the
/// caller receives the finished pixels and applies them as one undo step. Alpha is kept.

#include "core/engine/jobs/Job.h"
#include "core/engine/nn/TorchCompat.h"
#include "core/engine/style/Cells.h"
#include "core/engine/style/Gatys.h"
#include "core/style/StyleRequest.h"

#include <QImage>
#include <QString>
#include <QVector>

#include <atomic>

namespace ganvas::core {

class StyleJob : public engine::Job {
public:
    explicit StyleJob(StyleRequest request);
    std::string title() const override;
    torch::Device device() const override { return m_device; }
    bool transient() const override { return m_request.transient; }
    /// Previews, Live and canvas thumbnails (transient) are Interactive: they run ahead of an
    /// Apply or a refinement, which gives way to them between its iterations.
    engine::JobPriority priority() const override
    {
        return m_request.transient ? engine::JobPriority::Interactive : engine::JobPriority::Normal;
    }
    void run(engine::JobContext& ctx) override;

    /// The styled pixels (Format_RGBA8888, the content's size, or smaller for maxSide); valid
    /// after the job finished.
    const QImage& result() const { return m_result; }
    /// Stops an optimisation (or a refinement) early and keeps the current image (any thread).
    void acceptNow() { m_accept.store(true); }
    const StyleRequest& request() const { return m_request; }
    StyleMethod method() const { return m_request.method; }
    const engine::GatysReport& report() const { return m_report; }

private:
    /// The optimisation against the request's style pictures; @p shown (may be undefined): what
    /// the user sees until its first preview, kept if accepted before (GatysInput::shown).
    torch::Tensor optimise(const torch::Tensor& rgb, const torch::Tensor& shown, double styleScale, engine::JobContext& ctx);
    /// StyleRequest::refine: previews the network's result, then runs the optimisation. A style with a cells step (ADR
    /// 0016) has it applied to every pass shown and to the result, so the refinement keeps its facets or lead lines.
    torch::Tensor refineNetworkResult(const torch::Tensor& styled, const torch::Tensor& rgb, const torch::Tensor& mask,
                                      const engine::CellOptions& cells, engine::JobContext& ctx);

    StyleRequest m_request;
    torch::Device m_device;
    std::atomic<bool> m_accept{false};
    QImage m_result;
    engine::GatysReport m_report;
};

} // namespace ganvas::core
