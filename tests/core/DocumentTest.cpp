// SPDX-License-Identifier: GPL-3.0-or-later
// The tiled document: tiles, copy-on-write, blend modes against the W3C formulas, masks,
// structural operations and their undo.
#include "core/document/Document.h"

#include <QtTest>
#include "tests/TestMain.h"

using namespace ganvas::core;

namespace {

QImage solid(QSize size, QColor c)
{
    QImage img(size, QImage::Format_ARGB32_Premultiplied);
    img.fill(c);
    return img;
}

QColor px(const Document& doc, int x, int y)
{
    return doc.render(QRect(x, y, 1, 1)).pixelColor(0, 0);
}

bool near(QColor a, QColor b, int tol = 1)
{
    return qAbs(a.red() - b.red()) <= tol && qAbs(a.green() - b.green()) <= tol && qAbs(a.blue() - b.blue()) <= tol &&
           qAbs(a.alpha() - b.alpha()) <= tol;
}

int blendChannel(BlendMode m, int top, int bottom)
{
    switch (m) {
    case BlendMode::Normal: return top;
    case BlendMode::Multiply: return top * bottom / 255;
    case BlendMode::Screen: return top + bottom - top * bottom / 255;
    case BlendMode::Overlay: // hard light with the layers swapped: the backdrop decides
        return bottom < 128 ? 2 * top * bottom / 255 : 255 - 2 * (255 - top) * (255 - bottom) / 255;
    case BlendMode::Darken: return qMin(top, bottom);
    case BlendMode::Lighten: return qMax(top, bottom);
    case BlendMode::Add: return qMin(255, top + bottom);
    }
    return top;
}

} // namespace

class DocumentTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tilesRoundTripAndStaySparse()
    {
        QImage img(130, 70, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::transparent);
        for (int y = 0; y < 70; ++y)
            for (int x = 100; x < 130; ++x)
                img.setPixelColor(x, y, QColor(x, y, 50, 200));
        TileGrid grid(img.size());
        QCOMPARE(grid.columns(), 3);
        QCOMPARE(grid.rows(), 2);
        grid.fromImage(img);
        QCOMPARE(grid.allocatedTiles(), 4); // x 100..129 lies in tile columns 1 and 2; column 0 stays null
        QVERIFY(grid.tile(0).isNull() && grid.tile(3).isNull());
        QCOMPARE(grid.toImage(), img);
        QCOMPARE(grid.copyRegion(QRect(99, 10, 5, 5)), img.copy(99, 10, 5, 5));
        QCOMPARE(grid.tilesIn(QRect(60, 60, 10, 10)), QVector<int>({0, 1, 3, 4}));
    }

    void tilesAreCopyOnWrite()
    {
        TileGrid a(QSize(128, 128));
        a.fill(Qt::red);
        const QImage before = a.tile(0);
        TileGrid b = a;
        b.tileForWrite(0).setPixelColor(0, 0, Qt::blue);
        QCOMPARE(a.tile(0).pixelColor(0, 0), QColor(Qt::red));
        QCOMPARE(before.pixelColor(0, 0), QColor(Qt::red));
        QCOMPARE(b.tile(0).pixelColor(0, 0), QColor(Qt::blue));
        QCOMPARE(a.tile(1).cacheKey(), b.tile(1).cacheKey()); // untouched tiles still shared
        QVERIFY(!(a == b));
    }

    void blendModesFollowTheFormulas_data()
    {
        QTest::addColumn<int>("mode");
        for (BlendMode m : kAllBlendModes)
            QTest::newRow(qPrintable(blendModeId(m))) << int(m);
    }
    void blendModesFollowTheFormulas()
    {
        QFETCH(int, mode);
        const auto m = BlendMode(mode);
        const QColor bottom(100, 150, 200), top(200, 100, 50);
        Document doc(QSize(8, 8), bottom);
        doc.addLayer("top", solid({8, 8}, top));
        doc.setLayerBlendMode(1, m);
        const QColor expected(blendChannel(m, top.red(), bottom.red()), blendChannel(m, top.green(), bottom.green()),
                              blendChannel(m, top.blue(), bottom.blue()));
        QVERIFY2(near(px(doc, 3, 3), expected, 2),
                 qPrintable(QStringLiteral("%1: got %2 want %3").arg(blendModeId(m), px(doc, 3, 3).name(), expected.name())));
    }

    void opacityAndVisibility()
    {
        Document doc(QSize(8, 8), QColor(0, 0, 0));
        doc.addLayer("white", solid({8, 8}, Qt::white));
        doc.setLayerOpacity(1, 0.5);
        QVERIFY(near(px(doc, 0, 0), QColor(128, 128, 128), 1));
        doc.setLayerVisible(1, false);
        QCOMPARE(px(doc, 0, 0), QColor(0, 0, 0));
        doc.undoStack()->undo();
        doc.undoStack()->undo();
        QCOMPARE(px(doc, 0, 0), QColor(Qt::white));
    }

    void masksHideWhereBlack()
    {
        Layer bottom;
        bottom.name = "bottom";
        bottom.pixels = TileGrid(QSize(100, 10));
        bottom.pixels.fill(Qt::blue);
        Layer top = bottom;
        top.name = "top";
        top.pixels.fill(Qt::red);
        top.hasMask = true;
        top.mask = TileGrid(QSize(100, 10));
        QImage mask = solid({100, 10}, Qt::white);
        for (int y = 0; y < 10; ++y)
            for (int x = 50; x < 100; ++x)
                mask.setPixelColor(x, y, Qt::transparent);
        top.mask.fromImage(mask);
        Document doc(QSize(100, 10), {bottom, top});
        QCOMPARE(px(doc, 10, 5), QColor(Qt::red));
        QCOMPARE(px(doc, 80, 5), QColor(Qt::blue));
        doc.removeLayerMask(1);
        QCOMPARE(px(doc, 80, 5), QColor(Qt::red));
        // Merging down applies the mask.
        doc.undoStack()->undo();
        QVERIFY(doc.mergeDown(1));
        QCOMPARE(doc.layerCount(), 1);
        QCOMPARE(px(doc, 80, 5), QColor(Qt::blue));
        QCOMPARE(px(doc, 10, 5), QColor(Qt::red));
    }

    void structuralOperationsUndoExactly()
    {
        Document doc(QSize(200, 100), Qt::white);
        const QImage blank = doc.composite();
        doc.addLayer("A", solid({200, 100}, QColor(255, 0, 0, 128)));
        doc.addLayer("B", solid({100, 100}, QColor(0, 0, 255)));
        doc.setLayerBlendMode(2, BlendMode::Multiply);
        const QImage three = doc.composite();
        doc.duplicateLayer(1);
        QCOMPARE(doc.layerCount(), 4);
        QCOMPARE(doc.layer(2).name, QStringLiteral("A copy"));
        doc.moveLayer(3, 0);
        QCOMPARE(doc.layer(0).name, QStringLiteral("B"));
        doc.renameLayer(0, "Blue");
        doc.setLayerLocked(0, true);
        QVERIFY(doc.removeLayer(0));
        const QImage beforeMerge = doc.composite();
        QVERIFY(doc.mergeDown(2));
        QVERIFY(near(doc.composite().pixelColor(20, 20), beforeMerge.pixelColor(20, 20), 1));
        doc.flatten();
        QCOMPARE(doc.layerCount(), 1);
        QVERIFY(near(doc.composite().pixelColor(150, 50), beforeMerge.pixelColor(150, 50), 1));
        // All the way back.
        while (doc.undoStack()->canUndo())
            doc.undoStack()->undo();
        QCOMPARE(doc.layerCount(), 1);
        QCOMPARE(doc.composite(), blank);
        for (int i = 0; i < 3; ++i) // add A, add B, multiply
            doc.undoStack()->redo();
        QCOMPARE(doc.composite(), three);
        QVERIFY(!doc.removeLayer(7));
    }

    void lastLayerCannotBeRemoved()
    {
        Document doc(QSize(4, 4));
        QVERIFY(!doc.removeLayer(0));
        QCOMPARE(doc.undoStack()->count(), 0);
    }
};

GANVAS_QTEST_GUILESS_MAIN(DocumentTest)
#include "DocumentTest.moc"
