// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/journal/Journal.h"

#include "core/app/RuntimeReport.h"
#include "core/document/Document.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <unistd.h>

namespace ganvas::core {

Journal::~Journal()
{
    sync();
}

std::unique_ptr<Journal> Journal::start(const QString& path, const Document& document, const QString& baseFile,
                                        QString* error)
{
    std::unique_ptr<Journal> journal(new Journal);
    journal->m_file.setFileName(path);
    if (!journal->m_file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QCoreApplication::translate("Journal", "cannot write the journal %1: %2")
                     .arg(path, journal->m_file.errorString());
        return nullptr;
    }
    QJsonObject begin{{"type", "begin"},
                      {"format", kFormatVersion},
                      {"app", QStringLiteral("Ganvas %1").arg(ganvasVersion())},
                      {"size", QJsonArray{document.size().width(), document.size().height()}},
                      {"dpi", document.dpi()},
                      {"file", document.filePath()}};
    if (!baseFile.isEmpty())
        begin["base"] = baseFile;
    else
        begin["background"] = document.layer(0).pixels.tile(0).isNull()
                                  ? QStringLiteral("#00000000")
                                  : document.layer(0).pixels.tile(0).pixelColor(0, 0).name(QColor::HexArgb);
    journal->record(begin);
    journal->sync();
    journal->m_syncTimer = std::make_unique<QTimer>();
    journal->m_syncTimer->setInterval(1000);
    QObject::connect(journal->m_syncTimer.get(), &QTimer::timeout, [j = journal.get()] { j->sync(); });
    journal->m_syncTimer->start();
    return journal;
}

void Journal::record(QJsonObject object)
{
    object["seq"] = ++m_seq;
    QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    line.append('\n');
    if (m_file.write(line) != line.size() || !m_file.flush())
        m_error = m_file.errorString();
    m_dirty = true;
}

void Journal::sync()
{
    if (!m_dirty || !m_file.isOpen())
        return;
    m_file.flush();
    ::fsync(m_file.handle());
    m_dirty = false;
}

} // namespace ganvas::core
