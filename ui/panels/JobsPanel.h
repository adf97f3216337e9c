// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file JobsPanel.h
/// The Jobs dock: every job the runner has seen, newest first, with live progress, preview and
/// Cancel; "Clear finished" removes the ones that ended.

#include "core/jobs/JobRunner.h"

#include <QHash>
#include <QSet>
#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace ganvas::ui {

class JobRow;

class JobsPanel : public QWidget {
    Q_OBJECT
public:
    explicit JobsPanel(core::JobRunner* runner, QWidget* parent = nullptr);

    JobRow* row(core::JobId id) const { return m_rows.value(id); }
    int rowCount() const { return m_rows.size(); }

public Q_SLOTS:
    void clearFinished();

private:
    void addRow(core::JobId id, const QString& title, const QString& device, bool transient);
    /// A transient job's row goes when it ends (it was shown only if it ran long).
    void ended(core::JobId id, core::JobState state, const QString& message = {});
    void updateEmptyState();

    core::JobRunner* m_runner;
    QHash<core::JobId, JobRow*> m_rows;
    QSet<core::JobId> m_transient; ///< transient jobs' rows
    QSet<core::JobId> m_unshown;   ///< of those, the ones not shown yet (ran less than a second)
    QVBoxLayout* m_list;
    QLabel* m_empty;
};

} // namespace ganvas::ui
