// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/JobRow.h"

#include <QGridLayout>
#include <QLabel>
#include <QPixmap>
#include <QProgressBar>
#include <QToolButton>

namespace ganvas::ui {

namespace {
constexpr int kThumb = 48;
}

JobRow::JobRow(core::JobId id, const QString& title, const QString& device, QWidget* parent)
    : QWidget(parent), m_id(id)
{
    setObjectName(QStringLiteral("jobRow-%1").arg(id));
    m_preview = new QLabel(this);
    m_preview->setFixedSize(kThumb, kThumb);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_title = new QLabel(QStringLiteral("<b>%1</b> <small>(%2)</small>").arg(title.toHtmlEscaped(), device), this);
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    m_title->setMinimumWidth(80);
    m_preview->hide(); // shown with the first preview
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // busy until the first report
    m_progress->setTextVisible(true);
    m_progress->setMinimumWidth(60);
    m_status = new QLabel(tr("Queued"), this);
    m_status->setWordWrap(true);
    m_cancel = new QToolButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop this job; nothing it did is applied"));
    connect(m_cancel, &QToolButton::clicked, this, [this] {
        m_cancel->setEnabled(false);
        m_status->setText(tr("Cancelling…"));
        Q_EMIT cancelRequested(m_id);
    });

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(4, 4, 4, 4);
    grid->addWidget(m_preview, 0, 0, 3, 1);
    grid->addWidget(m_title, 0, 1);
    grid->addWidget(m_cancel, 0, 2);
    grid->addWidget(m_progress, 1, 1, 1, 2);
    grid->addWidget(m_status, 2, 1, 1, 2);
    grid->setColumnStretch(1, 1);
}

QString JobRow::statusText() const
{
    return m_status->text();
}

int JobRow::progressValue() const
{
    return m_progress->value();
}

int JobRow::progressMaximum() const
{
    return m_progress->maximum();
}

bool JobRow::hasPreview() const
{
    return !m_preview->pixmap().isNull();
}

void JobRow::setStarted()
{
    m_state = core::JobState::Running;
    m_status->setText(tr("Running"));
}

void JobRow::setProgress(qint64 done, qint64 total, const QString& message)
{
    if (total <= 0) {
        m_progress->setRange(0, 0);
    } else {
        // QProgressBar is int-based: report per mille of large totals.
        m_progress->setRange(0, 1000);
        m_progress->setValue(static_cast<int>(done * 1000 / total));
        m_progress->setFormat(QStringLiteral("%1 / %2").arg(done).arg(total));
    }
    if (!message.isEmpty())
        m_status->setText(message);
}

void JobRow::setPreview(const QImage& image)
{
    m_preview->show();
    m_preview->setPixmap(QPixmap::fromImage(image.scaled(kThumb, kThumb, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void JobRow::setEnded(core::JobState state, const QString& message)
{
    m_state = state;
    m_cancel->setEnabled(false);
    m_cancel->hide();
    switch (state) {
    case core::JobState::Finished:
        m_progress->setRange(0, 1000);
        m_progress->setValue(1000);
        m_status->setText(tr("Finished"));
        break;
    case core::JobState::Failed:
        m_status->setText(tr("Failed: %1").arg(message));
        m_status->setStyleSheet(QStringLiteral("color: palette(highlight);"));
        break;
    case core::JobState::Cancelled: m_status->setText(tr("Cancelled — nothing was changed")); break;
    default: break;
    }
}

} // namespace ganvas::ui
