// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ShortcutsDialog.h
/// Settings > Configure Shortcuts: every named action with an editable key sequence. Changes are
/// applied and kept in QSettings ("shortcuts/<action object name>"); applyShortcuts() restores
/// them at start-up.

#include <QDialog>
#include <QList>

class QAction;
class QTableWidget;

namespace ganvas::ui {

class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);
    QTableWidget* table() const { return m_table; }

    /// Applies the shortcuts saved in QSettings to @p actions (by object name).
    static void applySaved(const QList<QAction*>& actions);

public Q_SLOTS:
    void accept() override;

private:
    QList<QAction*> m_actions;
    QTableWidget* m_table;
};

} // namespace ganvas::ui
