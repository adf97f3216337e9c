// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/brush/BrushSettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace ganvas::core {

const QVector<BrushParameter> kBrushParameters = {
    {"size", QT_TRANSLATE_NOOP("BrushSettings", "Size"), 1, 1000, 1, &BrushSettings::size},
    {"opacity", QT_TRANSLATE_NOOP("BrushSettings", "Opacity"), 0, 1, 0.01, &BrushSettings::opacity},
    {"flow", QT_TRANSLATE_NOOP("BrushSettings", "Flow"), 0.01, 1, 0.01, &BrushSettings::flow},
    {"hardness", QT_TRANSLATE_NOOP("BrushSettings", "Hardness"), 0, 1, 0.01, &BrushSettings::hardness},
    {"spacing", QT_TRANSLATE_NOOP("BrushSettings", "Spacing"), 0.01, 2, 0.01, &BrushSettings::spacing},
    {"smoothing", QT_TRANSLATE_NOOP("BrushSettings", "Smoothing"), 0, 0.99, 0.01, &BrushSettings::smoothing},
    {"smudge_strength", QT_TRANSLATE_NOOP("BrushSettings", "Smudge strength"), 0, 1, 0.01, &BrushSettings::smudgeStrength},
    {"minimum_size", QT_TRANSLATE_NOOP("BrushSettings", "Minimum size"), 0, 1, 0.01, &BrushSettings::minimumSizeFactor},
};

namespace {

const char* modeId(BrushMode m)
{
    switch (m) {
    case BrushMode::Paint: return "paint";
    case BrushMode::Erase: return "erase";
    case BrushMode::Smudge: return "smudge";
    }
    return "paint";
}

} // namespace

QJsonObject BrushSettings::toJson() const
{
    QJsonObject o{{"id", id}, {"name", name}, {"mode", QString::fromLatin1(modeId(mode))}};
    for (const auto& p : kBrushParameters)
        o[QString::fromLatin1(p.key)] = this->*(p.field);
    o["pressure_size"] = pressureSize.toJson();
    o["pressure_opacity"] = pressureOpacity.toJson();
    o["tilt_size"] = tiltSize.toJson();
    o["tilt_opacity"] = tiltOpacity.toJson();
    return o;
}

bool BrushSettings::fromJson(const QJsonObject& json, BrushSettings* out, QString* error)
{
    BrushSettings s;
    const auto fail = [error](const QString& key, const QString& why) {
        *error = QCoreApplication::translate("BrushSettings", "brush setting \"%1\": %2").arg(key, why);
        return false;
    };
    if (json.contains("id")) {
        if (!json["id"].isString() || json["id"].toString().isEmpty())
            return fail("id", QStringLiteral("must be a non-empty string"));
        s.id = json["id"].toString();
    }
    if (json.contains("name")) {
        if (!json["name"].isString())
            return fail("name", QStringLiteral("must be a string"));
        s.name = json["name"].toString();
    }
    if (json.contains("mode")) {
        const QString m = json["mode"].toString();
        if (m == "paint")
            s.mode = BrushMode::Paint;
        else if (m == "erase")
            s.mode = BrushMode::Erase;
        else if (m == "smudge")
            s.mode = BrushMode::Smudge;
        else
            return fail("mode", QStringLiteral("must be paint, erase or smudge"));
    }
    for (const auto& p : kBrushParameters) {
        const QString key = QString::fromLatin1(p.key);
        if (!json.contains(key))
            continue;
        if (!json[key].isDouble())
            return fail(key, QStringLiteral("must be a number"));
        const double v = json[key].toDouble();
        if (v < p.minimum || v > p.maximum)
            return fail(key, QStringLiteral("must be between %1 and %2").arg(p.minimum).arg(p.maximum));
        s.*(p.field) = v;
    }
    for (const auto& [key, curve] : {std::pair{"pressure_size", &s.pressureSize}, std::pair{"pressure_opacity", &s.pressureOpacity},
                                     std::pair{"tilt_size", &s.tiltSize}, std::pair{"tilt_opacity", &s.tiltOpacity}}) {
        if (json.contains(key) && !PressureCurve::fromJson(json[key].toArray(), curve))
            return fail(key, QStringLiteral("must be 2 to 64 [pressure, factor] pairs"));
    }
    *out = s;
    return true;
}

QVector<BrushSettings> loadBrushPresets(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > (1 << 20)) {
        *error = QCoreApplication::translate("BrushSettings", "cannot read brush presets %1").arg(path);
        return {};
    }
    QJsonParseError parse;
    const auto doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (!doc.isObject() || doc.object()["format"].toInt() != 1 || !doc.object()["brushes"].isArray()) {
        *error = QCoreApplication::translate("BrushSettings", "%1 is not a Ganvas brush presets file (format 1)").arg(path);
        return {};
    }
    QVector<BrushSettings> out;
    for (const auto& v : doc.object()["brushes"].toArray()) {
        BrushSettings s;
        if (!v.isObject() || !BrushSettings::fromJson(v.toObject(), &s, error))
            return {};
        out.push_back(s);
    }
    return out;
}

} // namespace ganvas::core
