// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/journal/Timelapse.h"

#include "core/document/Document.h"
#include "core/image/ImageBridge.h"
#include "core/journal/JournalPlayer.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QPainter>

#include <opencv2/videoio.hpp>

namespace ganvas::core {

namespace {

cv::Mat frameOf(const Document& doc, QSize frameSize)
{
    // Composite over white (a video has no alpha), scaled to the frame size.
    QImage frame(frameSize, QImage::Format_RGB32);
    frame.fill(Qt::white);
    QPainter p(&frame);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.drawImage(QRect(QPoint(0, 0), frameSize), doc.composite());
    p.end();
    return imageToMat(frame, Alpha::Drop);
}

} // namespace

int renderTimelapse(const QString& journal, const QString& output, const TimelapseOptions& options, QString* error)
{
    const auto tr = [](const char* s) { return QCoreApplication::translate("Timelapse", s); };
    QFile in(journal);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2.").arg(QFileInfo(journal).fileName(), in.errorString());
        return -1;
    }
    int lines = 0;
    while (!in.atEnd())
        lines += in.readLine(1 << 30).endsWith('\n') ? 1 : 0;
    in.close();
    const int every = qMax(1, lines / qMax(1, options.frames));

    cv::VideoWriter writer;
    QSize frameSize;
    int written = 0;
    ReplayOptions replay;
    replay.afterRecord = [&](const Document& doc, int line) {
        if (!writer.isOpened()) {
            frameSize = doc.size().scaled(options.maxEdge, options.maxEdge, Qt::KeepAspectRatio);
            frameSize = QSize(qMax(2, frameSize.width() & ~1), qMax(2, frameSize.height() & ~1)); // even sizes
            writer.open(QFile::encodeName(output).toStdString(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), options.fps,
                        cv::Size(frameSize.width(), frameSize.height()));
            if (!writer.isOpened())
                return;
        }
        if (line % every == 0 || line == lines) {
            writer.write(frameOf(doc, frameSize));
            ++written;
        }
    };
    const auto result = replayJournal(journal, replay);
    if (!result.document) {
        *error = result.error;
        return -1;
    }
    if (!writer.isOpened()) {
        *error = tr("Cannot write %1: OpenCV could not open a Motion-JPEG AVI writer.").arg(QFileInfo(output).fileName());
        return -1;
    }
    writer.release();
    return written;
}

} // namespace ganvas::core
