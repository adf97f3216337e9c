// SPDX-License-Identifier: GPL-3.0-or-later
// The stroke journal: record a session, replay it into an identical document (pixels and undo
// history), survive a torn last line, refuse damage.
#include "core/brush/FloodFill.h"
#include "core/brush/StrokeSession.h"
#include "core/document/Document.h"
#include "core/io/ImageIO.h"
#include "core/io/OraFile.h"
#include "core/journal/Journal.h"
#include "core/journal/JournalPlayer.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtTest>
#include "tests/TestMain.h"

using namespace ganvas::core;

namespace {

void paint(Document& doc, const BrushSettings& brush, QColor colour, QPointF a, QPointF b, double pressure = 1.0)
{
    StrokeSession s(&doc, doc.currentLayer(), brush, colour);
    s.begin({a, pressure, 0, 0, 0});
    for (int i = 1; i <= 12; ++i)
        s.moveTo({a + (b - a) * (i / 12.0), pressure * (1 - i / 40.0), 3, -2, i * 8});
    s.end(QStringLiteral("Brush stroke"));
}

/// A session touching every kind of record.
void session(Document& doc)
{
    BrushSettings round;
    round.size = 18;
    BrushSettings soft = round;
    soft.hardness = 0;
    soft.size = 50;
    soft.flow = 0.3;
    BrushSettings eraser = round;
    eraser.mode = BrushMode::Erase;
    BrushSettings smudge = round;
    smudge.mode = BrushMode::Smudge;
    smudge.size = 30;
    paint(doc, round, QColor(200, 30, 30), {10, 10}, {180, 90});
    doc.addLayer("glaze");
    paint(doc, soft, QColor(20, 60, 220, 200), {30, 100}, {190, 20}, 0.6);
    doc.setLayerBlendMode(1, BlendMode::Multiply);
    doc.setLayerOpacity(1, 0.8);
    paint(doc, eraser, Qt::black, {100, 10}, {100, 110});
    doc.undoStack()->undo();                   // the eraser stroke
    doc.undoStack()->redo();
    doc.undoStack()->undo();
    paint(doc, smudge, Qt::black, {20, 50}, {160, 60});
    doc.duplicateLayer(1);
    doc.moveLayer(2, 0);
    doc.setCurrentLayer(1);
    QImage pasted(64, 64, QImage::Format_ARGB32_Premultiplied);
    pasted.fill(QColor(0, 255, 0, 128));
    doc.replaceTiles(1, {{0, pasted}}, QStringLiteral("Paste"));
    doc.addLayer("photo", [] {
        QImage img(200, 120, QImage::Format_ARGB32_Premultiplied);
        img.fill(QColor(255, 255, 0, 60));
        return img;
    }());
    doc.setLayerVisible(0, false);
    doc.renameLayer(3, "Yellow");
    doc.setLayerLocked(3, true);
    doc.addLayerMask(2);
    {
        StrokeSession maskStroke(&doc, 2, round, Qt::black, true);
        maskStroke.begin({{60, 60}, 1});
        maskStroke.moveTo({{120, 70}, 1});
        maskStroke.end(QStringLiteral("Paint mask"));
    }
    QVERIFY(doc.mergeDown(2));
    doc.setLayerLocked(0, false);
    doc.setCurrentLayer(0);
    doc.selectEllipse(QRect(20, 10, 120, 80));
    doc.selectRectangle(QRect(100, 0, 60, 60), Document::SelectMode::Subtract);
    doc.selectPolygon(QPolygonF({{5, 5}, {60, 10}, {30, 70}}), Document::SelectMode::Add);
    doc.featherSelection(6);
    paint(doc, round, QColor(0, 0, 0), {0, 40}, {200, 60});
    doc.invertSelection();
    floodFill(doc, 0, {190, 110}, QColor(255, 0, 255), 40, true);
    doc.deselect();
}

} // namespace

class JournalTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replayRebuildsTheDocumentAndItsHistory()
    {
        QTemporaryDir dir;
        Document doc(QSize(200, 120), QColor(250, 245, 235));
        QString error;
        auto journal = Journal::start(dir.filePath("journal.jsonl"), doc, {}, &error);
        QVERIFY2(journal, qPrintable(error));
        doc.setJournal(journal.get());
        session(doc);
        journal->waitForWritten(); // records with pictures are written by the journal's writer thread
        journal->sync();
        QVERIFY(journal->records() > 15);

        const auto result = replayJournal(dir.filePath("journal.jsonl"));
        QVERIFY2(result.document, qPrintable(result.error));
        QVERIFY(!result.torn);
        const Document& back = *result.document;
        QCOMPARE(back.layerCount(), doc.layerCount());
        for (int i = 0; i < doc.layerCount(); ++i) {
            QCOMPARE(back.layer(i).name, doc.layer(i).name);
            QVERIFY2(back.layer(i).pixels == doc.layer(i).pixels, qPrintable(doc.layer(i).name));
            QCOMPARE(back.layer(i).visible, doc.layer(i).visible);
            QCOMPARE(back.layer(i).locked, doc.layer(i).locked);
            QCOMPARE(back.layer(i).blend, doc.layer(i).blend);
        }
        QCOMPARE(back.composite(), doc.composite());
        QCOMPARE(back.currentLayer(), doc.currentLayer());
        QVERIFY(back.selection() == doc.selection());
        // The undo history came back too: the same depth, and undoing everything gives the blank canvas.
        auto* stack = const_cast<Document&>(back).undoStack();
        QCOMPARE(stack->count(), doc.undoStack()->count());
        QCOMPARE(stack->index(), doc.undoStack()->index());
        stack->setIndex(0);
        doc.undoStack()->setIndex(0);
        QCOMPARE(back.composite(), doc.composite());
    }

    void aiLayerPicturesAreEncodedOffTheCallersThread()
    {
        // Issue #16 defect 6: an AI result layer's PNG + base64 for the journal was encoded on the
        // GUI thread (about a second for a 4096² layer). It is now encoded by the journal's writer
        // thread, and the records keep their order.
        QTemporaryDir dir;
        const QSize size(4096, 4096);
        QImage noise(size, QImage::Format_ARGB32_Premultiplied);
        QRandomGenerator rng(7);
        for (int y = 0; y < size.height(); ++y) {
            auto* row = reinterpret_cast<quint32*>(noise.scanLine(y));
            for (int x = 0; x < size.width(); ++x)
                row[x] = rng.generate() | 0xff000000u;
        }
        QElapsedTimer timer;
        timer.start();
        const QByteArray png = encodePng(noise);
        const qint64 encodeMs = timer.elapsed();
        Document doc(size);
        QString error;
        auto journal = Journal::start(dir.filePath("journal.jsonl"), doc, {}, &error);
        QVERIFY2(journal, qPrintable(error));
        doc.setJournal(journal.get());
        timer.restart();
        doc.addResultLayer(QStringLiteral("AI"), noise, QImage(), QStringLiteral("Apply AI"), {{"style", "x"}});
        const qint64 callMs = timer.elapsed();
        doc.renameLayer(1, QStringLiteral("AI, renamed")); // queued behind the picture
        QCOMPARE(journal->records(), qint64(3));
        qInfo("4096² AI layer: encoding its PNG takes %lld ms, adding the layer %lld ms on the caller's thread",
              static_cast<long long>(encodeMs), static_cast<long long>(callMs));
        QVERIFY(callMs * 3 < encodeMs);
        journal->waitForWritten();
        QFile file(dir.filePath("journal.jsonl"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 4); // begin, layer, rename, and the empty tail
        const QJsonObject layer = QJsonDocument::fromJson(lines[1]).object();
        const QJsonObject rename = QJsonDocument::fromJson(lines[2]).object();
        QCOMPARE(layer.value("seq").toInt(), 2);
        QCOMPARE(rename.value("seq").toInt(), 3);
        QCOMPARE(rename.value("op").toString(), QStringLiteral("rename"));
        QCOMPARE(QByteArray::fromBase64(layer.value("png").toString().toLatin1()), png);
        doc.setJournal(nullptr);
        journal.reset();
        const auto replay = replayJournal(dir.filePath("journal.jsonl"));
        QVERIFY2(replay.document, qPrintable(replay.error));
        QCOMPARE(replay.document->layer(1).name, QStringLiteral("AI, renamed"));
        QVERIFY(replay.document->layer(1).pixels == doc.layer(1).pixels);
    }

    void replayStartsFromABaseFile()
    {
        QTemporaryDir dir;
        Document doc(QSize(90, 60), Qt::white);
        doc.addLayer("existing", [] {
            QImage img(90, 60, QImage::Format_ARGB32_Premultiplied);
            img.fill(QColor(10, 120, 90));
            return img;
        }());
        QString error;
        QVERIFY(saveOra(doc, dir.filePath("base.ora"), &error));
        auto journal = Journal::start(dir.filePath("j.jsonl"), doc, "base.ora", &error);
        doc.setJournal(journal.get());
        BrushSettings b;
        b.size = 10;
        paint(doc, b, Qt::red, {5, 5}, {85, 55});
        doc.setJournal(nullptr);
        journal.reset();
        const auto result = replayJournal(dir.filePath("j.jsonl"));
        QVERIFY2(result.document, qPrintable(result.error));
        QCOMPARE(result.document->composite(), doc.composite());
    }

    void tornLastLineIsSkippedDamageIsRefused()
    {
        QTemporaryDir dir;
        Document doc(QSize(100, 100), Qt::white);
        QString error;
        auto journal = Journal::start(dir.filePath("j.jsonl"), doc, {}, &error);
        doc.setJournal(journal.get());
        BrushSettings b;
        paint(doc, b, Qt::blue, {10, 10}, {90, 10});
        const QImage afterFirst = doc.composite();
        paint(doc, b, Qt::red, {10, 50}, {90, 50});
        doc.setJournal(nullptr);
        journal.reset();
        QFile f(dir.filePath("j.jsonl"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray all = f.readAll();
        f.close();
        // A crash in the middle of writing the second stroke: only part of its line made it.
        const int cut = all.lastIndexOf("{\"brush\"") + 40;
        QFile torn(dir.filePath("torn.jsonl"));
        QVERIFY(torn.open(QIODevice::WriteOnly));
        torn.write(all.left(cut));
        torn.close();
        auto result = replayJournal(dir.filePath("torn.jsonl"));
        QVERIFY2(result.document, qPrintable(result.error));
        QVERIFY(result.torn);
        QCOMPARE(result.records, 2);
        QCOMPARE(result.document->composite(), afterFirst);

        // The same damage in the middle is an error that names the line.
        QFile middle(dir.filePath("middle.jsonl"));
        QVERIFY(middle.open(QIODevice::WriteOnly));
        middle.write(all.left(cut) + "\n" + all.mid(all.indexOf('\n') + 1));
        middle.close();
        result = replayJournal(dir.filePath("middle.jsonl"));
        QVERIFY(!result.document);
        QVERIFY2(result.error.contains("line 3 is damaged"), qPrintable(result.error));

        const auto write = [&](const QString& name, const QByteArray& text) {
            QFile g(dir.filePath(name));
            QVERIFY(g.open(QIODevice::WriteOnly));
            g.write(text);
        };
        const QByteArray begin = all.left(all.indexOf('\n') + 1);
        write("unknown.jsonl", begin + "{\"type\":\"teleport\"}\n");
        QVERIFY(replayJournal(dir.filePath("unknown.jsonl")).error.contains("unknown record type \"teleport\""));
        write("badlayer.jsonl", begin + "{\"type\":\"layer\",\"op\":\"remove\",\"layer\":7}\n");
        QVERIFY(replayJournal(dir.filePath("badlayer.jsonl")).error.contains("line 2"));
        write("nobegin.jsonl", "{\"type\":\"stroke\"}\n");
        QVERIFY(replayJournal(dir.filePath("nobegin.jsonl")).error.contains("begin"));
        write("escape.jsonl", "{\"type\":\"begin\",\"format\":1,\"size\":[10,10],\"base\":\"../x.ora\"}\n");
        QVERIFY(replayJournal(dir.filePath("escape.jsonl")).error.contains("not allowed"));
        write("huge.jsonl", "{\"type\":\"begin\",\"format\":1,\"size\":[100000,100000]}\n");
        QVERIFY(replayJournal(dir.filePath("huge.jsonl")).error.contains("invalid canvas size"));
        QVERIFY(replayJournal(dir.filePath("none.jsonl")).error.startsWith("Cannot replay none.jsonl"));
    }

    // Found by fuzz_journal (tests/data/bad/journal/select-feather-huge.jsonl): a feather radius
    // of 1e9 overflowed OpenCV's Gaussian kernel size and aborted the replay.
    void hugeFeatherRadiusIsClamped()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath("feather.jsonl"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"type\":\"begin\",\"format\":1,\"size\":[40,30]}\n"
                "{\"type\":\"select\",\"op\":\"rect\",\"rect\":[10,10,20,10]}\n"
                "{\"type\":\"select\",\"op\":\"feather\",\"radius\":1e9}\n");
        f.close();
        const auto result = replayJournal(dir.filePath("feather.jsonl"));
        QVERIFY2(result.document, qPrintable(result.error));
        QCOMPARE(result.records, 3);
        Document doc(QSize(40, 30), Qt::white);
        doc.selectRectangle(QRect(10, 10, 20, 10), Document::SelectMode::Replace);
        doc.featherSelection(Selection::kMaxFeatherRadius);
        QCOMPARE(result.document->selection().mask(), doc.selection().mask());
    }

    // Found by fuzz_journal (tests/data/bad/journal/points-huge-coordinates.jsonl and
    // points-overflowing-time.jsonl): a stroke from 1e308 to -1e308 laid dabs forever, and a
    // time of 1e300 ms was converted to qint64 (undefined behaviour).
    void hugeStrokeNumbersAreHarmless()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath("far.jsonl"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"type\":\"begin\",\"format\":1,\"size\":[40,30]}\n"
                "{\"type\":\"stroke\",\"layer\":0,\"brush\":{},\"colour\":\"#000000\",\"points\":"
                "[[1e308,-1e308,1,0,0,0],[-1e308,1e308,1,0,0,1e300],[5,5,1,0,0,-1e300],[200000,5,1,0,0,9],[20,20,1,0,0,12],"
                "[20,28,1,0,0,14]]}\n");
        f.close();
        const auto result = replayJournal(dir.filePath("far.jsonl"));
        QVERIFY2(result.document, qPrintable(result.error));
        QCOMPARE(result.records, 2);
        // Non-finite points are skipped; the jumps to x = 200000 and back lift the pen (no line
        // along y = 5), and painting goes on from (20,20) to (20,28).
        const QImage pixels = result.document->composite();
        QVERIFY(qGray(pixels.pixel(5, 5)) < 128);
        QVERIFY(qGray(pixels.pixel(20, 26)) < 128);
        QCOMPARE(qGray(pixels.pixel(38, 5)), 255);
    }

    // Found by fuzz_journal with UBSan (tests/data/bad/journal/select-ellipse-overflow.jsonl):
    // x + width overflowed int inside QRect.
    void hugeSelectionRectangleIsClamped()
    {
        QTemporaryDir dir;
        QFile f(dir.filePath("rect.jsonl"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"type\":\"begin\",\"format\":1,\"size\":[40,30]}\n"
                "{\"type\":\"select\",\"op\":\"rect\",\"rect\":[5,5,10,10]}\n"
                "{\"type\":\"select\",\"op\":\"ellipse\",\"rect\":[1,0,2147483647,2147483647],\"mode\":\"subtract\"}\n");
        f.close();
        const auto result = replayJournal(dir.filePath("rect.jsonl"));
        QVERIFY2(result.document, qPrintable(result.error));
        QCOMPARE(result.records, 3);
    }
};

GANVAS_QTEST_GUILESS_MAIN(JournalTest)
#include "JournalTest.moc"
