// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/MemoryPreflightDialog.h"

#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>

#include <map>

namespace ganvas::ui {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("MemoryPreflightDialog", text);
}
} // namespace

QString MemoryPreflightDialog::needsText(const core::MemoryEstimate& estimate, int64_t available, const QString& device)
{
    return tr("This needs about %1 (%2); %3 is free on %4.")
        .arg(core::formatMemory(estimate.bytes), QString::fromStdString(estimate.what),
             core::formatMemory(available), device);
}

QString MemoryPreflightDialog::ask(QWidget* parent, const QString& title, const core::MemoryEstimate& estimate,
                                   int64_t available, const QString& device, const QVector<Option>& options)
{
    QMessageBox box(parent);
    box.setIcon(QMessageBox::Warning);
    box.setWindowTitle(title);
    box.setText(needsText(estimate, available, device));
    if (options.isEmpty()) {
        box.setObjectName(QStringLiteral("memoryRefused"));
        box.setInformativeText(tr("It cannot run here: close other programs or choose a smaller picture or setting. "
                                  "Nothing was started or changed."));
        box.setStandardButtons(QMessageBox::Ok);
        box.exec();
        return {};
    }
    box.setObjectName(QStringLiteral("memoryPreflight"));
    QStringList details;
    std::map<QAbstractButton*, QString> ids;
    QPushButton* first = nullptr;
    for (const Option& o : options) {
        QPushButton* button = box.addButton(o.label, QMessageBox::AcceptRole);
        if (!first)
            first = button;
        button->setObjectName(QStringLiteral("preflight_") + o.id);
        ids[button] = o.id;
        if (!o.detail.isEmpty())
            details << o.detail;
    }
    box.setDefaultButton(first);
    box.addButton(QMessageBox::Cancel);
    details << tr("Cancel starts nothing and leaves the picture as it is.");
    box.setInformativeText(details.join(QLatin1Char('\n')));
    box.exec();
    const auto it = ids.find(box.clickedButton());
    return it == ids.end() ? QString() : it->second;
}

} // namespace ganvas::ui
