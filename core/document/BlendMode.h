// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file BlendMode.h

#include <QPainter>
#include <QString>

namespace ganvas::core {

/// How a layer combines with what is below it (the W3C compositing formulas, as OpenRaster names
/// them). Ids are a file format (.ora `composite-op`, the journal): stable.
enum class BlendMode { Normal, Multiply, Screen, Overlay, Darken, Lighten, Add };

constexpr BlendMode kAllBlendModes[] = {BlendMode::Normal,  BlendMode::Multiply, BlendMode::Screen, BlendMode::Overlay,
                                        BlendMode::Darken,  BlendMode::Lighten,  BlendMode::Add};

QPainter::CompositionMode compositionMode(BlendMode mode);
/// OpenRaster composite-op: "svg:src-over", "svg:multiply", … "svg:plus".
QString blendModeId(BlendMode mode);
/// Inverse of blendModeId; unknown ids give Normal and set *ok = false.
BlendMode blendModeFromId(const QString& id, bool* ok = nullptr);
/// Translated display name ("Multiply").
QString blendModeName(BlendMode mode);

} // namespace ganvas::core
