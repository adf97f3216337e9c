// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file NewCanvasDialog.h
/// File > New: size presets (screen, square, paper at 300 DPI), custom width/height, DPI and
/// background colour.

#include <QColor>
#include <QDialog>
#include <QSize>
#include <QStringList>

class QComboBox;
class QSpinBox;

namespace ganvas::ui {

class NewCanvasDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewCanvasDialog(QWidget* parent = nullptr);

    QSize canvasSize() const;
    int dpi() const;
    QColor background() const;
    QComboBox* presetBox() const { return m_preset; }
    /// The presets' names, in order (the "newCanvas/preset" setting is an index into them).
    static QStringList presetNames();

private:
    void applyPreset(int index);

    QComboBox* m_preset;
    QSpinBox* m_width;
    QSpinBox* m_height;
    QSpinBox* m_dpi;
    QComboBox* m_background;
};

} // namespace ganvas::ui
