// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/document/Document.h"

#include <QCoreApplication>
#include <QPainter>
#include <QUndoCommand>

namespace ganvas::core {

namespace {

class SetVisibleCommand : public QUndoCommand {
public:
    SetVisibleCommand(Document* doc, int index, bool visible)
        : m_doc(doc), m_index(index), m_visible(visible)
    {
        setText(visible ? QCoreApplication::translate("Document", "Show layer")
                        : QCoreApplication::translate("Document", "Hide layer"));
    }
    void redo() override { m_doc->applyVisible(m_index, m_visible); }
    void undo() override { m_doc->applyVisible(m_index, !m_visible); }

private:
    Document* m_doc;
    int m_index;
    bool m_visible;
};

class AddLayerCommand : public QUndoCommand {
public:
    AddLayerCommand(Document* doc, Layer layer) : m_doc(doc), m_layer(std::move(layer))
    {
        setText(QCoreApplication::translate("Document", "Add layer"));
    }
    void redo() override { m_doc->insertLayer(m_doc->layerCount(), m_layer); }
    void undo() override { m_doc->removeLayer(m_doc->layerCount() - 1); }

private:
    Document* m_doc;
    Layer m_layer;
};

QSize clampSize(QSize size)
{
    return {qBound(1, size.width(), Document::kMaxEdge), qBound(1, size.height(), Document::kMaxEdge)};
}

} // namespace

Document::Document(QSize size, const QColor& background, QObject* parent) : QObject(parent), m_size(clampSize(size))
{
    Layer layer;
    layer.name = tr("Background");
    layer.image = QImage(m_size, QImage::Format_ARGB32_Premultiplied);
    layer.image.fill(background);
    m_layers.push_back(layer);
}

Document::Document(const QImage& image, const QString& layerName, QObject* parent)
    : QObject(parent), m_size(image.size())
{
    Layer layer;
    layer.name = layerName;
    layer.image = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    m_layers.push_back(layer);
}

void Document::setLayerVisible(int index, bool visible)
{
    if (index < 0 || index >= m_layers.size() || m_layers[index].visible == visible)
        return;
    m_undo.push(new SetVisibleCommand(this, index, visible));
}

void Document::addLayer(const QString& name, const QImage& image)
{
    Layer layer;
    layer.name = name;
    layer.image = image.size() == m_size ? image.convertToFormat(QImage::Format_ARGB32_Premultiplied)
                                         : image.scaled(m_size).convertToFormat(QImage::Format_ARGB32_Premultiplied);
    m_undo.push(new AddLayerCommand(this, layer));
}

void Document::applyVisible(int index, bool visible)
{
    m_layers[index].visible = visible;
    Q_EMIT layersChanged();
    Q_EMIT pixelsChanged();
}

void Document::insertLayer(int index, const Layer& layer)
{
    m_layers.insert(index, layer);
    Q_EMIT layersChanged();
    Q_EMIT pixelsChanged();
}

void Document::removeLayer(int index)
{
    m_layers.removeAt(index);
    Q_EMIT layersChanged();
    Q_EMIT pixelsChanged();
}

QImage Document::flatten() const
{
    QImage out(m_size, QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    QPainter painter(&out);
    for (const Layer& layer : m_layers) {
        if (!layer.visible)
            continue;
        painter.setOpacity(layer.opacity);
        painter.drawImage(0, 0, layer.image);
    }
    return out;
}

} // namespace ganvas::core
