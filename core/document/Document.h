// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Document.h
/// The painting being edited: a stack of layers (index 0 at the bottom) and one undo stack that
/// every change goes through. GUI thread only: jobs never touch a Document; their results are
/// applied here as one undo command when they finish (DESIGN.md §3–4).

#include "core/document/Layer.h"

#include <QObject>
#include <QSize>
#include <QUndoStack>
#include <QVector>

namespace ganvas::core {

class Document : public QObject {
    Q_OBJECT
public:
    /// A blank document of @p size filled with @p background, one layer named "Background".
    /// Sizes are clamped to 1..kMaxEdge per side.
    explicit Document(QSize size, const QColor& background = Qt::white, QObject* parent = nullptr);
    /// A document whose single layer is @p image (converted to premultiplied ARGB32).
    Document(const QImage& image, const QString& layerName, QObject* parent = nullptr);

    static constexpr int kMaxEdge = 32768;

    QSize size() const { return m_size; }
    int layerCount() const { return m_layers.size(); }
    const Layer& layer(int index) const { return m_layers.at(index); }
    QUndoStack* undoStack() { return &m_undo; }

    /// Changes visibility as one undoable command ("Hide layer"/"Show layer").
    void setLayerVisible(int index, bool visible);
    /// Adds a layer above the others as one undoable command. @p image must have the document's size.
    void addLayer(const QString& name, const QImage& image);

    /// All visible layers composited with their opacity (Format_ARGB32_Premultiplied).
    QImage flatten() const;

    QString filePath() const { return m_filePath; }
    void setFilePath(const QString& path) { m_filePath = path; }
    bool isModified() const { return !m_undo.isClean(); }

    // Used by undo commands only.
    void applyVisible(int index, bool visible);
    void insertLayer(int index, const Layer& layer);
    void removeLayer(int index);

Q_SIGNALS:
    void layersChanged();
    void pixelsChanged();

private:
    QSize m_size;
    QVector<Layer> m_layers;
    QUndoStack m_undo;
    QString m_filePath;
};

} // namespace ganvas::core
