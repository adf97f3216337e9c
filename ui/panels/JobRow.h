// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file JobRow.h
/// One job in the Jobs dock: title, device, progress bar, latest preview, status and Cancel.

#include "core/jobs/JobRunner.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace ganvas::ui {

class JobRow : public QWidget {
    Q_OBJECT
public:
    JobRow(core::JobId id, const QString& title, const QString& device, QWidget* parent = nullptr);

    core::JobId id() const { return m_id; }
    core::JobState state() const { return m_state; }
    QString statusText() const;
    int progressValue() const;
    int progressMaximum() const;
    bool hasPreview() const;
    QToolButton* cancelButton() const { return m_cancel; }

    void setStarted();
    void setProgress(qint64 done, qint64 total, const QString& message);
    void setPreview(const QImage& image);
    void setEnded(core::JobState state, const QString& message = {});

Q_SIGNALS:
    void cancelRequested(ganvas::core::JobId id);

private:
    core::JobId m_id;
    core::JobState m_state = core::JobState::Queued;
    QLabel* m_title;
    QLabel* m_preview;
    QLabel* m_status;
    QProgressBar* m_progress;
    QToolButton* m_cancel;
};

} // namespace ganvas::ui
