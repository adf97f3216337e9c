// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/io/Provenance.h"

#include "core/app/RuntimeReport.h"
#include "core/document/Document.h"
#include "core/journal/Journal.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ganvas::core {

QMap<QString, QString> provenanceText(const Document& document)
{
    QJsonArray layers;
    for (const Layer& l : document.layers())
        layers.append(QJsonObject{{"name", l.name}, {"blend", blendModeId(l.blend)}, {"opacity", l.opacity}, {"visible", l.visible}});
    QJsonObject p{{"app", QStringLiteral("Ganvas %1").arg(ganvasVersion())},
                  {"canvas", QJsonArray{document.size().width(), document.size().height()}},
                  {"dpi", document.dpi()},
                  {"layers", layers}};
    if (!document.filePath().isEmpty())
        p["project"] = QFileInfo(document.filePath()).fileName();
    if (document.journal())
        p["journal_records"] = document.journal()->records();
    return {{QStringLiteral("Software"), QStringLiteral("Ganvas %1").arg(ganvasVersion())},
            {QStringLiteral("GanvasProvenance"), QString::fromUtf8(QJsonDocument(p).toJson(QJsonDocument::Compact))}};
}

} // namespace ganvas::core
