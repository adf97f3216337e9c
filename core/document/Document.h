// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Document.h
/// The painting being edited: a stack of tiled layers (index 0 at the bottom), the current layer,
/// and one undo stack that every change goes through (DESIGN.md §4). GUI thread only: jobs
/// never touch a Document; their results are applied here as one undo command when they finish.
///
/// Structural operations (add, delete, duplicate, move, merge, flatten, properties) are undone by
/// swapping layer stacks, which costs tile handles, not pixels. Painting is undone per tile: a
/// stroke keeps the handles of the tiles it changed (before and after).

#include "core/document/Layer.h"
#include "core/document/Selection.h"

#include <QHash>
#include <QImage>
#include <QList>
#include <QPair>
#include <QPolygonF>
#include <QJsonObject>
#include <QObject>
#include <QSize>
#include <QUndoStack>
#include <QVector>

namespace ganvas::core {

class Journal;

class Document : public QObject {
    Q_OBJECT
public:
    static constexpr int kMaxEdge = 32768;
    /// Undo steps kept (QUndoStack drops the oldest beyond this). With undo storing only touched
    /// tiles, memory is bounded by this many strokes' tiles (docs/PERFORMANCE.md).
    static constexpr int kUndoLimit = 100;

    /// A blank document of @p size (clamped to 1..kMaxEdge) with one layer "Background" filled
    /// with @p background.
    explicit Document(QSize size, const QColor& background = Qt::white, QObject* parent = nullptr);
    /// A document whose single layer is @p image.
    Document(const QImage& image, const QString& layerName, QObject* parent = nullptr);
    /// A document with the given layers (e.g. read from a file). @p layers must not be empty and
    /// every layer must have size @p size.
    Document(QSize size, const QVector<Layer>& layers, QObject* parent = nullptr);
    ~Document() override;

    QSize size() const { return m_size; }
    QRect rect() const { return QRect(QPoint(0, 0), m_size); }
    int layerCount() const { return m_layers.size(); }
    const Layer& layer(int index) const { return m_layers.at(index); }
    const QVector<Layer>& layers() const { return m_layers; }
    int currentLayer() const { return m_current; }
    void setCurrentLayer(int index);
    QUndoStack* undoStack() { return &m_undo; }

    // ---- structural operations: each one undoable command ------------------------------------
    /// Adds a layer above the current one and makes it current. An empty @p image gives a
    /// transparent layer; otherwise it is placed at (0,0), cropped to the document.
    void addLayer(const QString& name, const QImage& image = {});
    /// Deletes a layer (not the last remaining one). Returns false when refused.
    bool removeLayer(int index);
    /// Adds an AI result (style, sample, upscale) as a new layer above the current one, in ONE
    /// undo step named @p text. @p mask (optional, grey, the document's size; white = shows)
    /// gives the new layer a mask, e.g. fully black for the style brush. @p provenance (model,
    /// parameters) goes into the journal with the pixels.
    void addResultLayer(const QString& name, const QImage& image, const QImage& mask, const QString& text,
                        const QJsonObject& provenance = {});
    void duplicateLayer(int index);
    /// Moves layer @p from to position @p to (0 = bottom).
    void moveLayer(int from, int to);
    /// Merges @p index into the layer below it (respecting blend mode, opacity and mask).
    bool mergeDown(int index);
    /// Replaces all layers with one: the visible composite.
    void flatten();
    void setLayerVisible(int index, bool visible);
    void setLayerOpacity(int index, qreal opacity);
    void setLayerBlendMode(int index, BlendMode mode);
    void setLayerLocked(int index, bool locked);
    void renameLayer(int index, const QString& name);
    void addLayerMask(int index);
    void removeLayerMask(int index);

    // ---- selection: each change one undoable command ------------------------------------------
    enum class SelectMode { Replace, Add, Subtract };
    const Selection& selection() const { return m_selection; }
    void selectRectangle(const QRect& rect, SelectMode mode = SelectMode::Replace);
    void selectEllipse(const QRect& rect, SelectMode mode = SelectMode::Replace);
    /// Freehand lasso through @p points (closed automatically).
    void selectPolygon(const QPolygonF& points, SelectMode mode = SelectMode::Replace);
    void selectAll();
    void deselect();
    void invertSelection();
    void featherSelection(double radius);

    // ---- pixels ---------------------------------------------------------------------------------
    /// All visible layers composited (blend modes, opacity, masks), Format_ARGB32_Premultiplied.
    QImage composite() const { return render(rect()); }
    /// The composite of @p area (document coordinates) only.
    QImage render(const QRect& area) const;
    /// The composite of @p area (inside the layers' size) of a layer stack, e.g. a snapshot of
    /// layers() taken on the UI thread (tile handles: cheap) and rendered on a worker.
    static QImage renderLayers(const QVector<Layer>& layers, const QRect& area);

    /// Live painting: the layer's pixel grid to write into directly. Callers then call
    /// notifyPixelsChanged() for what they touched and finally commitTiles() once.
    TileGrid& pixelsForPainting(int index) { return m_layers[index].pixels; }
    /// The layer's mask grid for painting into (the layer must have a mask).
    TileGrid& maskForPainting(int index) { return m_layers[index].mask; }
    void notifyPixelsChanged(const QRect& area) { Q_EMIT pixelsChanged(area); }
    /// Records a finished change of layer @p index as one undo command. @p before holds the
    /// tiles as they were (null = transparent) for every tile index that changed; the layer
    /// already holds the new tiles. Works for strokes and for AI results.
    /// @p mask: the tiles are the layer's mask, not its pixels.
    void commitTiles(int index, const QHash<int, QImage>& before, const QString& text, bool mask = false);
    /// Replaces tiles of layer @p index with @p after as one undo command (applied now).
    void replaceTiles(int index, const QHash<int, QImage>& after, const QString& text);

    /// Print resolution, dots per inch (metadata: stored in files, used for physical sizes).
    int dpi() const { return m_dpi; }
    void setDpi(int dpi) { m_dpi = qBound(1, dpi, 2400); }

    QString filePath() const { return m_filePath; }
    void setFilePath(const QString& path) { m_filePath = path; }
    bool isModified() const { return !m_undo.isClean(); }
    /// Bytes of pixel data that only the undo history keeps alive (tiles the layers no longer
    /// hold, each buffer counted once).
    qsizetype undoBytes() const;

    /// The journal every change is recorded in (not owned; may be null).
    Journal* journal() const { return m_journal; }
    void setJournal(Journal* journal);

    // ---- used by undo commands ------------------------------------------------------------------
    void restoreStack(const QVector<Layer>& layers, int current);
    void restoreTiles(int index, const QHash<int, QImage>& tiles, bool mask = false);
    void restoreSelection(const Selection& selection);

Q_SIGNALS:
    void selectionChanged();
    void layersChanged();
    void currentLayerChanged(int index);
    /// Pixels in @p area (document coordinates) may look different now.
    void pixelsChanged(const QRect& area);

private:
    /// Pushes a command that changes the stack from the current one to @p after.
    void pushStack(const QVector<Layer>& after, int current, const QString& text);
    void push(QUndoCommand* command);
    void record(const QJsonObject& object);
    /// A record with pictures (base64 PNG under the given keys, encoded off this thread).
    void record(const QJsonObject& object, const QList<QPair<QString, QImage>>& pictures);
    void changeSelection(const Selection& after, const QString& text, const QJsonObject& journal);
    Selection combine(const Selection& shape, SelectMode mode) const;
    bool validIndex(int index) const { return index >= 0 && index < m_layers.size(); }

    QSize m_size;
    QVector<Layer> m_layers;
    int m_current = 0;
    QUndoStack m_undo;
    QString m_filePath;
    int m_dpi = 72;
    Journal* m_journal = nullptr;
    Selection m_selection;
    int m_expectedIndex = 0; ///< undo index after our own pushes; other changes are undo/redo
};

} // namespace ganvas::core
