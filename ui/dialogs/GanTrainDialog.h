// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GanTrainDialog.h
/// "Train a generator" (issue #5): a non-modal dialog that trains a GAN on a folder of the
/// artist's pictures as a background job (core::GanTrainTask on the JobRunner) and shows its live
/// loss curves, a grid of samples, images/s and ETA, and the data summary. The new generator is
/// written to the user's model folder (generators/<id>); Stop keeps a checkpoint that "Resume"
/// continues. Closing the dialog does not stop the training (it stays in the Jobs dock).

#include "core/jobs/JobRunner.h"

#include <QDialog>
#include <QPointer>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace ganvas::core {
class GanTrainTask;
struct GanTrainRequest;
} // namespace ganvas::core

namespace ganvas::ui {

class GanTrainDialog : public QDialog {
    Q_OBJECT
public:
    explicit GanTrainDialog(core::JobRunner* runner, QWidget* parent = nullptr);
    ~GanTrainDialog() override;

    /// A generator id from a display name: lowercase ASCII letters, digits and '-'
    /// ("My Cats!" -> "my-cats"); "my-generator" when nothing is left.
    static QString idForName(const QString& name);
    /// Where a generator called @p name is written: <user models>/generators/<id>.
    static QString outputFolderFor(const QString& name);

    void setDataFolder(const QString& folder);
    void setGeneratorName(const QString& name);
    void setResolution(int side);
    void setSteps(int steps);
    void setMinutes(double minutes);
    void setBatch(int batch);
    void setResume(bool resume);

    /// Starts training with the dialog's settings. False (with the reason in the status line)
    /// when the settings are unusable: nothing is started then.
    bool start();
    void togglePause();
    void stop();
    bool isRunning() const { return m_job != 0; }
    bool isPaused() const;
    QString statusText() const;
    QString errorText() const;
    QString dataSummaryText() const;
    /// Points plotted in the loss curves.
    int curvePointCount() const;
    /// The latest sample grid (null before the first).
    QImage sampleGrid() const { return m_grid; }

Q_SIGNALS:
    void started();
    /// Training finished and the generator was written to @p folder.
    void generatorTrained(const QString& folder);
    /// Training ended without a new generator (failed or stopped); @p message says why.
    void ended(const QString& message);

private:
    void browse();
    void updateOutput();
    void updateButtons();
    void refreshCurves();
    void showError(const QString& text);
    void onProgress(core::JobId id, qint64 done, qint64 total, const QString& message);
    void onPreview(core::JobId id, const QImage& image, int pass);
    void onFinished(core::JobId id);
    void onFailed(core::JobId id, const QString& message);
    void onCancelled(core::JobId id);

    class LossCurve;

    QPointer<core::JobRunner> m_runner;
    std::shared_ptr<core::GanTrainTask> m_task;
    core::JobId m_job = 0;
    QString m_outputFolder;
    QImage m_grid;

    QLineEdit* m_folder;
    QPushButton* m_browse;
    QLineEdit* m_name;
    QLabel* m_output;
    QComboBox* m_resolution;
    QComboBox* m_architecture;
    QSpinBox* m_minutes;
    QSpinBox* m_steps;
    QSpinBox* m_batch;
    QCheckBox* m_resume;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_stop;
    LossCurve* m_curve;
    QLabel* m_samples;
    QLabel* m_status;
    QLabel* m_error;
    QLabel* m_data;
};

} // namespace ganvas::ui
