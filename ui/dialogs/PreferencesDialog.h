// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file PreferencesDialog.h
/// Settings ▸ Preferences…: the settings that were only flags or stored values, in one dialog
/// (issue #17): compute device, CPU threads, precision, the largest picture Ganvas opens, the
/// memory a job may plan for, and the canvas File ▸ New starts from. OK stores them and applies
/// what can change while the studio runs (device and precision for the next jobs, limits at
/// once); the thread count applies at the next start, and the dialog says so.

#include <QDialog>

class QComboBox;
class QLabel;
class QSpinBox;

namespace ganvas::ui {

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    /// Stores the values and applies them; false (nothing stored) when the compute settings are
    /// refused, with the reason in errorText().
    bool apply();
    QString errorText() const;
    /// True when the last apply() changed something that takes effect at the next start.
    bool needsRestart() const { return m_needsRestart; }

    QComboBox* deviceBox() const { return m_device; }
    QSpinBox* threadsBox() const { return m_threads; }
    QComboBox* precisionBox() const { return m_precision; }
    QSpinBox* megapixelsBox() const { return m_megapixels; }
    QSpinBox* memoryBox() const { return m_memory; }
    QComboBox* canvasBox() const { return m_canvas; }

    void accept() override;

private:
    QComboBox* m_device;
    QSpinBox* m_threads;
    QComboBox* m_precision;
    QSpinBox* m_megapixels;
    QSpinBox* m_memory;
    QComboBox* m_canvas;
    QLabel* m_threadsNote;
    QLabel* m_error;
    bool m_needsRestart = false;
};

} // namespace ganvas::ui
