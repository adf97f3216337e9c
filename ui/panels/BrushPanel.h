// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file BrushPanel.h
/// The Brushes dock: the presets from resources/brushes/presets.json and, for the selected one,
/// a slider per parameter, built from core::kBrushParameters (the brush is data).

#include "core/brush/BrushSettings.h"

#include <QHash>
#include <QWidget>

class QDoubleSpinBox;
class QListWidget;
class QSlider;

namespace ganvas::ui {
class CurveEditor;
}

namespace ganvas::ui {

class BrushPanel : public QWidget {
    Q_OBJECT
public:
    explicit BrushPanel(QWidget* parent = nullptr);

    void setPresets(const QVector<core::BrushSettings>& presets);
    const QVector<core::BrushSettings>& presets() const { return m_presets; }
    const core::BrushSettings& current() const { return m_current; }
    /// Selects the preset with @p id (no-op when absent).
    void selectPreset(const QString& id);
    /// Shows @p size in the Size control without re-emitting (the [ ] keys change it on the canvas).
    void showSize(double size);
    QDoubleSpinBox* spinBox(const QString& key) const { return m_spins.value(key); }
    CurveEditor* pressureSizeEditor() const { return m_pressureSize; }
    CurveEditor* pressureOpacityEditor() const { return m_pressureOpacity; }

Q_SIGNALS:
    void brushChanged(const ganvas::core::BrushSettings& brush);

private:
    void showSettings();

    QVector<core::BrushSettings> m_presets;
    core::BrushSettings m_current;
    QListWidget* m_list;
    QHash<QString, QDoubleSpinBox*> m_spins;
    CurveEditor* m_pressureSize;
    CurveEditor* m_pressureOpacity;
    bool m_updating = false;
};

} // namespace ganvas::ui
