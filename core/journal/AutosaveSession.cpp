// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/journal/AutosaveSession.h"

#include "core/document/Document.h"
#include "core/io/OraFile.h"
#include "core/journal/Journal.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QUuid>

#include <algorithm>
#include <csignal>

#include <sys/types.h>
#include <unistd.h>

namespace ganvas::core {

namespace {
const char kLock[] = "lock";
const char kJournal[] = "journal.jsonl";

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}
} // namespace

AutosaveSession::~AutosaveSession()
{
    if (m_document)
        m_document->setJournal(nullptr);
}

QString AutosaveSession::root()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/Ganvas/autosave");
}

QString AutosaveSession::journalPath() const
{
    return m_folder + QLatin1Char('/') + QLatin1String(kJournal);
}

std::unique_ptr<AutosaveSession> AutosaveSession::start(Document& document, bool blank, QString* error)
{
    std::unique_ptr<AutosaveSession> s(new AutosaveSession);
    s->m_folder = root() + QLatin1Char('/') + QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!QDir().mkpath(s->m_folder)) {
        *error = QCoreApplication::translate("AutosaveSession", "cannot create the autosave folder %1").arg(s->m_folder);
        return nullptr;
    }
    QFile lock(s->m_folder + QLatin1Char('/') + QLatin1String(kLock));
    if (!lock.open(QIODevice::WriteOnly) ||
        lock.write(QJsonDocument(QJsonObject{{"pid", QCoreApplication::applicationPid()}}).toJson()) < 0) {
        *error = QCoreApplication::translate("AutosaveSession", "cannot write to the autosave folder %1").arg(s->m_folder);
        QDir(s->m_folder).removeRecursively();
        return nullptr;
    }
    lock.close();
    QString base;
    if (!blank) {
        base = QStringLiteral("base.ora");
        if (!saveOra(document, s->m_folder + QLatin1Char('/') + base, error)) {
            QDir(s->m_folder).removeRecursively();
            return nullptr;
        }
    }
    s->m_journal = Journal::start(s->journalPath(), document, base, error);
    if (!s->m_journal) {
        QDir(s->m_folder).removeRecursively();
        return nullptr;
    }
    s->m_document = &document;
    document.setJournal(s->m_journal.get());
    return s;
}

void AutosaveSession::discard()
{
    if (m_document) {
        m_document->setJournal(nullptr);
        m_document = nullptr;
    }
    m_journal.reset();
    if (!m_folder.isEmpty())
        QDir(m_folder).removeRecursively();
    m_folder.clear();
}

QVector<AutosaveSession::Orphan> AutosaveSession::findOrphans()
{
    QVector<Orphan> out;
    const auto folders = QDir(root()).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo& folder : folders) {
        QFile lock(folder.absoluteFilePath() + QLatin1Char('/') + QLatin1String(kLock));
        qint64 pid = 0;
        if (lock.open(QIODevice::ReadOnly) && lock.size() < 4096)
            pid = QJsonDocument::fromJson(lock.readAll()).object().value("pid").toInteger();
        if (pid == QCoreApplication::applicationPid() || processAlive(pid))
            continue; // a live session (ours or another running Ganvas)
        Orphan o;
        o.folder = folder.absoluteFilePath();
        o.journal = o.folder + QLatin1Char('/') + QLatin1String(kJournal);
        if (!QFileInfo::exists(o.journal)) {
            removeOrphan(o); // died before writing anything: nothing to recover
            continue;
        }
        o.lastWrite = QFileInfo(o.journal).lastModified();
        QFile journal(o.journal);
        if (journal.open(QIODevice::ReadOnly))
            o.file = QJsonDocument::fromJson(journal.readLine(1 << 16)).object().value("file").toString();
        out.push_back(o);
    }
    std::sort(out.begin(), out.end(), [](const Orphan& a, const Orphan& b) { return a.lastWrite > b.lastWrite; });
    return out;
}

void AutosaveSession::removeOrphan(const Orphan& orphan)
{
    if (orphan.folder.startsWith(root()))
        QDir(orphan.folder).removeRecursively();
}

} // namespace ganvas::core
