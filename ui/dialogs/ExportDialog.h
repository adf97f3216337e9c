// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ExportDialog.h
/// File > Export: the flattened image to PNG, JPEG, WebP or TIFF at a chosen size (scale or
/// pixels, aspect kept) and quality, with what made it in the PNG text chunks.

#include <QDialog>
#include <QSize>

class QLineEdit;
class QSpinBox;

namespace ganvas::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    ExportDialog(QSize canvas, const QString& suggestedPath, QWidget* parent = nullptr);

    QString path() const;
    QSize outputSize() const;
    int quality() const;
    void setPath(const QString& path);
    QSpinBox* widthBox() const { return m_width; }
    QSpinBox* scaleBox() const { return m_scale; }

private:
    QSize m_canvas;
    QLineEdit* m_path;
    QSpinBox* m_scale;
    QSpinBox* m_width;
    QSpinBox* m_height;
    QSpinBox* m_quality;
    bool m_updating = false;
};

} // namespace ganvas::ui
