// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Journal.h
/// The stroke journal (DESIGN.md §4): every change to a document, appended as one JSON object
/// per line — strokes with their input points and brush, layer operations with their
/// parameters, pixel results (AI, pastes) as PNG, undo/redo as stack positions. Each record is
/// written to the file as it happens and the file is synced to disk at least every second, so a
/// crash or `kill -9` loses nothing the operating system received and at most the last second
/// on power loss. A record cut by a crash is a torn last line, which the player skips.
///
/// The journal is what autosave persists, what crash recovery and `ganvas-cli render` replay,
/// and what the timelapse renders. GUI thread (the document's thread).

#include <QFile>
#include <QJsonObject>
#include <QString>

#include <memory>

class QTimer;

namespace ganvas::core {

class Document;

class Journal {
public:
    static constexpr int kFormatVersion = 1;

    ~Journal();

    /// Starts a journal at @p path (truncating it) for @p document: writes the "begin" record
    /// with the document's size, DPI and base — @p baseFile (an .ora snapshot of the document as
    /// it was, relative to the journal's folder) or the background colour of a blank canvas.
    /// Returns nullptr and sets @p error when the file cannot be written.
    static std::unique_ptr<Journal> start(const QString& path, const Document& document, const QString& baseFile,
                                          QString* error);

    /// Appends one record (adds "seq"). Writes it through to the OS at once.
    void record(QJsonObject object);
    /// Syncs written records to the storage device (fsync). Called every second by a timer.
    void sync();

    QString path() const { return m_file.fileName(); }
    qint64 records() const { return m_seq; }
    bool hasError() const { return !m_error.isEmpty(); }
    QString errorString() const { return m_error; }

private:
    Journal() = default;

    QFile m_file;
    qint64 m_seq = 0;
    bool m_dirty = false;
    QString m_error;
    std::unique_ptr<QTimer> m_syncTimer;
};

} // namespace ganvas::core
