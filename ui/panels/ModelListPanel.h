// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ModelListPanel.h
/// Lists the installed models of one kind from the catalogue (the Style Gallery lists styles, the
/// Latent Space dock lists generators), broken ones marked with their error. When none is
/// installed it says so and where models go. Issues #4 and #5 build the apply/explore controls
/// on top of the selection this panel provides.

#include "core/models/ModelCatalogue.h"

#include <QWidget>

class QLabel;
class QListWidget;

namespace ganvas::ui {

class ModelListPanel : public QWidget {
    Q_OBJECT
public:
    /// @p kind "style" or "generator"; @p emptyText what to say when none is installed.
    ModelListPanel(const QString& kind, const QString& emptyText, QWidget* parent = nullptr);

    void setModels(const QVector<core::ModelEntry>& models);
    int modelCount() const;
    /// Id of the selected model, empty when none.
    QString selectedId() const;

Q_SIGNALS:
    void selectionChanged(const QString& id);

private:
    QString m_kind;
    QListWidget* m_list;
    QLabel* m_empty;
};

} // namespace ganvas::ui
