// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: replaying a stroke journal (crash recovery, `ganvas-cli render`, timelapse) must
// give a document or a "Cannot replay input.jsonl: …" message — never a crash. Journals whose
// first line asks for a canvas over 512 x 512 pixels are skipped: the studio accepts them (up to
// 32768²), but filling or feathering them (radius up to 500) is slow, not a parsing question.
#include "FuzzCoreSupport.h"

#include "core/document/Document.h"
#include "core/journal/JournalPlayer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ganvas::fuzz::initQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace ganvas::core;
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    const QJsonArray canvas =
        QJsonDocument::fromJson(bytes.left(bytes.indexOf('\n'))).object().value(QLatin1String("size")).toArray();
    if (qint64(canvas.at(0).toInt()) * canvas.at(1).toInt() > 512 * 512)
        return 0;
    const QString path = ganvas::fuzz::writeInput(QStringLiteral("journal/input.jsonl"), data, size);
    ReplayOptions options;
    int lastLine = 0;
    options.afterRecord = [&](const Document&, int line) {
        if (line <= lastLine)
            std::abort(); // lines are reported in order
        lastLine = line;
    };
    const ReplayResult r = replayJournal(path, options);
    if (!r.document) {
        if (!r.error.startsWith(QLatin1String("Cannot replay input.jsonl: ")))
            std::abort();
        return 0;
    }
    if (r.records < 1 || r.document->layerCount() < 1)
        std::abort();
    // The rebuilt history must be walkable: undo everything, redo everything.
    QUndoStack* undo = r.document->undoStack();
    const int index = undo->index();
    undo->setIndex(0);
    undo->setIndex(index);
    (void)r.document->render(QRect(QPoint(0, 0), r.document->size().boundedTo(QSize(64, 64))));
    return 0;
}
