// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/brush/FloodFill.h"

#include "core/document/Document.h"
#include "core/journal/Journal.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <vector>

namespace ganvas::core {

namespace {
inline bool similar(QRgb a, QRgb b, int tolerance)
{
    return qAbs(qRed(a) - qRed(b)) <= tolerance && qAbs(qGreen(a) - qGreen(b)) <= tolerance &&
           qAbs(qBlue(a) - qBlue(b)) <= tolerance && qAbs(qAlpha(a) - qAlpha(b)) <= tolerance;
}
} // namespace

int floodFill(Document& document, int layer, QPoint at, const QColor& colour, int tolerance, bool sampleMerged)
{
    if (layer < 0 || layer >= document.layerCount() || document.layer(layer).locked || !document.rect().contains(at))
        return 0;
    const Selection& selection = document.selection();
    if (selection.coverage(at) <= 0)
        return 0;
    tolerance = qBound(0, tolerance, 255);
    // Straight (non-premultiplied) colours so that tolerance means the same on any alpha.
    const QImage reference = (sampleMerged ? document.composite() : document.layer(layer).image())
                                 .convertToFormat(QImage::Format_ARGB32);
    const int w = reference.width(), h = reference.height();
    const QRgb seed = reference.pixel(at);
    std::vector<uchar> inside(size_t(w) * h, 0);
    // Scanline flood fill with an explicit stack (no recursion depth limits on big canvases).
    std::vector<QPoint> stack{at};
    int filled = 0;
    QRect touched;
    while (!stack.empty()) {
        const QPoint p = stack.back();
        stack.pop_back();
        const auto* line = reinterpret_cast<const QRgb*>(reference.constScanLine(p.y()));
        uchar* row = inside.data() + size_t(p.y()) * w;
        if (row[p.x()] || !similar(line[p.x()], seed, tolerance))
            continue;
        int x0 = p.x(), x1 = p.x();
        while (x0 > 0 && !row[x0 - 1] && similar(line[x0 - 1], seed, tolerance))
            --x0;
        while (x1 + 1 < w && !row[x1 + 1] && similar(line[x1 + 1], seed, tolerance))
            ++x1;
        for (int x = x0; x <= x1; ++x)
            row[x] = 1;
        filled += x1 - x0 + 1;
        touched |= QRect(x0, p.y(), x1 - x0 + 1, 1);
        for (int ny : {p.y() - 1, p.y() + 1}) {
            if (ny < 0 || ny >= h)
                continue;
            const auto* next = reinterpret_cast<const QRgb*>(reference.constScanLine(ny));
            const uchar* nrow = inside.data() + size_t(ny) * w;
            for (int x = x0; x <= x1; ++x)
                if (!nrow[x] && similar(next[x], seed, tolerance) && (x == x0 || !similar(next[x - 1], seed, tolerance) || nrow[x - 1]))
                    stack.emplace_back(x, ny);
        }
    }
    if (filled == 0)
        return 0;

    // Paint the colour over the region (source-over, scaled by the selection's coverage).
    TileGrid& grid = document.pixelsForPainting(layer);
    QHash<int, QImage> before;
    const QImage& sel = selection.mask();
    const float ca = float(colour.alphaF());
    const float cr = float(colour.redF()) * 255.f * ca, cg = float(colour.greenF()) * 255.f * ca,
                cb = float(colour.blueF()) * 255.f * ca, cA = 255.f * ca;
    for (int index : grid.tilesIn(touched)) {
        const QRect tr = grid.tileRect(index);
        const QRect area = tr.intersected(touched);
        bool any = false;
        for (int y = area.top(); y <= area.bottom() && !any; ++y)
            for (int x = area.left(); x <= area.right() && !any; ++x)
                any = inside[size_t(y) * w + x] != 0;
        if (!any)
            continue;
        before.insert(index, grid.tile(index));
        QImage& tile = grid.tileForWrite(index);
        for (int y = area.top(); y <= area.bottom(); ++y) {
            auto* dst = reinterpret_cast<quint32*>(tile.scanLine(y - tr.top()));
            const uchar* s = sel.isNull() ? nullptr : sel.constScanLine(y);
            for (int x = area.left(); x <= area.right(); ++x) {
                if (!inside[size_t(y) * w + x])
                    continue;
                const float a = s ? s[x] / 255.f : 1.f;
                if (a <= 0)
                    continue;
                const quint32 d = dst[x - tr.left()];
                // source-over of the (premultiplied) colour at coverage a
                const float k = 1 - ca * a;
                dst[x - tr.left()] = (quint32(qBound(0.f, cA * a + qAlpha(d) * k, 255.f) + 0.5f) << 24) |
                                     (quint32(qBound(0.f, cr * a + qRed(d) * k, 255.f) + 0.5f) << 16) |
                                     (quint32(qBound(0.f, cg * a + qGreen(d) * k, 255.f) + 0.5f) << 8) |
                                     quint32(qBound(0.f, cb * a + qBlue(d) * k, 255.f) + 0.5f);
            }
        }
    }
    document.notifyPixelsChanged(touched);
    document.commitTiles(layer, before, QCoreApplication::translate("FloodFill", "Fill"));
    if (Journal* journal = document.journal())
        journal->record({{"type", "fill"},
                         {"layer", layer},
                         {"at", QJsonArray{at.x(), at.y()}},
                         {"colour", colour.name(QColor::HexArgb)},
                         {"tolerance", tolerance},
                         {"merged", sampleMerged}});
    return filled;
}

} // namespace ganvas::core
