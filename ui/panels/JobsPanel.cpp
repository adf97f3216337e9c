// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/JobsPanel.h"

#include "ui/panels/JobRow.h"

#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

namespace ganvas::ui {

JobsPanel::JobsPanel(core::JobRunner* runner, QWidget* parent) : QWidget(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("jobsPanel"));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(2, 2, 2, 2);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* content = new QWidget(scroll);
    m_list = new QVBoxLayout(content);
    m_list->setContentsMargins(0, 0, 0, 0);
    m_empty = new QLabel(tr("No jobs yet. Style transfer, sampling, training, upscaling and benchmarks run here "
                            "in the background, each with progress, a preview and Cancel."),
                         content);
    m_empty->setObjectName(QStringLiteral("jobsEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_list->addWidget(m_empty);
    m_list->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll);
    auto* clear = new QPushButton(tr("Clear finished"), this);
    clear->setObjectName(QStringLiteral("clearFinished"));
    connect(clear, &QPushButton::clicked, this, &JobsPanel::clearFinished);
    outer->addWidget(clear);

    using core::JobId;
    connect(runner, &core::JobRunner::queued, this, &JobsPanel::addRow);
    connect(runner, &core::JobRunner::started, this, [this](JobId id) {
        if (auto* r = row(id))
            r->setStarted();
    });
    connect(runner, &core::JobRunner::progress, this, [this](JobId id, qint64 done, qint64 total, const QString& message) {
        if (auto* r = row(id))
            r->setProgress(done, total, message);
    });
    connect(runner, &core::JobRunner::preview, this, [this](JobId id, const QImage& image, int) {
        if (auto* r = row(id))
            r->setPreview(image);
    });
    connect(runner, &core::JobRunner::finished, this, [this](JobId id) { ended(id, core::JobState::Finished); });
    connect(runner, &core::JobRunner::failed, this,
            [this](JobId id, const QString& message) { ended(id, core::JobState::Failed, message); });
    connect(runner, &core::JobRunner::cancelled, this, [this](JobId id) { ended(id, core::JobState::Cancelled); });
}

void JobsPanel::addRow(core::JobId id, const QString& title, const QString& device, bool transient)
{
    auto* r = new JobRow(id, title, device, this);
    connect(r, &JobRow::cancelRequested, m_runner, &core::JobRunner::cancel);
    m_rows.insert(id, r);
    m_list->insertWidget(0, r); // newest first
    if (transient) {
        // The studio's own previews come and go with every hover and stroke: listed only when
        // one runs for more than a second (then it can be seen and cancelled), gone when it ends.
        m_transient.insert(id);
        m_unshown.insert(id);
        r->hide();
        QTimer::singleShot(1000, r, [this, id, r] {
            if (m_unshown.remove(id)) {
                r->show();
                updateEmptyState();
            }
        });
    }
    updateEmptyState();
}

void JobsPanel::ended(core::JobId id, core::JobState state, const QString& message)
{
    auto* r = row(id);
    if (!r)
        return;
    if (m_transient.remove(id)) {
        m_unshown.remove(id);
        m_rows.remove(id);
        r->deleteLater();
        updateEmptyState();
        return;
    }
    r->setEnded(state, message);
}

void JobsPanel::clearFinished()
{
    for (auto it = m_rows.begin(); it != m_rows.end();) {
        const auto state = (*it)->state();
        if (state == core::JobState::Finished || state == core::JobState::Failed || state == core::JobState::Cancelled) {
            (*it)->deleteLater();
            it = m_rows.erase(it);
        } else {
            ++it;
        }
    }
    updateEmptyState();
}

void JobsPanel::updateEmptyState()
{
    m_empty->setVisible(m_rows.size() == m_unshown.size()); // (a new row is not visible until the layout shows it)
}

} // namespace ganvas::ui
