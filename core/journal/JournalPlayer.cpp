// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/journal/JournalPlayer.h"

#include "core/brush/FloodFill.h"
#include "core/brush/StrokeSession.h"
#include "core/document/Document.h"
#include "core/io/OraFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace ganvas::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("JournalPlayer", text);
}

QImage decodePng(const QJsonValue& value, bool* ok)
{
    const QByteArray bytes = QByteArray::fromBase64(value.toString().toLatin1());
    QImage image;
    *ok = value.isString() && (value.toString().isEmpty() || image.loadFromData(bytes, "png"));
    return image.isNull() ? image : image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
}

/// Applies one record; returns an error message or an empty string.
QString apply(Document& doc, const QJsonObject& r)
{
    const QString type = r["type"].toString();
    const int layer = r["layer"].toInt(-1);
    const bool layerOk = layer >= 0 && layer < doc.layerCount();
    if (type == "stroke") {
        if (!layerOk)
            return tr("stroke on a layer that does not exist");
        BrushSettings brush;
        QString why;
        if (!BrushSettings::fromJson(r["brush"].toObject(), &brush, &why))
            return why;
        const QColor colour(r["colour"].toString());
        if (!colour.isValid())
            return tr("stroke colour is not a colour");
        const QJsonArray points = r["points"].toArray();
        if (points.isEmpty())
            return tr("stroke without points");
        const bool mask = r["mask"].toBool();
        if (mask && !doc.layer(layer).hasMask)
            return tr("mask stroke on a layer without a mask");
        StrokeSession stroke(&doc, layer, brush, colour, mask);
        for (int i = 0; i < points.size(); ++i) {
            const QJsonArray p = points[i].toArray();
            if (p.size() != 6)
                return tr("stroke point %1 is malformed").arg(i);
            // Milliseconds since the stroke began; clamped before the conversion (a double beyond
            // qint64's range converts to undefined behaviour, which fuzzing with UBSan found).
            const double ms = p[5].toDouble();
            const InputPoint in{{p[0].toDouble(), p[1].toDouble()}, p[2].toDouble(), p[3].toDouble(), p[4].toDouble(),
                                qint64(std::isfinite(ms) ? std::clamp(ms, -1e15, 1e15) : 0.0)};
            i == 0 ? stroke.begin(in) : stroke.moveTo(in);
        }
        stroke.end(r["text"].toString(tr("Brush stroke")));
        return {};
    }
    if (type == "layer") {
        const QString op = r["op"].toString();
        if (op == "add") {
            bool ok = true;
            const QImage image = r.contains("png") ? decodePng(r["png"], &ok) : QImage();
            if (!ok)
                return tr("layer image is not a PNG");
            if (r.contains("mask_png") || r.contains("ai")) {
                const QImage mask = r.contains("mask_png") ? decodePng(r["mask_png"], &ok) : QImage();
                if (!ok || (!mask.isNull() && mask.size() != doc.size()))
                    return tr("layer mask is not a PNG of the canvas size");
                doc.addResultLayer(r["name"].toString(), image, mask, r["text"].toString(tr("Add layer")),
                                   r["ai"].toObject());
                return {};
            }
            doc.addLayer(r["name"].toString(), image);
            return {};
        }
        if (op == "flatten") {
            doc.flatten();
            return {};
        }
        if (!layerOk)
            return tr("layer operation \"%1\" on a layer that does not exist").arg(op);
        if (op == "remove")
            return doc.removeLayer(layer) ? QString() : tr("the last layer cannot be removed");
        if (op == "duplicate")
            doc.duplicateLayer(layer);
        else if (op == "move") {
            const int to = r["to"].toInt(-1);
            if (to < 0 || to >= doc.layerCount())
                return tr("layer moved out of the stack");
            doc.moveLayer(layer, to);
        } else if (op == "merge-down") {
            if (!doc.mergeDown(layer))
                return tr("the bottom layer cannot be merged down");
        } else if (op == "visible")
            doc.setLayerVisible(layer, r["value"].toBool());
        else if (op == "opacity")
            doc.setLayerOpacity(layer, r["value"].toDouble());
        else if (op == "blend") {
            bool ok = false;
            const BlendMode mode = blendModeFromId(r["value"].toString(), &ok);
            if (!ok)
                return tr("unknown blend mode");
            doc.setLayerBlendMode(layer, mode);
        } else if (op == "lock")
            doc.setLayerLocked(layer, r["value"].toBool());
        else if (op == "rename")
            doc.renameLayer(layer, r["value"].toString());
        else if (op == "mask-add")
            doc.addLayerMask(layer);
        else if (op == "mask-remove")
            doc.removeLayerMask(layer);
        else
            return tr("unknown layer operation \"%1\"").arg(op);
        return {};
    }
    if (type == "tiles") {
        if (!layerOk)
            return tr("pixels for a layer that does not exist");
        const QJsonObject tiles = r["tiles"].toObject();
        QHash<int, QImage> after;
        const int count = doc.layer(layer).pixels.tileCount();
        for (auto it = tiles.begin(); it != tiles.end(); ++it) {
            bool ok = false;
            const int index = it.key().toInt(&ok);
            QImage tile = decodePng(it.value(), &ok);
            if (!ok || index < 0 || index >= count ||
                (!tile.isNull() && tile.size() != QSize(TileGrid::kTileSize, TileGrid::kTileSize)))
                return tr("a tile is malformed");
            after.insert(index, tile);
        }
        doc.replaceTiles(layer, after, r["text"].toString());
        return {};
    }
    if (type == "current") {
        if (!layerOk)
            return tr("current layer does not exist");
        doc.setCurrentLayer(layer);
        return {};
    }
    if (type == "undo-index") {
        const int index = r["index"].toInt(-1);
        if (index < 0 || index > doc.undoStack()->count())
            return tr("undo position %1 does not exist").arg(index);
        doc.undoStack()->setIndex(index);
        return {};
    }
    if (type == "select") {
        const QString op = r["op"].toString();
        const QString m = r["mode"].toString("replace");
        const auto mode = m == "add" ? Document::SelectMode::Add
                          : m == "subtract" ? Document::SelectMode::Subtract : Document::SelectMode::Replace;
        const QJsonArray rect = r["rect"].toArray();
        // Clamped far beyond any canvas so that x + width cannot overflow int inside QRect
        // (fuzzing with UBSan found [1, 0, 2147483647, 2147483647]).
        const auto coordinate = [&](int i) {
            return std::clamp(rect.at(i).toInt(), -4 * Document::kMaxEdge, 4 * Document::kMaxEdge);
        };
        const QRect box(coordinate(0), coordinate(1), coordinate(2), coordinate(3));
        if (op == "rect")
            doc.selectRectangle(box, mode);
        else if (op == "ellipse")
            doc.selectEllipse(box, mode);
        else if (op == "polygon") {
            const QJsonArray flat = r["points"].toArray();
            QPolygonF poly;
            for (int i = 0; i + 1 < flat.size(); i += 2)
                poly << QPointF(flat[i].toDouble(), flat[i + 1].toDouble());
            if (poly.size() < 3)
                return tr("lasso with fewer than 3 points");
            doc.selectPolygon(poly, mode);
        } else if (op == "all")
            doc.selectAll();
        else if (op == "none")
            doc.deselect();
        else if (op == "invert")
            doc.invertSelection();
        else if (op == "feather")
            doc.featherSelection(r["radius"].toDouble());
        else
            return tr("unknown selection operation \"%1\"").arg(op.left(40));
        return {};
    }
    if (type == "fill") {
        if (!layerOk)
            return tr("fill on a layer that does not exist");
        const QJsonArray at = r["at"].toArray();
        const QColor colour(r["colour"].toString());
        if (at.size() != 2 || !colour.isValid())
            return tr("malformed fill");
        floodFill(doc, layer, QPoint(at[0].toInt(), at[1].toInt()), colour, r["tolerance"].toInt(), r["merged"].toBool());
        return {};
    }
    if (type == "saved")
        return {};
    return tr("unknown record type \"%1\"").arg(type.left(40));
}

} // namespace

ReplayResult replayJournal(const QString& path, const ReplayOptions& options)
{
    ReplayResult result;
    const QString name = QFileInfo(path).fileName();
    const auto fail = [&](const QString& why) {
        result.document.reset();
        result.error = tr("Cannot replay %1: %2.").arg(name, why);
        return std::move(result);
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(file.errorString());
    if (file.size() > options.maxBytes)
        return fail(tr("the journal is larger than %1 MB").arg(options.maxBytes >> 20));
    const QByteArray data = file.readAll();
    QList<QByteArray> lines = data.split('\n');
    const bool endsWithNewline = data.endsWith('\n');
    if (endsWithNewline)
        lines.removeLast();
    if (lines.isEmpty())
        return fail(tr("the journal is empty"));

    for (int i = 0; i < lines.size(); ++i) {
        if (options.maxRecords > 0 && i >= options.maxRecords)
            break;
        QJsonParseError parseError;
        const QJsonDocument json = QJsonDocument::fromJson(lines[i], &parseError);
        const bool last = i == lines.size() - 1;
        if (!json.isObject()) {
            if (last && !endsWithNewline && i > 0) { // cut off by a crash mid-write
                result.torn = true;
                break;
            }
            return fail(tr("line %1 is damaged (%2)").arg(i + 1).arg(parseError.errorString()));
        }
        const QJsonObject r = json.object();
        if (i == 0) {
            if (r["type"].toString() != "begin" || r["format"].toInt() != 1)
                return fail(tr("it does not start with a format 1 \"begin\" record"));
            const QJsonArray size = r["size"].toArray();
            const QSize canvas(size.at(0).toInt(), size.at(1).toInt());
            if (canvas.width() < 1 || canvas.height() < 1 || canvas.width() > Document::kMaxEdge ||
                canvas.height() > Document::kMaxEdge)
                return fail(tr("line 1 gives an invalid canvas size"));
            if (r.contains("base")) {
                const QString base = r["base"].toString();
                if (base.contains(QLatin1String("..")) || base.contains(QLatin1Char('/')))
                    return fail(tr("the base file name \"%1\" is not allowed").arg(base));
                QString why;
                result.document = loadOra(QFileInfo(path).dir().filePath(base), &why);
                if (!result.document)
                    return fail(why);
                if (result.document->size() != canvas)
                    return fail(tr("the base file does not match the journal's canvas"));
            } else {
                const QColor background(r["background"].toString());
                result.document = std::make_unique<Document>(canvas, background.isValid() ? background : QColor(Qt::white));
            }
            result.document->setDpi(r["dpi"].toInt(72));
            result.document->setFilePath(r["file"].toString());
        } else {
            const QString why = apply(*result.document, r);
            if (!why.isEmpty())
                return fail(tr("line %1: %2").arg(i + 1).arg(why));
        }
        ++result.records;
        if (options.afterRecord)
            options.afterRecord(*result.document, i + 1);
    }
    return result;
}

} // namespace ganvas::core
