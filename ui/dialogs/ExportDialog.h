// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ExportDialog.h
/// File > Export: the flattened image to PNG, JPEG, WebP or TIFF at a chosen size (scale or
/// pixels, aspect kept) and quality, with what made it in the PNG text chunks. A size multiplier
/// (1×, 2×, 3×, 4×, 8×) can enlarge it with an installed ESRGAN network instead of resampling
/// ("AI upscale", issue #6); without installed upscalers that option is off and says how to get
/// them.

#include "core/models/ModelCatalogue.h"

#include <QDialog>
#include <QSize>
#include <QVector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace ganvas::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    /// Offers the upscalers installed in the default model folders.
    ExportDialog(QSize canvas, const QString& suggestedPath, QWidget* parent = nullptr);
    /// Offers @p upscalers (the catalogue's "upscaler" entries; broken ones are ignored).
    ExportDialog(QSize canvas, const QString& suggestedPath, const QVector<core::ModelEntry>& upscalers,
                 QWidget* parent = nullptr);

    QString path() const;
    QSize outputSize() const;
    int quality() const;
    void setPath(const QString& path);
    /// 1, 2, 3, 4 or 8 when the size is that multiple of the canvas, else 0 (a custom size).
    int multiplier() const;
    void setMultiplier(int multiplier);
    /// Whether the multiplier is to be reached with an ESRGAN network.
    bool aiUpscale() const;
    /// The upscaler to use (empty id when AI upscaling is off).
    core::ModelEntry upscaler() const;
    QSpinBox* widthBox() const { return m_width; }
    QSpinBox* scaleBox() const { return m_scale; }
    QComboBox* multiplierBox() const { return m_multiplier; }
    QCheckBox* aiBox() const { return m_ai; }
    QComboBox* aiModelBox() const { return m_aiModel; }

private:
    void syncMultiplier();
    void updateAi();

    QSize m_canvas;
    QVector<core::ModelEntry> m_upscalers;
    QLineEdit* m_path;
    QComboBox* m_multiplier;
    QSpinBox* m_scale;
    QSpinBox* m_width;
    QSpinBox* m_height;
    QCheckBox* m_ai;
    QComboBox* m_aiModel;
    QLabel* m_aiHint;
    QSpinBox* m_quality;
    bool m_updating = false;
};

} // namespace ganvas::ui
