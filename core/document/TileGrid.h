// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file TileGrid.h
/// Pixels of one layer as a grid of 64x64 tiles (DESIGN.md §4). Each tile is a QImage in
/// Format_ARGB32_Premultiplied; QImage is implicitly shared, so copying a grid or a tile copies
/// handles, and a tile's pixels are duplicated only when one holder writes to it (copy-on-write).
/// A null tile is fully transparent and costs nothing. Undo keeps the handles of the tiles a
/// stroke changed, so its memory follows what the stroke touched, not the canvas size.
/// GUI thread (or one owner thread); not synchronised.

#include <QImage>
#include <QRect>
#include <QVector>

namespace ganvas::core {

class TileGrid {
public:
    static constexpr int kTileSize = 64;
    static constexpr qsizetype kTileBytes = qsizetype(kTileSize) * kTileSize * 4;

    TileGrid() = default;
    explicit TileGrid(QSize size);

    QSize size() const { return m_size; }
    QRect rect() const { return QRect(QPoint(0, 0), m_size); }
    int columns() const { return m_columns; }
    int rows() const { return m_rows; }
    int tileCount() const { return m_columns * m_rows; }
    int tileIndex(int tx, int ty) const { return ty * m_columns + tx; }
    QRect tileRect(int index) const;
    /// Indices of the tiles that intersect @p rect (clipped to the grid).
    QVector<int> tilesIn(const QRect& rect) const;

    /// The tile's pixels; a null image means fully transparent.
    const QImage& tile(int index) const { return m_tiles.at(index); }
    /// Writable tile: allocates a transparent tile if needed and detaches it from other holders.
    QImage& tileForWrite(int index);
    void setTile(int index, const QImage& tile);

    /// Number of allocated (non-null) tiles.
    int allocatedTiles() const;
    /// Bytes of pixel data held by allocated tiles (shared tiles counted in full).
    qsizetype memoryBytes() const { return qsizetype(allocatedTiles()) * kTileBytes; }

    /// The grid as one image (Format_ARGB32_Premultiplied) / the part inside @p rect.
    QImage toImage() const;
    QImage copyRegion(const QRect& rect) const;
    /// A small preview (nearest-pixel samples, at most @p edge on the long side): cheap for any size.
    QImage thumbnail(int edge) const;
    /// Replaces all pixels with @p image (converted; scaled is not done: sizes must match, the
    /// image is cropped or padded with transparency otherwise). Fully transparent tiles stay null.
    void fromImage(const QImage& image);
    /// Fills every pixel with @p colour (transparent frees every tile).
    void fill(const QColor& colour);
    /// Drops allocated tiles whose every pixel is transparent.
    void compact();

    bool operator==(const TileGrid& other) const;

private:
    QSize m_size;
    int m_columns = 0;
    int m_rows = 0;
    QVector<QImage> m_tiles;
};

} // namespace ganvas::core
