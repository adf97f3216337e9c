// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file Provenance.h
/// What made an exported image, written into its text chunks: the application and version,
/// canvas, layers, the project file and how many journal records led to it. AI operations add
/// their model, parameters and seed to the journal, which this summarises (issues #4–#6).

#include <QMap>
#include <QString>

namespace ganvas::core {

class Document;

/// Keys: "Software" ("Ganvas 0.1.0") and "GanvasProvenance" (compact JSON; PNG keywords take no colon).
QMap<QString, QString> provenanceText(const Document& document);

} // namespace ganvas::core
