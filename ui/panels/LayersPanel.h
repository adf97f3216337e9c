// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file LayersPanel.h
/// The Layers dock: the document's layers, top first, with visibility check boxes, the current
/// layer selected, names editable in place; opacity, blend mode and lock of the current layer;
/// buttons for add, duplicate, delete, raise, lower, merge down, flatten and mask. Every change
/// is one undoable document command.

#include "core/document/Document.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QListWidget;
class QListWidgetItem;
class QSlider;
class QToolButton;

namespace ganvas::ui {

class LayersPanel : public QWidget {
    Q_OBJECT
public:
    explicit LayersPanel(QWidget* parent = nullptr);
    void setDocument(core::Document* document);
    /// Checks "Edit mask" (painting then goes to the current layer's mask).
    void setEditingMask(bool editing);
    QListWidget* list() const { return m_list; }
    QSlider* opacitySlider() const { return m_opacity; }
    QComboBox* blendBox() const { return m_blend; }
    QToolButton* button(const QString& objectName) const;
    bool isEditingMask() const;

Q_SIGNALS:
    /// The "Edit mask" box changed: strokes should go into the current layer's mask.
    void editMaskToggled(bool editing);

private:
    void rebuild();
    void itemChanged(QListWidgetItem* item);
    void showCurrentProperties();
    int currentIndex() const;
    /// Runs @p op on the document after the current event (the document rebuilds this panel).
    template <typename F>
    void later(F op);

    QPointer<core::Document> m_document;
    QListWidget* m_list;
    QSlider* m_opacity;
    QComboBox* m_blend;
    QCheckBox* m_lock;
    QCheckBox* m_editMask;
    bool m_rebuilding = false;
};

} // namespace ganvas::ui
