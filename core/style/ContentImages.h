// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ContentImages.h
/// The pictures a style network is trained on: any folder, nested, mixed formats; broken or
/// tiny files are reported and skipped.

#include "core/engine/jobs/JobContext.h"

#include <QString>
#include <QStringList>

#include <torch/torch.h>

#include <vector>

namespace ganvas::core {

/// Content images for training: every decodable image under a folder, scaled so the shorter
/// side is at most @p maxSide, kept in memory. batch() draws random crops (scale, position,
/// mirror) deterministically from the step number.
class ContentImages {
public:
    /// Reads @p folder recursively. Broken or unreadable files are listed in skipped().
    /// Throws std::runtime_error when no usable image is found. With @p ctx (a job's worker
    /// thread) it reports each picture read and throws JobCancelled when cancelled between two.
    ContentImages(const QString& folder, int maxSide = 512, engine::JobContext* ctx = nullptr);
    /// Throws std::runtime_error with a user-facing message when @p folder is not a folder.
    static void requireFolder(const QString& folder);
    int count() const { return static_cast<int>(m_images.size()); }
    const QStringList& skipped() const { return m_skipped; }
    torch::Tensor batch(int64_t step, int64_t batch, int64_t size) const;
    /// The first image, centre-cropped to @p size (the trainer's preview).
    torch::Tensor previewImage(int64_t size) const;

private:
    std::vector<torch::Tensor> m_images; ///< [1,3,h,w] float
    QStringList m_skipped;
};

} // namespace ganvas::core
