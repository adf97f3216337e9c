// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/AboutDialog.h"

#include "core/app/RuntimeReport.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace ganvas::ui {

AboutDialog::AboutDialog(const QJsonObject& report, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About Ganvas"));
    m_details = core::runtimeReportText(report);

    auto* icon = new QLabel(this);
    icon->setPixmap(QIcon(QStringLiteral(":/ganvas/icons/ganvas.svg")).pixmap(96, 96));
    auto* heading = new QLabel(tr("<h2>Ganvas %1</h2><p>An offline AI painting studio: paint, apply neural styles, "
                                  "explore a GAN's latent space, train your own.</p>")
                                   .arg(report.value(QStringLiteral("version")).toString()),
                               this);
    heading->setWordWrap(true);
    auto* top = new QHBoxLayout;
    top->addWidget(icon);
    top->addWidget(heading, 1);

    auto* details = new QPlainTextEdit(m_details, this);
    details->setObjectName(QStringLiteral("aboutDetails"));
    details->setReadOnly(true);
    details->setMinimumSize(560, 220);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(details);
    layout->addWidget(buttons);
}

} // namespace ganvas::ui
