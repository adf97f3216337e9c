// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file LayersPanel.h
/// The Layers dock: the document's layers, top first, with a visibility check box each
/// (toggling is an undoable command on the document).

#include "core/document/Document.h"

#include <QPointer>
#include <QWidget>

class QListWidget;
class QListWidgetItem;


namespace ganvas::ui {

class LayersPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayersPanel(QWidget* parent = nullptr);
    void setDocument(core::Document* document);
    QListWidget* list() const { return m_list; }

private:
    void rebuild();
    void itemChanged(QListWidgetItem* item);

    QPointer<core::Document> m_document;
    QListWidget* m_list;
    bool m_rebuilding = false;
};

} // namespace ganvas::ui
