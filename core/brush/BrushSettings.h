// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file BrushSettings.h
/// A brush is data (DESIGN.md §4): these settings are read from and written to JSON, the brush
/// presets file is a list of them, and the brush panel is built from kBrushParameters.

#include "core/brush/PressureCurve.h"

#include <QColor>
#include <QJsonObject>
#include <QString>
#include <QVector>

namespace ganvas::core {

enum class BrushMode { Paint, Erase, Smudge };

struct BrushSettings {
    QString id = QStringLiteral("round");
    QString name = QStringLiteral("Round");
    BrushMode mode = BrushMode::Paint;
    double size = 24;        ///< diameter in document pixels at full pressure, 1..1000
    double opacity = 1.0;    ///< 0..1: the most a stroke can cover (strokes build up to it)
    double flow = 1.0;       ///< 0..1: how much each dab adds
    double hardness = 0.8;   ///< 0..1: 1 = hard edge, 0 = soft all the way from the centre
    double spacing = 0.1;    ///< distance between dabs as a fraction of the diameter, 0.01..2
    double smoothing = 0.0;  ///< 0..0.99: stabiliser, how much the tip lags behind the pointer
    double smudgeStrength = 0.8; ///< Smudge: how much colour is carried along (0..1)
    PressureCurve pressureSize;    ///< pressure -> size factor
    PressureCurve pressureOpacity; ///< pressure -> flow factor
    /// Tilt (0 = upright … 1 = 60° or more from vertical, where the device reports it) -> size
    /// and flow factors. Constant 1 by default: tilt changes nothing until a preset maps it.
    PressureCurve tiltSize{{{0, 1}, {1, 1}}};
    PressureCurve tiltOpacity{{{0, 1}, {1, 1}}};
    double minimumSizeFactor = 0.05; ///< size never drops below this fraction at low pressure

    QJsonObject toJson() const;
    /// Reads @p json over the defaults. Unknown keys are ignored; wrong types or out-of-range
    /// values are an error (returns false, *error names the key).
    static bool fromJson(const QJsonObject& json, BrushSettings* out, QString* error);
};

/// One editable numeric parameter, for building the brush panel from data.
struct BrushParameter {
    const char* key;       ///< JSON key
    const char* label;     ///< untranslated; translate with QCoreApplication::translate("BrushSettings", …)
    double minimum, maximum, step;
    double BrushSettings::*field;
};

extern const QVector<BrushParameter> kBrushParameters;

/// Reads a presets file: {"format": 1, "brushes": [ {...}, … ]}. On error returns an empty list
/// and sets @p error.
QVector<BrushSettings> loadBrushPresets(const QString& path, QString* error);

} // namespace ganvas::core
