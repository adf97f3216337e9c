// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file OraFile.h
/// OpenRaster (.ora), the layered format Krita, GIMP and MyPaint read: a zip whose first entry
/// is an uncompressed `mimetype` ("image/openraster"), then `stack.xml` (layers top first, with
/// name, position, opacity, visibility, composite-op), one PNG per layer under `data/`,
/// `mergedimage.png` (the composite) and `Thumbnails/thumbnail.png` (at most 256 px).
/// Ganvas extras live in its own XML namespace (layer masks) and are ignored by other programs.
///
/// Reading trusts nothing: entry names cannot leave the archive, declared and decoded sizes are
/// checked against limits before anything is allocated, and any failure is a message with the
/// document left as it was. Writing is atomic (libzip writes a temporary file and renames it).

#include "core/document/Layer.h"
#include "core/io/ImageIO.h"

#include <QSize>
#include <QString>
#include <QVector>

#include <functional>
#include <memory>

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {

class Document;

struct OraLimits {
    qint64 maxPixels = configuredMaxPixels();         ///< per image: the configured limit (ImageIO.h; 256 megapixels)
    qint64 maxEntryBytes = qint64(1) << 30;           ///< one decompressed entry: 1 GiB
    qint64 maxTotalBytes = qint64(4) << 30;           ///< all decompressed entries: 4 GiB
    int maxLayers = 1000;
};

/// Reads @p path. On failure returns nullptr and sets @p error ("Cannot open x.ora: …").
/// @p progress (optional) is called with (layers read, layers in all) before each layer and after
/// the last; it may throw to abandon the read (a cancelled open stops at the next layer).
std::unique_ptr<Document> loadOra(const QString& path, QString* error, const OraLimits& limits = {},
                                  const std::function<void(int, int)>& progress = {});

/// Where one save's wall time went (ganvas-cli bench ora-save-load reports it, issue #18).
struct OraSaveTimes {
    double encodeSeconds = 0;  ///< every layer's and the merged image's PNG, encoded on every core
    double archiveSeconds = 0; ///< the zip written to the temporary file (PNGs stored, not deflated)
    double syncSeconds = 0;    ///< the temporary file flushed to disk, renamed, the folder flushed
};

/// Writes @p document to @p path. Returns false and sets @p error on failure; an existing file
/// is then untouched. @p progress (optional) is called with (parts done, parts in all) between
/// the layers it encodes; it may throw to abandon the save (nothing is written then). @p times
/// (optional) receives where the time went.
bool saveOra(const Document& document, const QString& path, QString* error,
             const std::function<void(int, int)>& progress = {}, OraSaveTimes* times = nullptr);

/// A background job that saves a snapshot of @p document (taken now, on the calling thread:
/// tile handles, no pixel copies) to @p path, with progress and cancellation. After it finished,
/// @p error is empty; after it failed, it holds the message.
std::shared_ptr<engine::Job> makeOraSaveJob(const Document& document, const QString& path,
                                            std::shared_ptr<QString> error);

/// Where an open job leaves its document: owned by the thread that made the job.
struct OraLoadResult {
    std::unique_ptr<Document> document;
};

/// A background job that reads @p path (loadOra with @p limits, taken on the calling thread) and
/// hands the document to the thread that called this, in @p result. A broken file fails the job
/// with loadOra's message ("Cannot open x.ora: …"). Opening a big project takes seconds: the
/// studio runs this instead of blocking its window.
std::shared_ptr<engine::Job> makeOraLoadJob(const QString& path, std::shared_ptr<OraLoadResult> result,
                                            const OraLimits& limits = {});

} // namespace ganvas::core
