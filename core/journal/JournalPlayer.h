// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file JournalPlayer.h
/// Rebuilds a document from its journal (Journal.h), record by record, through the same code
/// the studio uses (StrokeSession, Document operations), so the result and the undo history
/// are what the artist had. Used by crash recovery, `ganvas-cli render` and the timelapse.
///
/// A journal cut by a crash ends in a torn line: it is skipped and reported. A damaged line in
/// the middle, an unknown record or a record that does not fit the document is an error naming
/// the line; nothing is returned then.

#include <QString>

#include <functional>
#include <memory>

namespace ganvas::core {

class Document;

struct ReplayOptions {
    qint64 maxBytes = qint64(2) << 30;  ///< refuse larger journals
    int maxRecords = 0;                  ///< stop after this many records (0 = all), the begin record included
    /// Called after each applied record with its 1-based line number (timelapse frames).
    std::function<void(const Document&, int line)> afterRecord;
};

struct ReplayResult {
    std::unique_ptr<Document> document;
    int records = 0;        ///< records applied, the begin record included
    bool torn = false;      ///< the last line was cut off and skipped
    QString error;          ///< set when document is null
};

ReplayResult replayJournal(const QString& path, const ReplayOptions& options = {});

} // namespace ganvas::core
