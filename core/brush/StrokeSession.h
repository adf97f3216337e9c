// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StrokeSession.h
/// One brush stroke on a document layer, start to finish: the brush engine, the layer surface
/// and, when the document keeps a journal, the recording of every input point (so the stroke can
/// be replayed exactly: crash recovery, headless rendering, timelapse). The canvas and the
/// journal player both paint through this class.

#include "core/brush/BrushSettings.h"
#include "core/brush/BrushStroke.h"
#include "core/brush/LayerSurface.h"

#include <QJsonArray>

#include <memory>

namespace ganvas::core {

class Document;

class StrokeSession {
public:
    /// @p mask: paint the layer's mask (see LayerSurface).
    StrokeSession(Document* document, int layer, const BrushSettings& brush, const QColor& colour, bool mask = false);

    bool isPaintable() const { return m_surface.isPaintable(); }
    void begin(const InputPoint& p);
    void moveTo(const InputPoint& p);
    /// Finishes the stroke: one undo command, one journal record.
    void end(const QString& undoText);
    /// The area changed since the last call.
    QRect takeDirty() { return m_surface.takeDirty(); }
    int dabCount() const { return m_stroke.dabCount(); }

private:
    void recordPoint(const InputPoint& p);

    Document* m_document;
    int m_layer;
    BrushSettings m_brush;
    QColor m_colour;
    bool m_mask;
    LayerSurface m_surface;
    BrushStroke m_stroke;
    QJsonArray m_points;
    qint64 m_t0 = -1;
};

} // namespace ganvas::core
