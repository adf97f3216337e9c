// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/ModelListPanel.h"

#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace ganvas::ui {

ModelListPanel::ModelListPanel(const QString& kind, const QString& emptyText, QWidget* parent)
    : QWidget(parent), m_kind(kind)
{
    setObjectName(kind + QStringLiteral("Panel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("modelList"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setIconSize(QSize(96, 96));
    m_list->setResizeMode(QListView::Adjust);
    m_list->setMovement(QListView::Static);
    m_list->setWordWrap(true);
    m_empty = new QLabel(emptyText, this);
    m_empty->setObjectName(QStringLiteral("emptyState"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_list);
    layout->addWidget(m_empty);
    connect(m_list, &QListWidget::currentItemChanged, this, [this] { Q_EMIT selectionChanged(selectedId()); });
    setModels({});
}

void ModelListPanel::setModels(const QVector<core::ModelEntry>& models)
{
    m_list->clear();
    for (const auto& m : models) {
        auto* item = new QListWidgetItem(m.name.isEmpty() ? m.id : m.name, m_list);
        item->setData(Qt::UserRole, m.id);
        const QString thumb = m.folder + QStringLiteral("/thumbnail.png");
        if (QFileInfo::exists(thumb))
            item->setIcon(QIcon(thumb));
        if (m.isValid()) {
            item->setToolTip(tr("%1\nLicence: %2\n%3").arg(m.name, m.license, QDir::toNativeSeparators(m.folder)));
        } else {
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
            item->setToolTip(tr("This model cannot be used: %1").arg(m.error));
        }
    }
    const bool empty = models.isEmpty();
    m_list->setVisible(!empty);
    m_empty->setVisible(empty);
}

int ModelListPanel::modelCount() const
{
    return m_list->count();
}

QString ModelListPanel::selectedId() const
{
    const auto* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

} // namespace ganvas::ui
