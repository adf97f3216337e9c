// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/document/TileGrid.h"

#include <QPainter>

#include <cstring>

namespace ganvas::core {

namespace {

bool isTransparent(const QImage& tile)
{
    for (int y = 0; y < tile.height(); ++y) {
        const auto* line = reinterpret_cast<const quint32*>(tile.constScanLine(y));
        for (int x = 0; x < tile.width(); ++x)
            if (qAlpha(line[x]) != 0)
                return false;
    }
    return true;
}

QImage transparentTile()
{
    QImage tile(TileGrid::kTileSize, TileGrid::kTileSize, QImage::Format_ARGB32_Premultiplied);
    tile.fill(Qt::transparent);
    return tile;
}

} // namespace

TileGrid::TileGrid(QSize size)
    : m_size(size.expandedTo(QSize(1, 1))),
      m_columns((m_size.width() + kTileSize - 1) / kTileSize),
      m_rows((m_size.height() + kTileSize - 1) / kTileSize),
      m_tiles(m_columns * m_rows)
{
}

QRect TileGrid::tileRect(int index) const
{
    const int tx = index % m_columns, ty = index / m_columns;
    return QRect(tx * kTileSize, ty * kTileSize, kTileSize, kTileSize);
}

QVector<int> TileGrid::tilesIn(const QRect& rect) const
{
    QVector<int> out;
    const QRect r = rect.intersected(this->rect());
    if (r.isEmpty())
        return out;
    for (int ty = r.top() / kTileSize; ty <= r.bottom() / kTileSize; ++ty)
        for (int tx = r.left() / kTileSize; tx <= r.right() / kTileSize; ++tx)
            out.push_back(tileIndex(tx, ty));
    return out;
}

QImage& TileGrid::tileForWrite(int index)
{
    QImage& tile = m_tiles[index];
    if (tile.isNull())
        tile = transparentTile();
    else
        (void)tile.bits(); // detach from any other holder (undo history, a copied grid)
    return tile;
}

void TileGrid::setTile(int index, const QImage& tile)
{
    Q_ASSERT(tile.isNull() || (tile.size() == QSize(kTileSize, kTileSize) &&
                               tile.format() == QImage::Format_ARGB32_Premultiplied));
    m_tiles[index] = tile;
}

int TileGrid::allocatedTiles() const
{
    int n = 0;
    for (const QImage& t : m_tiles)
        n += t.isNull() ? 0 : 1;
    return n;
}

QImage TileGrid::toImage() const
{
    return copyRegion(rect());
}

QImage TileGrid::copyRegion(const QRect& rect) const
{
    QImage out(rect.size(), QImage::Format_ARGB32_Premultiplied);
    out.fill(Qt::transparent);
    QPainter p(&out);
    p.setCompositionMode(QPainter::CompositionMode_Source);
    for (int index : tilesIn(rect)) {
        const QImage& t = m_tiles.at(index);
        if (!t.isNull())
            p.drawImage(tileRect(index).topLeft() - rect.topLeft(), t);
    }
    return out;
}

QImage TileGrid::thumbnail(int edge) const
{
    const QSize size = m_size.scaled(edge, edge, Qt::KeepAspectRatio).expandedTo(QSize(1, 1));
    QImage out(size, QImage::Format_ARGB32_Premultiplied);
    for (int y = 0; y < size.height(); ++y) {
        auto* line = reinterpret_cast<quint32*>(out.scanLine(y));
        const int sy = int((y + 0.5) * m_size.height() / size.height());
        for (int x = 0; x < size.width(); ++x) {
            const int sx = int((x + 0.5) * m_size.width() / size.width());
            const QImage& t = m_tiles.at(tileIndex(sx / kTileSize, sy / kTileSize));
            line[x] = t.isNull() ? 0u
                                 : reinterpret_cast<const quint32*>(t.constScanLine(sy % kTileSize))[sx % kTileSize];
        }
    }
    return out;
}

void TileGrid::fromImage(const QImage& image)
{
    const QImage src = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    for (int index = 0; index < tileCount(); ++index) {
        const QRect r = tileRect(index);
        QImage tile = transparentTile();
        const QRect inside = r.intersected(src.rect());
        for (int y = inside.top(); y <= inside.bottom(); ++y)
            std::memcpy(tile.scanLine(y - r.top()) + (inside.left() - r.left()) * 4,
                        src.constScanLine(y) + inside.left() * 4, size_t(inside.width()) * 4);
        m_tiles[index] = isTransparent(tile) ? QImage() : tile;
    }
}

void TileGrid::fill(const QColor& colour)
{
    if (colour.alpha() == 0) {
        for (QImage& t : m_tiles)
            t = QImage();
        return;
    }
    QImage tile = transparentTile();
    tile.fill(colour);
    for (QImage& t : m_tiles)
        t = tile; // shared until written
}

void TileGrid::compact()
{
    for (QImage& t : m_tiles)
        if (!t.isNull() && isTransparent(t))
            t = QImage();
}

bool TileGrid::operator==(const TileGrid& other) const
{
    if (m_size != other.m_size)
        return false;
    // Compare what lies on the canvas; edge tiles may differ in their off-canvas padding.
    for (int i = 0; i < tileCount(); ++i) {
        const QImage& a = m_tiles.at(i);
        const QImage& b = other.m_tiles.at(i);
        if (a.cacheKey() == b.cacheKey())
            continue;
        const QRect r = tileRect(i).intersected(rect()).translated(-tileRect(i).topLeft());
        for (int y = r.top(); y <= r.bottom(); ++y) {
            const auto* la = a.isNull() ? nullptr : reinterpret_cast<const quint32*>(a.constScanLine(y));
            const auto* lb = b.isNull() ? nullptr : reinterpret_cast<const quint32*>(b.constScanLine(y));
            for (int x = r.left(); x <= r.right(); ++x)
                if ((la ? la[x] : 0u) != (lb ? lb[x] : 0u))
                    return false;
        }
    }
    return true;
}

} // namespace ganvas::core
