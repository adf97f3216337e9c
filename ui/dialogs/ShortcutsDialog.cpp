// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequenceEdit>
#include <QSettings>
#include <QTableWidget>
#include <QVBoxLayout>

namespace ganvas::ui {

ShortcutsDialog::ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent) : QDialog(parent), m_actions(actions)
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Configure Shortcuts"));
    m_table = new QTableWidget(m_actions.size(), 2, this);
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    for (int row = 0; row < m_actions.size(); ++row) {
        auto* name = new QTableWidgetItem(m_actions[row]->text().remove(QLatin1Char('&')));
        name->setFlags(Qt::ItemIsEnabled);
        m_table->setItem(row, 0, name);
        auto* edit = new QKeySequenceEdit(m_actions[row]->shortcut(), m_table);
        edit->setObjectName(m_actions[row]->objectName());
        m_table->setCellWidget(row, 1, edit);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &ShortcutsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    resize(520, 600);
}

void ShortcutsDialog::accept()
{
    QSettings settings;
    for (int row = 0; row < m_actions.size(); ++row) {
        auto* edit = static_cast<QKeySequenceEdit*>(m_table->cellWidget(row, 1));
        QAction* action = m_actions[row];
        if (edit->keySequence() == action->shortcut())
            continue;
        action->setShortcut(edit->keySequence());
        settings.setValue(QStringLiteral("shortcuts/") + action->objectName(), edit->keySequence().toString());
    }
    QDialog::accept();
}

void ShortcutsDialog::applySaved(const QList<QAction*>& actions)
{
    QSettings settings;
    for (QAction* action : actions) {
        const QString key = QStringLiteral("shortcuts/") + action->objectName();
        if (settings.contains(key))
            action->setShortcut(QKeySequence(settings.value(key).toString()));
    }
}

} // namespace ganvas::ui
