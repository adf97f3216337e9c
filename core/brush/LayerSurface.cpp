// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/brush/LayerSurface.h"

#include "core/document/Document.h"

#include <algorithm>
#include <cmath>

namespace ganvas::core {

namespace {

constexpr int kT = TileGrid::kTileSize;

/// Radial falloff: 1 inside hardness·r, smoothstep down to 0 at r, with a 1-pixel anti-aliased rim.
inline float falloff(float dist, float radius, float hardness)
{
    if (dist >= radius + 0.5f)
        return 0.f;
    float f = 1.f;
    const float d = dist / radius;
    if (d > hardness && hardness < 1.f) {
        const float t = std::min(1.f, (d - hardness) / (1.f - hardness));
        f = 1.f - t * t * (3.f - 2.f * t);
    }
    const float rim = std::clamp(radius - dist + 0.5f, 0.f, 1.f);
    return f * rim;
}

inline quint32 pack(float a, float r, float g, float b)
{
    const auto c = [](float v) { return static_cast<quint32>(std::clamp(v, 0.f, 255.f) + 0.5f); };
    return (c(a) << 24) | (c(r) << 16) | (c(g) << 8) | c(b);
}

} // namespace

LayerSurface::LayerSurface(Document* document, int layer, bool mask)
    : m_document(document), m_layer(layer), m_mask(mask),
      m_paintable(layer >= 0 && layer < document->layerCount() && !document->layer(layer).locked &&
                  (!mask || document->layer(layer).hasMask))
{
}

void LayerSurface::drawDab(const Dab& dab)
{
    if (!m_paintable || dab.radius <= 0)
        return;
    TileGrid& grid = m_mask ? m_document->maskForPainting(m_layer) : m_document->pixelsForPainting(m_layer);
    // On a mask the colour's lightness is how much it reveals: white shows, black hides.
    const QColor colour = m_mask ? QColor(255, 255, 255, dab.colour.lightness()) : dab.colour;
    const float radius = static_cast<float>(dab.radius);
    const QRect box = QRectF(dab.centre.x() - radius - 1, dab.centre.y() - radius - 1, 2 * radius + 2, 2 * radius + 2)
                          .toAlignedRect()
                          .intersected(m_document->rect());
    if (box.isEmpty())
        return;
    const float hardness = static_cast<float>(std::clamp(dab.hardness, 0.0, 1.0));
    const float flow = static_cast<float>(std::clamp(dab.flow, 0.0, 1.0));
    const float ceiling = static_cast<float>(std::clamp(dab.opacity, 0.0, 1.0));
    const float ca = static_cast<float>(colour.alphaF());
    // Premultiplied colour, 0..255.
    const float cr = static_cast<float>(colour.redF()) * 255.f * ca;
    const float cg = static_cast<float>(colour.greenF()) * 255.f * ca;
    const float cb = static_cast<float>(colour.blueF()) * 255.f * ca;
    const float cA = 255.f * ca;
    const float cx = static_cast<float>(dab.centre.x()), cy = static_cast<float>(dab.centre.y());
    const QImage& selection = m_document->selection().mask(); // null: everything may change

    for (int index : grid.tilesIn(box)) {
        const QRect tr = grid.tileRect(index);
        const QRect area = box.intersected(tr);
        if (!m_before.contains(index)) {
            m_before.insert(index, grid.tile(index)); // handle: shares pixels until we write
            m_coverage.insert(index, TouchedTile{std::vector<float>(kT * kT, 0.f)});
        }
        QImage& tile = grid.tileForWrite(index);
        const QImage& before = m_before[index];
        float* cov = m_coverage[index].coverage.data();
        for (int y = area.top(); y <= area.bottom(); ++y) {
            const int ly = y - tr.top();
            auto* dst = reinterpret_cast<quint32*>(tile.scanLine(ly));
            const quint32* src = before.isNull() ? nullptr : reinterpret_cast<const quint32*>(before.constScanLine(ly));
            const float dy = (y + 0.5f) - cy;
            const uchar* sel = selection.isNull() ? nullptr : selection.constScanLine(y);
            for (int x = area.left(); x <= area.right(); ++x) {
                const float dx = (x + 0.5f) - cx;
                const float f = falloff(std::sqrt(dx * dx + dy * dy), radius, hardness);
                const float selected = sel ? sel[x] * (1.f / 255.f) : 1.f; // the selection caps what may change
                if (f <= 0.f || selected <= 0.f)
                    continue;
                const int lx = x - tr.left();
                if (dab.direct) {
                    const float a = flow * f * selected;
                    const quint32 d = dst[lx];
                    dst[lx] = pack(cA * a + qAlpha(d) * (1 - a), cr * a + qRed(d) * (1 - a), cg * a + qGreen(d) * (1 - a),
                                   cb * a + qBlue(d) * (1 - a));
                    continue;
                }
                float& A = cov[ly * kT + lx];
                const float cap = ceiling * selected;
                if (A >= cap)
                    continue;
                A += flow * f * (cap - A);
                const quint32 b = src ? src[lx] : 0u;
                if (dab.erase)
                    dst[lx] = pack(qAlpha(b) * (1 - A), qRed(b) * (1 - A), qGreen(b) * (1 - A), qBlue(b) * (1 - A));
                else
                    dst[lx] = pack(cA * A + qAlpha(b) * (1 - A), cr * A + qRed(b) * (1 - A), cg * A + qGreen(b) * (1 - A),
                                   cb * A + qBlue(b) * (1 - A));
            }
        }
    }
    m_dirty |= box;
}

QColor LayerSurface::sampleColour(QPointF centre, double radius) const
{
    const QRect box = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)
                          .toAlignedRect()
                          .intersected(m_document->rect());
    if (box.isEmpty() || m_layer < 0 || m_layer >= m_document->layerCount())
        return QColor(0, 0, 0, 0);
    const QImage region = (m_mask ? m_document->layer(m_layer).mask : m_document->layer(m_layer).pixels).copyRegion(box);
    double a = 0, r = 0, g = 0, b = 0;
    int n = 0;
    for (int y = 0; y < region.height(); ++y) {
        const auto* line = reinterpret_cast<const quint32*>(region.constScanLine(y));
        for (int x = 0; x < region.width(); ++x) {
            const double dx = box.left() + x + 0.5 - centre.x(), dy = box.top() + y + 0.5 - centre.y();
            if (dx * dx + dy * dy > radius * radius)
                continue;
            a += qAlpha(line[x]);
            r += qRed(line[x]);
            g += qGreen(line[x]);
            b += qBlue(line[x]);
            ++n;
        }
    }
    if (n == 0 || a <= 0)
        return QColor(0, 0, 0, 0);
    // Premultiplied sums -> straight colour.
    return QColor::fromRgbF(float(r / a), float(g / a), float(b / a), float(a / (255.0 * n)));
}

QRect LayerSurface::takeDirty()
{
    const QRect r = m_dirty;
    m_dirty = QRect();
    return r;
}

void LayerSurface::commit(const QString& text)
{
    if (!m_paintable || m_before.isEmpty())
        return;
    m_document->commitTiles(m_layer, m_before, text, m_mask);
    m_before.clear();
    m_coverage.clear();
    m_paintable = false;
}

} // namespace ganvas::core
