// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Timelapse.h
/// Renders the painting process recorded in a journal as a video: the journal is replayed and
/// the composite is captured at evenly spaced records (Motion-JPEG in AVI, written by OpenCV,
/// which plays everywhere and needs no codec beyond OpenCV itself).

#include <QString>

namespace ganvas::core {

struct TimelapseOptions {
    int frames = 120;     ///< frames to capture across the replay (the last record always ends it)
    double fps = 24;
    int maxEdge = 720;    ///< frames are scaled so that their longer side is at most this
};

/// Writes @p output (.avi). Returns the number of frames written, or -1 with @p error set.
int renderTimelapse(const QString& journal, const QString& output, const TimelapseOptions& options, QString* error);

} // namespace ganvas::core
