// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/brush/StrokeSession.h"

#include "core/document/Document.h"
#include "core/journal/Journal.h"

#include <cmath>

namespace ganvas::core {

StrokeSession::StrokeSession(Document* document, int layer, const BrushSettings& brush, const QColor& colour, bool mask)
    : m_document(document), m_layer(layer), m_brush(brush), m_colour(colour), m_mask(mask), m_surface(document, layer, mask),
      m_stroke(brush, colour, &m_surface)
{
}

void StrokeSession::recordPoint(const InputPoint& p)
{
    if (!m_document->journal())
        return;
    if (m_t0 < 0)
        m_t0 = p.timeMs;
    // Positions to 1/100 px and pressure to 1/1000 keep replay identical to the live stroke
    // because the live stroke is painted from the same rounded values (see begin/moveTo).
    m_points.append(QJsonArray{p.position.x(), p.position.y(), p.pressure, p.xTilt, p.yTilt, double(p.timeMs - m_t0)});
}

namespace {
InputPoint quantised(const InputPoint& p)
{
    InputPoint q = p;
    q.position = {std::round(p.position.x() * 100) / 100, std::round(p.position.y() * 100) / 100};
    q.pressure = std::round(p.pressure * 1000) / 1000;
    return q;
}
} // namespace

void StrokeSession::begin(const InputPoint& p)
{
    const InputPoint q = quantised(p);
    recordPoint(q);
    m_stroke.begin(q);
}

void StrokeSession::moveTo(const InputPoint& p)
{
    const InputPoint q = quantised(p);
    recordPoint(q);
    m_stroke.moveTo(q);
}

void StrokeSession::end(const QString& undoText)
{
    m_stroke.end();
    if (!m_surface.isPaintable() || m_surface.touchedTiles() == 0)
        return;
    m_surface.commit(undoText);
    if (Journal* journal = m_document->journal())
        journal->record({{"type", "stroke"},
                         {"layer", m_layer},
                         {"mask", m_mask},
                         {"brush", m_brush.toJson()},
                         {"colour", m_colour.name(QColor::HexArgb)},
                         {"text", undoText},
                         {"points", m_points}});
}

} // namespace ganvas::core
