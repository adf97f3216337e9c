// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file FloodFill.h
/// The fill bucket: fills the connected region around a point whose colour is within a
/// tolerance of the colour there, on one layer, inside the selection; one undo command and one
/// journal record.

#include <QColor>
#include <QPoint>

namespace ganvas::core {

class Document;

/// @p tolerance 0..255: the largest difference in any channel (R, G, B, A; straight colour) that
/// still counts as the same colour. @p sampleMerged: decide the region from the visible
/// composite instead of the layer alone. Returns the number of pixels filled (0 when the layer
/// is locked, @p at is off the canvas or outside the selection).
int floodFill(Document& document, int layer, QPoint at, const QColor& colour, int tolerance, bool sampleMerged);

} // namespace ganvas::core
