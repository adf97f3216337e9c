// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleJob.h
/// Applies a style from the gallery to pixels, as a Job on a worker thread. The style decides
/// the method: a trained network ("johnson": one tiled forward pass), an OpenCV look ("opencv"),
/// or optimisation against the style image ("gatys", also available for any style that ships
/// its image). Strength, colour preservation and a mask (the selection) are applied here, so the
/// caller receives the finished pixels and applies them as one undo step. Alpha is kept.

#include "core/engine/jobs/Job.h"
#include "core/engine/nn/TorchCompat.h"
#include "core/engine/style/Gatys.h"
#include "core/models/ModelCatalogue.h"

#include <QImage>
#include <QString>
#include <QVector>

#include <atomic>

namespace ganvas::core {

enum class StyleMethod { Auto, Network, Optimisation, Classic };

/// "auto", "network", "optimisation" (also "gatys"), "classic"; false for anything else.
bool parseStyleMethod(const QString& text, StyleMethod* method);

/// The method a style uses when asked for Auto (from its architecture type).
StyleMethod defaultMethod(const ModelEntry& style);

struct StyleRequest {
    ModelEntry style;
    /// More styles blended with the first (optimisation only): entry and weight.
    QVector<QPair<ModelEntry, double>> blendWith;
    double styleWeight = 1.0;      ///< weight of @ref style in a blend
    QImage content;                ///< any format; alpha is carried through unchanged
    QImage mask;                   ///< optional, same size, grey/alpha: 0 = untouched, 255 = full style
    double strength = 1.0;         ///< 0..1
    engine::ColourMode colour = engine::ColourMode::Style;
    StyleMethod method = StyleMethod::Auto;
    int maxSide = 0;               ///< > 0: work on (and return) a copy no larger than this (previews)
    engine::GatysOptions gatys;    ///< optimisation settings (acceptNow is set by the job)
    QString lossNetwork;           ///< optional user-imported TorchScript VGG for optimisation
    engine::Precision precision = engine::Precision::Float32;
    QString device = QStringLiteral("cpu");
};

class StyleJob : public engine::Job {
public:
    explicit StyleJob(StyleRequest request);
    std::string title() const override;
    torch::Device device() const override { return m_device; }
    void run(engine::JobContext& ctx) override;

    /// The styled pixels (Format_RGBA8888, the content's size, or smaller for maxSide); valid
    /// after the job finished.
    const QImage& result() const { return m_result; }
    /// Stops an optimisation early and keeps the current image (any thread).
    void acceptNow() { m_accept.store(true); }
    const StyleRequest& request() const { return m_request; }
    const engine::GatysReport& report() const { return m_report; }

private:
    StyleRequest m_request;
    torch::Device m_device;
    std::atomic<bool> m_accept{false};
    QImage m_result;
    engine::GatysReport m_report;
};

} // namespace ganvas::core
