// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ClassicStyles.h
/// Non-neural looks from OpenCV's photo and xphoto modules, offered in the same style gallery as
/// the neural styles: stylization and edge-preserving smoothing (Gastal & Oliveira 2011 domain
/// transform), pencil sketch, detail enhancement and oil painting. A style folder selects one
/// with architecture {"type": "opencv", "filter": NAME, ...parameters}.

#include <QImage>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace ganvas::core {

/// The filter names config.json may use.
QStringList classicFilterNames();

/// Applies @p filter to @p image (any format; alpha kept as it was) with parameters from
/// @p params (missing keys take defaults; out-of-range values are clamped). Returns a null image
/// and sets @p error for an unknown filter. Runs on a worker thread (oil painting of a 4K image
/// takes seconds).
QImage applyClassicFilter(const QString& filter, const QImage& image, const nlohmann::json& params, QString* error);

} // namespace ganvas::core
