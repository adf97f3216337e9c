// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file AutosaveSession.h
/// Autosave and crash recovery. While a document is open, its journal lives in a session folder
/// under ~/.local/share/Ganvas/autosave/<id>/ (journal.jsonl, base.ora when the document did
/// not start blank, and a lock file naming the process). A clean exit removes the folder; a
/// crash or `kill -9` leaves it, and the next start finds it (its process is gone) and offers to
/// replay it.

#include <QDateTime>
#include <QString>
#include <QVector>

#include <memory>

namespace ganvas::core {

class Document;
class Journal;

class AutosaveSession {
public:
    ~AutosaveSession();

    /// The folder holding all session folders.
    static QString root();

    /// Starts journaling @p document into a new session folder. When @p blank is false the
    /// document's current state is first written as base.ora. Returns nullptr and sets @p error
    /// when the folder or files cannot be written (the document is then not journaled).
    static std::unique_ptr<AutosaveSession> start(Document& document, bool blank, QString* error);

    /// Detaches from the document and deletes the session folder (the work is saved or discarded).
    void discard();

    QString folder() const { return m_folder; }
    QString journalPath() const;

    struct Orphan {
        QString folder;
        QString journal;
        QDateTime lastWrite;
        QString file;   ///< the document's file, if it had one
    };
    /// Session folders whose process is no longer running, newest first.
    static QVector<Orphan> findOrphans();
    /// Deletes an orphan's folder (after recovering or declining it).
    static void removeOrphan(const Orphan& orphan);

private:
    AutosaveSession() = default;

    Document* m_document = nullptr;
    std::unique_ptr<Journal> m_journal;
    QString m_folder;
};

} // namespace ganvas::core
