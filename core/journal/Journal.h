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
/// and what the timelapse renders. GUI thread (the document's thread); records with pictures
/// are encoded and written by the journal's own writer thread, in order with the rest.

#include <QFile>
#include <QImage>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

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

    /// Appends one record (adds "seq"). Writes it through to the OS at once, unless a record
    /// with pictures is still being encoded: then it is written right after that one.
    void record(QJsonObject object);
    /// Appends a record with pictures: each image goes into its key as base64 PNG, encoded on
    /// the journal's writer thread, so the caller (the GUI thread) does not wait for it (a
    /// 4096² layer of noise took 2.1 s to encode here). Records keep their order.
    void record(QJsonObject object, QList<QPair<QString, QImage>> images);
    /// Blocks until every record appended so far is written through to the OS.
    void waitForWritten();
    /// Syncs written records to the storage device (fsync). Called every second by a timer.
    void sync();

    QString path() const { return m_file.fileName(); }
    qint64 records() const { return m_seq; }
    bool hasError() const;
    QString errorString() const;

private:
    struct Pending {
        QJsonObject object;
        QList<QPair<QString, QImage>> images;
    };

    Journal() = default;
    /// Writes one finished record; m_mutex held.
    void writeLine(const QJsonObject& object);
    void writerLoop();

    QFile m_file;
    qint64 m_seq = 0;
    bool m_dirty = false;
    QString m_error;
    std::unique_ptr<QTimer> m_syncTimer;
    // The writer thread (started with the first record that has pictures) and its queue.
    mutable std::mutex m_mutex;
    std::condition_variable m_wake, m_written;
    std::deque<Pending> m_queue;
    bool m_encoding = false, m_stop = false;
    std::thread m_writer;
};

} // namespace ganvas::core
