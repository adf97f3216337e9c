// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/LayersPanel.h"

#include "core/document/Document.h"

#include <QListWidget>
#include <QVBoxLayout>

namespace ganvas::ui {

LayersPanel::LayersPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("layersPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("layerList"));
    m_list->setIconSize(QSize(40, 40));
    layout->addWidget(m_list);
    connect(m_list, &QListWidget::itemChanged, this, &LayersPanel::itemChanged);
}

void LayersPanel::setDocument(core::Document* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    if (m_document)
        connect(m_document, &core::Document::layersChanged, this, &LayersPanel::rebuild);
    rebuild();
}

void LayersPanel::rebuild()
{
    m_rebuilding = true;
    m_list->clear();
    if (m_document) {
        for (int i = m_document->layerCount() - 1; i >= 0; --i) {
            const auto& layer = m_document->layer(i);
            auto* item = new QListWidgetItem(layer.name, m_list);
            item->setData(Qt::UserRole, i);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
            item->setCheckState(layer.visible ? Qt::Checked : Qt::Unchecked);
            item->setIcon(QIcon(QPixmap::fromImage(layer.image().scaled(40, 40, Qt::KeepAspectRatio, Qt::SmoothTransformation))));
            item->setToolTip(tr("%1 — check to show, uncheck to hide").arg(layer.name));
        }
    }
    m_rebuilding = false;
}

void LayersPanel::itemChanged(QListWidgetItem* item)
{
    if (m_rebuilding || !m_document)
        return;
    const int index = item->data(Qt::UserRole).toInt();
    const bool visible = item->checkState() == Qt::Checked;
    // Deferred: the document rebuilds this list, which must not happen inside its own signal.
    QMetaObject::invokeMethod(this, [doc = m_document, index, visible] {
        if (doc)
            doc->setLayerVisible(index, visible);
    }, Qt::QueuedConnection);
}

} // namespace ganvas::ui
