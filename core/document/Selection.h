// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Selection.h
/// What part of the canvas the next operation may change: a per-pixel coverage mask
/// (Format_Alpha8, 255 = fully selected, soft edges after feathering) plus the outline it was
/// made from, for display. An empty Selection means "everything". Painting, fills and the AI
/// operations (style transfer on a selection) use it as their mask. Implicitly shared: copies
/// are cheap, which the undo commands rely on.

#include <QImage>
#include <QPainterPath>
#include <QRect>

namespace ganvas::core {

class Selection {
public:
    Selection() = default;

    bool isEmpty() const { return m_mask.isNull(); }
    /// Alpha8 mask of the document's size, or null for "everything".
    const QImage& mask() const { return m_mask; }
    const QPainterPath& outline() const { return m_outline; }
    /// Bounding box of the selected pixels (the whole canvas when empty).
    QRect bounds(QSize canvas) const;
    /// 0..1 coverage at @p p (1 when empty).
    qreal coverage(QPoint p) const;

    static Selection fromPath(QSize canvas, const QPainterPath& path);
    static Selection rectangle(QSize canvas, const QRect& rect);
    static Selection ellipse(QSize canvas, const QRect& rect);
    /// Everything outside becomes selected and vice versa (empty inverts to nothing selected).
    Selection inverted(QSize canvas) const;
    /// The largest feather radius in pixels (the Feather dialog's maximum); larger ones are clamped.
    static constexpr double kMaxFeatherRadius = 500;
    /// Softens the edge with a Gaussian of @p radius pixels (OpenCV), at most kMaxFeatherRadius;
    /// zero, negative or NaN change nothing.
    Selection feathered(double radius) const;
    /// Union (add = true) or difference with @p other.
    Selection combined(const Selection& other, bool add, QSize canvas) const;

    bool operator==(const Selection& o) const { return m_mask == o.m_mask; }

private:
    QImage m_mask;
    QPainterPath m_outline;
};

} // namespace ganvas::core
