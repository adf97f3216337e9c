// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/document/Document.h"

#include "core/io/ImageIO.h"
#include "core/journal/Journal.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QPainter>
#include <QSet>
#include <QUndoCommand>

namespace ganvas::core {

namespace {

/// Swaps whole layer stacks (tile handles): add, delete, move, merge, flatten, properties.
class StackCommand : public QUndoCommand {
public:
    StackCommand(Document* doc, QVector<Layer> before, int beforeCurrent, QVector<Layer> after, int afterCurrent,
                 const QString& text)
        : m_doc(doc), m_before(std::move(before)), m_after(std::move(after)), m_beforeCurrent(beforeCurrent),
          m_afterCurrent(afterCurrent)
    {
        setText(text);
    }
    void redo() override { m_doc->restoreStack(m_after, m_afterCurrent); }
    void undo() override { m_doc->restoreStack(m_before, m_beforeCurrent); }

private:
    Document* m_doc;
    QVector<Layer> m_before, m_after;
    int m_beforeCurrent, m_afterCurrent;
};

/// Swaps the tiles a stroke (or an AI result) changed. The first redo is skipped when the
/// change is already on the canvas (live painting).
class TilesCommand : public QUndoCommand {
public:
    TilesCommand(Document* doc, int layer, QHash<int, QImage> before, QHash<int, QImage> after, bool applied,
                 const QString& text, bool mask = false)
        : m_doc(doc), m_layer(layer), m_before(std::move(before)), m_after(std::move(after)), m_skipRedo(applied),
          m_mask(mask)
    {
        setText(text);
    }
    void redo() override
    {
        if (m_skipRedo)
            m_skipRedo = false;
        else
            m_doc->restoreTiles(m_layer, m_after, m_mask);
    }
    void undo() override { m_doc->restoreTiles(m_layer, m_before, m_mask); }
    void collect(QVector<const QImage*>* out) const
    {
        for (const auto* map : {&m_before, &m_after})
            for (const QImage& t : *map)
                out->push_back(&t);
    }

private:
    Document* m_doc;
    int m_layer;
    QHash<int, QImage> m_before, m_after;
    bool m_skipRedo;
    bool m_mask;
};

class SelectionCommand : public QUndoCommand {
public:
    SelectionCommand(Document* doc, Selection before, Selection after, const QString& text)
        : m_doc(doc), m_before(std::move(before)), m_after(std::move(after))
    {
        setText(text);
    }
    void redo() override { m_doc->restoreSelection(m_after); }
    void undo() override { m_doc->restoreSelection(m_before); }

private:
    Document* m_doc;
    Selection m_before, m_after;
};

const char* modeId(Document::SelectMode m)
{
    return m == Document::SelectMode::Add ? "add" : m == Document::SelectMode::Subtract ? "subtract" : "replace";
}

QString pngBase64(const QImage& image)
{
    return QString::fromLatin1(encodePng(image).toBase64());
}

QSize clampSize(QSize size)
{
    return {qBound(1, size.width(), Document::kMaxEdge), qBound(1, size.height(), Document::kMaxEdge)};
}

Layer makeLayer(const QString& name, QSize size)
{
    Layer layer;
    layer.name = name;
    layer.pixels = TileGrid(size);
    return layer;
}

/// The layer's pixels with its mask applied, for compositing @p area (document coordinates).
QImage maskedRegion(const Layer& layer, const QRect& area)
{
    QImage img = layer.pixels.copyRegion(area);
    if (layer.hasMask) {
        QPainter p(&img);
        p.setCompositionMode(QPainter::CompositionMode_DestinationIn);
        p.drawImage(0, 0, layer.mask.copyRegion(area));
    }
    return img;
}

} // namespace

Document::Document(QSize size, const QColor& background, QObject* parent) : QObject(parent), m_size(clampSize(size))
{
    m_undo.setUndoLimit(kUndoLimit);
    Layer layer = makeLayer(tr("Background"), m_size);
    layer.pixels.fill(background);
    m_layers.push_back(layer);
}

Document::Document(const QImage& image, const QString& layerName, QObject* parent)
    : QObject(parent), m_size(clampSize(image.size()))
{
    m_undo.setUndoLimit(kUndoLimit);
    Layer layer = makeLayer(layerName, m_size);
    layer.pixels.fromImage(image);
    m_layers.push_back(layer);
}

Document::Document(QSize size, const QVector<Layer>& layers, QObject* parent)
    : QObject(parent), m_size(clampSize(size)), m_layers(layers)
{
    Q_ASSERT(!m_layers.isEmpty());
    m_undo.setUndoLimit(kUndoLimit);
    m_current = m_layers.size() - 1;
}

Document::~Document()
{
    // Clearing the undo stack emits indexChanged: nothing of that belongs in a journal.
    disconnect(&m_undo, nullptr, this, nullptr);
    m_journal = nullptr;
}

void Document::setCurrentLayer(int index)
{
    if (!validIndex(index) || index == m_current)
        return;
    m_current = index;
    record({{"type", "current"}, {"layer", index}});
    Q_EMIT currentLayerChanged(index);
}

void Document::setJournal(Journal* journal)
{
    m_journal = journal;
    m_expectedIndex = m_undo.index();
    static const char* kConnection = "journalIndex";
    if (!property(kConnection).toBool()) {
        setProperty(kConnection, true);
        // Undo, redo and history clicks move the stack without a push: record where it went.
        connect(&m_undo, &QUndoStack::indexChanged, this, [this](int index) {
            if (index != m_expectedIndex) {
                m_expectedIndex = index;
                record({{"type", "undo-index"}, {"index", index}});
            }
        });
    }
}

void Document::record(const QJsonObject& object)
{
    if (m_journal)
        m_journal->record(object);
}

void Document::record(const QJsonObject& object, const QList<QPair<QString, QImage>>& pictures)
{
    if (m_journal)
        m_journal->record(object, pictures);
}

void Document::push(QUndoCommand* command)
{
    m_expectedIndex = m_undo.index() + 1; // a push lands here (and drops any redo tail)
    m_undo.push(command);
    m_expectedIndex = m_undo.index();
}

void Document::pushStack(const QVector<Layer>& after, int current, const QString& text)
{
    push(new StackCommand(this, m_layers, m_current, after, current, text));
}

void Document::restoreStack(const QVector<Layer>& layers, int current)
{
    m_layers = layers;
    m_current = qBound(0, current, m_layers.size() - 1);
    Q_EMIT layersChanged();
    Q_EMIT currentLayerChanged(m_current);
    Q_EMIT pixelsChanged(rect());
}

void Document::restoreTiles(int index, const QHash<int, QImage>& tiles, bool mask)
{
    if (!validIndex(index) || (mask && !m_layers[index].hasMask))
        return;
    TileGrid& grid = mask ? m_layers[index].mask : m_layers[index].pixels;
    QRect changed;
    for (auto it = tiles.cbegin(); it != tiles.cend(); ++it) {
        grid.setTile(it.key(), it.value());
        changed |= grid.tileRect(it.key());
    }
    Q_EMIT pixelsChanged(changed.intersected(rect()));
    Q_EMIT layersChanged(); // thumbnails
}

void Document::addLayer(const QString& name, const QImage& image)
{
    QVector<Layer> after = m_layers;
    Layer layer = makeLayer(name, m_size);
    if (!image.isNull())
        layer.pixels.fromImage(image);
    const int at = m_current + 1;
    after.insert(at, layer);
    QJsonObject rec{{"type", "layer"}, {"op", "add"}, {"name", name}};
    record(rec, {{QStringLiteral("png"), image}}); // encoded on the journal's writer thread
    pushStack(after, at, tr("Add layer"));
}

void Document::addResultLayer(const QString& name, const QImage& image, const QImage& mask, const QString& text,
                              const QJsonObject& provenance)
{
    QVector<Layer> after = m_layers;
    Layer layer = makeLayer(name, m_size);
    if (!image.isNull())
        layer.pixels.fromImage(image);
    QJsonObject rec{{"type", "layer"}, {"op", "add"}, {"name", name}, {"text", text}};
    // The pictures are encoded on the journal's writer thread, not here (the GUI thread).
    QList<QPair<QString, QImage>> pictures{{QStringLiteral("png"), image}};
    if (!mask.isNull()) {
        // Mask tiles keep coverage in alpha: grey g becomes white at alpha g.
        const QImage grey = mask.convertToFormat(QImage::Format_Grayscale8);
        QImage alpha(grey.size(), QImage::Format_ARGB32_Premultiplied);
        for (int y = 0; y < grey.height(); ++y) {
            const uchar* g = grey.constScanLine(y);
            auto* out = reinterpret_cast<QRgb*>(alpha.scanLine(y));
            for (int x = 0; x < grey.width(); ++x)
                out[x] = qRgba(g[x], g[x], g[x], g[x]);
        }
        layer.hasMask = true;
        layer.mask = TileGrid(m_size);
        layer.mask.fromImage(alpha);
        pictures.append({QStringLiteral("mask_png"), grey});
    }
    if (!provenance.isEmpty())
        rec["ai"] = provenance;
    const int at = m_current + 1;
    after.insert(at, layer);
    record(rec, pictures);
    pushStack(after, at, text);
}

bool Document::removeLayer(int index)
{
    if (!validIndex(index) || m_layers.size() <= 1)
        return false;
    QVector<Layer> after = m_layers;
    after.removeAt(index);
    record({{"type", "layer"}, {"op", "remove"}, {"layer", index}});
    pushStack(after, qMin(index, after.size() - 1), tr("Delete layer"));
    return true;
}

void Document::duplicateLayer(int index)
{
    if (!validIndex(index))
        return;
    QVector<Layer> after = m_layers;
    Layer copy = m_layers.at(index);
    copy.name = tr("%1 copy").arg(copy.name);
    after.insert(index + 1, copy);
    record({{"type", "layer"}, {"op", "duplicate"}, {"layer", index}});
    pushStack(after, index + 1, tr("Duplicate layer"));
}

void Document::moveLayer(int from, int to)
{
    if (!validIndex(from) || !validIndex(to) || from == to)
        return;
    QVector<Layer> after = m_layers;
    after.move(from, to);
    record({{"type", "layer"}, {"op", "move"}, {"layer", from}, {"to", to}});
    pushStack(after, to, tr("Move layer"));
}

bool Document::mergeDown(int index)
{
    if (!validIndex(index) || index == 0)
        return false;
    QVector<Layer> after = m_layers;
    const Layer& top = m_layers.at(index);
    Layer below = m_layers.at(index - 1);
    if (top.visible) {
        // Composite the upper layer onto the lower one, tile by tile, only where it has pixels.
        for (int t = 0; t < top.pixels.tileCount(); ++t) {
            if (top.pixels.tile(t).isNull())
                continue;
            const QRect r = top.pixels.tileRect(t);
            QImage& dst = below.pixels.tileForWrite(t);
            QPainter p(&dst);
            p.setCompositionMode(compositionMode(top.blend));
            p.setOpacity(top.opacity);
            p.drawImage(0, 0, maskedRegion(top, r));
        }
    }
    after[index - 1] = below;
    after.removeAt(index);
    record({{"type", "layer"}, {"op", "merge-down"}, {"layer", index}});
    pushStack(after, index - 1, tr("Merge down"));
    return true;
}

void Document::flatten()
{
    Layer layer = makeLayer(tr("Background"), m_size);
    layer.pixels.fromImage(render(rect()));
    record({{"type", "layer"}, {"op", "flatten"}});
    pushStack({layer}, 0, tr("Flatten image"));
}

void Document::setLayerVisible(int index, bool visible)
{
    if (!validIndex(index) || m_layers[index].visible == visible)
        return;
    QVector<Layer> after = m_layers;
    after[index].visible = visible;
    record({{"type", "layer"}, {"op", "visible"}, {"layer", index}, {"value", visible}});
    pushStack(after, m_current, visible ? tr("Show layer") : tr("Hide layer"));
}

void Document::setLayerOpacity(int index, qreal opacity)
{
    opacity = qBound(0.0, opacity, 1.0);
    if (!validIndex(index) || qFuzzyCompare(m_layers[index].opacity, opacity))
        return;
    QVector<Layer> after = m_layers;
    after[index].opacity = opacity;
    record({{"type", "layer"}, {"op", "opacity"}, {"layer", index}, {"value", opacity}});
    pushStack(after, m_current, tr("Layer opacity"));
}

void Document::setLayerBlendMode(int index, BlendMode mode)
{
    if (!validIndex(index) || m_layers[index].blend == mode)
        return;
    QVector<Layer> after = m_layers;
    after[index].blend = mode;
    record({{"type", "layer"}, {"op", "blend"}, {"layer", index}, {"value", blendModeId(mode)}});
    pushStack(after, m_current, tr("Blend mode: %1").arg(blendModeName(mode)));
}

void Document::setLayerLocked(int index, bool locked)
{
    if (!validIndex(index) || m_layers[index].locked == locked)
        return;
    QVector<Layer> after = m_layers;
    after[index].locked = locked;
    record({{"type", "layer"}, {"op", "lock"}, {"layer", index}, {"value", locked}});
    pushStack(after, m_current, locked ? tr("Lock layer") : tr("Unlock layer"));
}

void Document::renameLayer(int index, const QString& name)
{
    if (!validIndex(index) || m_layers[index].name == name || name.trimmed().isEmpty())
        return;
    QVector<Layer> after = m_layers;
    after[index].name = name.trimmed();
    record({{"type", "layer"}, {"op", "rename"}, {"layer", index}, {"value", name.trimmed()}});
    pushStack(after, m_current, tr("Rename layer"));
}

void Document::addLayerMask(int index)
{
    if (!validIndex(index) || m_layers[index].hasMask)
        return;
    QVector<Layer> after = m_layers;
    after[index].hasMask = true;
    after[index].mask = TileGrid(m_size);
    after[index].mask.fill(Qt::white);
    record({{"type", "layer"}, {"op", "mask-add"}, {"layer", index}});
    pushStack(after, m_current, tr("Add layer mask"));
}

void Document::removeLayerMask(int index)
{
    if (!validIndex(index) || !m_layers[index].hasMask)
        return;
    QVector<Layer> after = m_layers;
    after[index].hasMask = false;
    after[index].mask = TileGrid();
    record({{"type", "layer"}, {"op", "mask-remove"}, {"layer", index}});
    pushStack(after, m_current, tr("Remove layer mask"));
}

QImage Document::render(const QRect& area) const
{
    return renderLayers(m_layers, area.intersected(rect()));
}

QImage Document::renderLayers(const QVector<Layer>& layers, const QRect& r)
{
    QImage out(r.size(), QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    if (r.isEmpty())
        return out;
    QPainter p(&out);
    for (const Layer& layer : layers) {
        if (!layer.visible || layer.opacity <= 0)
            continue;
        p.setCompositionMode(compositionMode(layer.blend));
        p.setOpacity(layer.opacity);
        if (layer.hasMask) {
            p.drawImage(0, 0, maskedRegion(layer, r));
            continue;
        }
        for (int index : layer.pixels.tilesIn(r)) {
            const QImage& tile = layer.pixels.tile(index);
            if (!tile.isNull())
                p.drawImage(layer.pixels.tileRect(index).topLeft() - r.topLeft(), tile);
        }
    }
    return out;
}

void Document::commitTiles(int index, const QHash<int, QImage>& before, const QString& text, bool mask)
{
    if (!validIndex(index) || before.isEmpty())
        return;
    const TileGrid& grid = mask ? m_layers[index].mask : m_layers[index].pixels;
    QHash<int, QImage> after;
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        after.insert(it.key(), grid.tile(it.key()));
    push(new TilesCommand(this, index, before, after, true, text, mask));
    Q_EMIT layersChanged();
}

void Document::restoreSelection(const Selection& selection)
{
    m_selection = selection;
    Q_EMIT selectionChanged();
}

void Document::changeSelection(const Selection& after, const QString& text, const QJsonObject& journal)
{
    record(journal);
    push(new SelectionCommand(this, m_selection, after, text));
}

Selection Document::combine(const Selection& shape, SelectMode mode) const
{
    if (mode == SelectMode::Replace)
        return shape;
    return m_selection.combined(shape, mode == SelectMode::Add, m_size);
}

void Document::selectRectangle(const QRect& rect, SelectMode mode)
{
    const QRect r = rect.normalized();
    changeSelection(combine(Selection::rectangle(m_size, r), mode), tr("Select rectangle"),
                    {{"type", "select"}, {"op", "rect"}, {"mode", modeId(mode)},
                     {"rect", QJsonArray{r.x(), r.y(), r.width(), r.height()}}});
}

void Document::selectEllipse(const QRect& rect, SelectMode mode)
{
    const QRect r = rect.normalized();
    changeSelection(combine(Selection::ellipse(m_size, r), mode), tr("Select ellipse"),
                    {{"type", "select"}, {"op", "ellipse"}, {"mode", modeId(mode)},
                     {"rect", QJsonArray{r.x(), r.y(), r.width(), r.height()}}});
}

void Document::selectPolygon(const QPolygonF& points, SelectMode mode)
{
    if (points.size() < 3)
        return;
    QPainterPath path;
    path.addPolygon(points);
    path.closeSubpath();
    QJsonArray flat;
    for (const QPointF& p : points)
        flat << p.x() << p.y();
    changeSelection(combine(Selection::fromPath(m_size, path), mode), tr("Lasso selection"),
                    {{"type", "select"}, {"op", "polygon"}, {"mode", modeId(mode)}, {"points", flat}});
}

void Document::selectAll()
{
    changeSelection(Selection::rectangle(m_size, rect()), tr("Select all"), {{"type", "select"}, {"op", "all"}});
}

void Document::deselect()
{
    if (m_selection.isEmpty())
        return;
    changeSelection(Selection(), tr("Deselect"), {{"type", "select"}, {"op", "none"}});
}

void Document::invertSelection()
{
    changeSelection(m_selection.inverted(m_size), tr("Invert selection"), {{"type", "select"}, {"op", "invert"}});
}

void Document::featherSelection(double radius)
{
    if (m_selection.isEmpty() || radius <= 0)
        return;
    changeSelection(m_selection.feathered(radius), tr("Feather selection"),
                    {{"type", "select"}, {"op", "feather"}, {"radius", radius}});
}

qsizetype Document::undoBytes() const
{
    QSet<qint64> live;
    for (const Layer& layer : m_layers)
        for (const TileGrid* grid : {&layer.pixels, &layer.mask})
            for (int i = 0; i < grid->tileCount(); ++i)
                if (!grid->tile(i).isNull())
                    live.insert(grid->tile(i).cacheKey() >> 32); // the buffer, not the detach serial
    QSet<qint64> counted;
    qsizetype bytes = 0;
    for (int c = 0; c < m_undo.count(); ++c) {
        const auto* command = dynamic_cast<const TilesCommand*>(m_undo.command(c));
        if (!command)
            continue;
        QVector<const QImage*> tiles;
        command->collect(&tiles);
        for (const QImage* t : tiles) {
            if (t->isNull())
                continue;
            const qint64 key = t->cacheKey() >> 32;
            if (live.contains(key) || counted.contains(key))
                continue;
            counted.insert(key);
            bytes += t->sizeInBytes();
        }
    }
    return bytes;
}

void Document::replaceTiles(int index, const QHash<int, QImage>& after, const QString& text)
{
    if (!validIndex(index) || after.isEmpty())
        return;
    QHash<int, QImage> before;
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        before.insert(it.key(), m_layers[index].pixels.tile(it.key()));
    QJsonObject tiles;
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        tiles[QString::number(it.key())] = it.value().isNull() ? QString() : pngBase64(it.value());
    record({{"type", "tiles"}, {"layer", index}, {"text", text}, {"tiles", tiles}});
    push(new TilesCommand(this, index, before, after, false, text));
}

} // namespace ganvas::core
