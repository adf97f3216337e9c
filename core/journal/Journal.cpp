// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/journal/Journal.h"

#include "core/app/RuntimeReport.h"
#include "core/document/Document.h"
#include "core/io/ImageIO.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <unistd.h>

namespace ganvas::core {

Journal::~Journal()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_writer.joinable())
        m_writer.join(); // after it wrote everything queued
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
    std::lock_guard lock(m_mutex);
    object["seq"] = ++m_seq;
    if (m_queue.empty() && !m_encoding)
        writeLine(object);
    else
        m_queue.push_back({std::move(object), {}});
}

void Journal::record(QJsonObject object, QList<QPair<QString, QImage>> images)
{
    {
        std::lock_guard lock(m_mutex);
        object["seq"] = ++m_seq;
        m_queue.push_back({std::move(object), std::move(images)});
        if (!m_writer.joinable())
            m_writer = std::thread([this] { writerLoop(); });
    }
    m_wake.notify_one();
}

void Journal::writerLoop()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_queue.empty())
            return; // stopped, everything written
        Pending next = std::move(m_queue.front());
        m_queue.pop_front();
        m_encoding = true;
        lock.unlock();
        for (const auto& [key, image] : next.images)
            if (!image.isNull())
                next.object[key] = QString::fromLatin1(encodePng(image).toBase64());
        lock.lock();
        writeLine(next.object);
        m_encoding = false;
        if (m_queue.empty())
            m_written.notify_all();
    }
}

void Journal::waitForWritten()
{
    std::unique_lock lock(m_mutex);
    m_written.wait(lock, [this] { return m_queue.empty() && !m_encoding; });
}

void Journal::writeLine(const QJsonObject& object)
{
    QByteArray line = QJsonDocument(object).toJson(QJsonDocument::Compact);
    line.append('\n');
    if (m_file.write(line) != line.size() || !m_file.flush())
        m_error = m_file.errorString();
    m_dirty = true;
}

bool Journal::hasError() const
{
    std::lock_guard lock(m_mutex);
    return !m_error.isEmpty();
}

QString Journal::errorString() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

void Journal::sync()
{
    std::lock_guard lock(m_mutex);
    if (!m_dirty || !m_file.isOpen())
        return;
    m_file.flush();
    ::fsync(m_file.handle());
    m_dirty = false;
}

} // namespace ganvas::core
