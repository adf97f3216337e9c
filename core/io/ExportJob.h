// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ExportJob.h
/// File ▸ Export as a background job (issue #16 defect 6): compositing the layers, the optional
/// AI upscale, resampling to the chosen size and encoding all run on a worker, on a snapshot of
/// the document taken when the export starts (tile handles, no pixel copies), so strokes made
/// meanwhile belong to the next export and the window never waits.

#include "core/models/ModelCatalogue.h"

#include <QMap>
#include <QSize>
#include <QString>

#include <memory>

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {

class Document;

struct ExportOptions {
    QString path;
    /// The written picture's size; empty: the canvas's (after an upscale: the upscaled one).
    QSize size;
    /// 0–100 for lossy formats, -1 for the format's default.
    int quality = -1;
    /// PNG text chunks (provenance); an upscale adds what made it.
    QMap<QString, QString> text;
    /// An installed upscaler to enlarge the composite with first; none when its id is empty.
    ModelEntry upscaler;
    /// Enlarge a copy of the composite at this size instead (the memory pre-flight's "Downscale
    /// to fit"); empty: the composite as it is.
    QSize upscaleInput;
    QString precision = QStringLiteral("fp32");
    QString device = QStringLiteral("cpu");
};

/// What the job wrote, for the status bar.
struct ExportResult {
    QSize size;
    int upscaled = 0; ///< the upscaler's factor, 0 when none ran
};

/// A job (queue "io") that exports a snapshot of @p document, taken now, as @p options say.
/// A failure (an unwritable path, a damaged upscaler) fails the job with a message that says
/// what happened; after a cancel or a failure no file was written and an existing one is
/// untouched (saveImage writes atomically).
std::shared_ptr<engine::Job> makeExportJob(const Document& document, ExportOptions options,
                                           std::shared_ptr<ExportResult> result);

} // namespace ganvas::core
