// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file UpscaleDialog.h
/// Image ▸ AI Upscale…: which factor (2×, 3×, 4×, 8×) and which ESRGAN model (slim, medium,
/// thick) to enlarge the picture with, offering only the models that are installed, and the size
/// that results. Also the small helpers the Export dialog and the Latent Space dock use to pick an
/// installed upscaler (issue #6). GUI thread only.

#include "core/models/ModelCatalogue.h"

#include <QDialog>
#include <QList>
#include <QSize>
#include <QStringList>
#include <QVector>

class QComboBox;
class QLabel;
class QPushButton;

namespace ganvas::ui {

class UpscaleDialog : public QDialog {
    Q_OBJECT
public:
    /// @p canvas: the picture's size in px; @p upscalers: the catalogue's "upscaler" entries
    /// (broken ones are ignored).
    UpscaleDialog(QSize canvas, const QVector<core::ModelEntry>& upscalers, QWidget* parent = nullptr);

    /// 2, 3, 4 or 8 (0 when nothing usable is installed).
    int scale() const;
    void setScale(int scale);
    /// "slim", "medium" or "thick" (empty when nothing usable is installed).
    QString variant() const;
    /// The chosen model (empty id when there is none).
    core::ModelEntry upscaler() const;
    QComboBox* scaleBox() const { return m_scale; }
    QComboBox* modelBox() const { return m_model; }

    /// The factors the ESRGAN packages provide, smallest first.
    static QList<int> scales();
    /// The model sizes, fastest first.
    static QStringList variants();
    /// What a user sees for @p variant ("Slim (fastest)", …).
    static QString variantLabel(const QString& variant);
    /// The usable entry "esrgan-<variant>-x<scale>" of @p upscalers; an empty entry (no id) when
    /// it is missing or broken.
    static core::ModelEntry find(const QVector<core::ModelEntry>& upscalers, const QString& variant, int scale);
    /// The variants of @p upscalers usable at @p scale, fastest first.
    static QStringList installedVariants(const QVector<core::ModelEntry>& upscalers, int scale);
    /// Fills @p combo with the variants usable at @p scale (data: the variant), keeping the
    /// current one when it is still there.
    static void fillVariants(QComboBox* combo, const QVector<core::ModelEntry>& upscalers, int scale);

private:
    void update();

    QSize m_canvas;
    QVector<core::ModelEntry> m_upscalers;
    QComboBox* m_scale;
    QComboBox* m_model;
    QLabel* m_size;
    QPushButton* m_ok;
};

} // namespace ganvas::ui
