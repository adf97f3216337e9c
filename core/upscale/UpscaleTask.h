// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file UpscaleTask.h
/// AI upscaling as the UI and the CLI see it, in Qt types only (DESIGN.md §1): find an installed
/// ESRGAN upscaler by variant and scale, and run a picture through it as a background job whose
/// result is written straight into an 8-bit QImage row by row (a 16384² result needs 1 GiB, not
/// the 4 GiB a float copy would).

#include "core/jobs/MemoryPreflight.h"
#include "core/models/ModelCatalogue.h"

#include <QImage>
#include <QString>
#include <QVector>

#include <memory>

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {

/// Installed upscalers (catalogue entries of kind "upscaler"), best first for each scale.
QVector<ModelEntry> installedUpscalers(const QStringList& roots = ModelCatalogue::defaultRoots());
/// The installed model for @p variant ("slim", "medium", "thick") at @p scale (2, 3, 4, 8): its
/// id is "esrgan-<variant>-x<scale>". Empty entry (error set) when it is not installed, with how
/// to install it.
ModelEntry findUpscaler(const QString& variant, int scale, const QStringList& roots = ModelCatalogue::defaultRoots());
/// What to tell a user when no upscaler is installed.
QString upscalerInstallHint();

/// The enlargement factor of an upscaler entry without loading its network: architecture.scale
/// of its config.json (ModelEntry::scale), else the "-xN" ending of its id, else 4.
int upscalerScale(const ModelEntry& upscaler);

/// Expected peak memory of upscaling an @p input sized picture @p scale × (above the process
/// before it): the 8-bit result (W·s × H·s × 3, or 4 with alpha), the float alpha plane
/// resampled to the result's size (alpha only), the float input, the band of tile rows being
/// cross-faded (float, result-wide) and one tile's network activations. Calibrated against
/// measured peaks (docs/PERFORMANCE.md, "Memory pre-flight"); errs high, within about 1.5×.
MemoryEstimate estimateUpscaleMemory(QSize input, int scale, bool alpha, int tileSize = 192);

class UpscaleTask {
public:
    /// Checks the picture and the result's size (the factor from the model's configuration) and
    /// takes the result's memory; cheap enough for a GUI thread. The job verifies the weights
    /// against their hash, loads the network and converts the picture on its worker. Throws
    /// std::runtime_error (an invalid entry, no memory) or std::invalid_argument (no picture, too
    /// large) with a user-facing message.
    UpscaleTask(const ModelEntry& model, const QImage& image, const QString& precision = QStringLiteral("fp32"),
                const QString& device = QStringLiteral("cpu"));
    ~UpscaleTask();
    std::shared_ptr<engine::Job> job() const;
    int scale() const;
    /// Format_RGBA8888 (alpha resampled) or Format_RGB888, scale x the input; valid after the
    /// job finished.
    QImage result() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace ganvas::core
