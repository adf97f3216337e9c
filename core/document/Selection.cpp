// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/document/Selection.h"

#include <algorithm>

#include <QPainter>

#include <opencv2/imgproc.hpp>

namespace ganvas::core {

namespace {
QImage blankMask(QSize canvas)
{
    QImage m(canvas, QImage::Format_Alpha8);
    m.fill(0);
    return m;
}
} // namespace

QRect Selection::bounds(QSize canvas) const
{
    if (isEmpty())
        return QRect(QPoint(0, 0), canvas);
    int x0 = canvas.width(), y0 = canvas.height(), x1 = -1, y1 = -1;
    for (int y = 0; y < m_mask.height(); ++y) {
        const uchar* line = m_mask.constScanLine(y);
        for (int x = 0; x < m_mask.width(); ++x)
            if (line[x]) {
                x0 = qMin(x0, x);
                x1 = qMax(x1, x);
                y0 = qMin(y0, y);
                y1 = qMax(y1, y);
            }
    }
    return x1 < 0 ? QRect() : QRect(QPoint(x0, y0), QPoint(x1, y1));
}

qreal Selection::coverage(QPoint p) const
{
    if (isEmpty())
        return 1.0;
    if (!m_mask.rect().contains(p))
        return 0.0;
    return m_mask.constScanLine(p.y())[p.x()] / 255.0;
}

Selection Selection::fromPath(QSize canvas, const QPainterPath& path)
{
    Selection s;
    s.m_mask = blankMask(canvas);
    QPainter p(&s.m_mask);
    p.setRenderHint(QPainter::Antialiasing);
    p.fillPath(path, QColor(0, 0, 0, 255));
    p.end();
    s.m_outline = path;
    return s;
}

Selection Selection::rectangle(QSize canvas, const QRect& rect)
{
    QPainterPath path;
    path.addRect(QRectF(rect.normalized()));
    return fromPath(canvas, path);
}

Selection Selection::ellipse(QSize canvas, const QRect& rect)
{
    QPainterPath path;
    path.addEllipse(QRectF(rect.normalized()));
    return fromPath(canvas, path);
}

Selection Selection::inverted(QSize canvas) const
{
    Selection s;
    if (isEmpty()) {
        s.m_mask = blankMask(canvas);
        return s;
    }
    s.m_mask = m_mask.copy();
    s.m_mask.invertPixels(QImage::InvertRgba);
    QPainterPath all;
    all.addRect(QRectF(QPointF(0, 0), QSizeF(canvas)));
    s.m_outline = all.subtracted(m_outline);
    return s;
}

Selection Selection::feathered(double radius) const
{
    if (isEmpty() || !(radius > 0)) // NaN too
        return *this;
    // Beyond the Feather dialog's range a blur changes nothing visible, and a huge radius (from a
    // journal, fuzzing found 1e9) overflows OpenCV's kernel size: an assertion, not a selection.
    radius = std::min(radius, kMaxFeatherRadius);
    Selection s = *this;
    s.m_mask = m_mask.copy();
    cv::Mat view(s.m_mask.height(), s.m_mask.width(), CV_8UC1, s.m_mask.bits(), size_t(s.m_mask.bytesPerLine()));
    cv::GaussianBlur(view, view, cv::Size(0, 0), radius / 2.0, radius / 2.0, cv::BORDER_CONSTANT);
    return s;
}

Selection Selection::combined(const Selection& other, bool add, QSize canvas) const
{
    if (isEmpty()) {
        if (add)
            return *this; // everything plus anything is everything
        QPainterPath all;
        all.addRect(QRectF(QPointF(0, 0), QSizeF(canvas)));
        return fromPath(canvas, all).combined(other, false, canvas);
    }
    if (other.isEmpty()) // combining with "everything"
        return add ? Selection() : Selection::rectangle(canvas, QRect());
    Selection s = *this;
    s.m_mask = m_mask.copy();
    QPainter p(&s.m_mask);
    p.setCompositionMode(add ? QPainter::CompositionMode_SourceOver : QPainter::CompositionMode_DestinationOut);
    p.drawImage(0, 0, other.m_mask);
    p.end();
    s.m_outline = add ? m_outline.united(other.m_outline) : m_outline.subtracted(other.m_outline);
    return s;
}

} // namespace ganvas::core
