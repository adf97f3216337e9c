// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/models/ModelCatalogue.h"

#include "core/engine/models/ModelConfig.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QDateTime>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>

#include <atomic>
#include <stdexcept>

#ifndef GANVAS_SOURCE_RESOURCES_DIR
#define GANVAS_SOURCE_RESOURCES_DIR ""
#endif

namespace ganvas::core {

namespace {
const char* const kKindFolders[] = {"styles", "generators", "upscalers", "feature-networks"};
}

QString ModelCatalogue::userModelRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/Ganvas/models");
}

QString ModelCatalogue::bundledResourceRoot()
{
    const QString fromEnv = qEnvironmentVariable("GANVAS_RESOURCES");
    if (!fromEnv.isEmpty())
        return QDir(fromEnv).absolutePath();
    if (QCoreApplication::instance()) {
        const QString installed = QCoreApplication::applicationDirPath() + QStringLiteral("/../share/ganvas");
        if (QFileInfo(installed + QStringLiteral("/resources.json")).exists())
            return QDir(installed).canonicalPath();
    }
    return QStringLiteral(GANVAS_SOURCE_RESOURCES_DIR);
}

QStringList ModelCatalogue::defaultRoots()
{
    QStringList roots;
    for (const QString& p : qEnvironmentVariable("GANVAS_MODEL_PATH").split(QLatin1Char(':'), Qt::SkipEmptyParts))
        roots << QDir(p).absolutePath();
    roots << userModelRoot();
    const QString bundled = bundledResourceRoot();
    if (!bundled.isEmpty())
        roots << bundled;
    roots.removeDuplicates();
    return roots;
}

namespace {

/// Optional display keys of config.json ("category", "description", "tags", "style_image",
/// "thumbnail"); files must stay inside the model folder (else they are ignored).
void readPresentation(const engine::ModelConfig& config, ModelEntry& entry)
{
    auto text = [&](const char* key) {
        const auto it = config.extra.find(key);
        return it != config.extra.end() && it->is_string() ? QString::fromStdString(it->get<std::string>()).left(512)
                                                            : QString();
    };
    auto file = [&](const char* key) {
        const QString name = text(key);
        if (name.isEmpty())
            return QString();
        try {
            const auto path = engine::resolveInsideFolder(config.folder, name.toStdString());
            return QFileInfo::exists(QString::fromStdString(path.string())) ? QString::fromStdString(path.string())
                                                                             : QString();
        } catch (const engine::ModelConfigError&) {
            return QString();
        }
    };
    entry.category = text("category");
    entry.description = text("description");
    entry.styleImage = file("style_image");
    entry.thumbnail = file("thumbnail");
    const auto tags = config.extra.find("tags");
    if (tags != config.extra.end() && tags->is_array())
        for (const auto& t : *tags)
            if (t.is_string() && entry.tags.size() < 32)
                entry.tags << QString::fromStdString(t.get<std::string>()).left(64);
}

} // namespace

ModelEntry ModelCatalogue::readEntry(const QString& folder, const QString& root)
{
    ModelEntry entry;
    entry.folder = folder;
    entry.root = root;
    entry.id = QFileInfo(folder).fileName();
    try {
        const auto config = engine::loadModelConfig(folder.toStdString());
        entry.id = QString::fromStdString(config.id);
        entry.name = QString::fromStdString(config.name);
        entry.kind = QString::fromLatin1(engine::modelKindName(config.kind));
        entry.weightsPath = QString::fromStdString(config.weightsPath().string());
        entry.license = QString::fromStdString(config.license);
        entry.sha256 = QString::fromStdString(config.sha256);
        if (config.architecture.contains("type") && config.architecture["type"].is_string())
            entry.architecture = QString::fromStdString(config.architecture["type"].get<std::string>());
        if (config.architecture.contains("scale") && config.architecture["scale"].is_number_integer())
            entry.scale = config.architecture["scale"].get<int>();
        readPresentation(config, entry);
        if (config.weights.empty())
            entry.weightsPath.clear();
        else if (!QFileInfo::exists(entry.weightsPath))
            entry.error = QCoreApplication::translate("ModelCatalogue", "weights file %1 is missing")
                              .arg(QFileInfo(entry.weightsPath).fileName());
    } catch (const std::exception& e) {
        entry.name = entry.id;
        entry.error = QString::fromStdString(e.what());
    }
    return entry;
}

void ModelCatalogue::scan(const QStringList& roots)
{
    m_roots = roots;
    m_entries.clear();
    QSet<QString> seen; // kind/id
    for (const QString& root : roots) {
        for (const char* kindFolder : kKindFolders) {
            const QDir dir(root + QLatin1Char('/') + QLatin1String(kindFolder));
            if (!dir.exists())
                continue;
            const auto folders = dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
            for (const QFileInfo& folder : folders) {
                if (!QFileInfo::exists(folder.absoluteFilePath() + QStringLiteral("/config.json")))
                    continue;
                const ModelEntry entry = readEntry(folder.absoluteFilePath(), root);
                const QString key = entry.kind + QLatin1Char('/') + entry.id;
                if (seen.contains(key))
                    continue;
                seen.insert(key);
                m_entries.push_back(entry);
            }
        }
    }
}

QVector<ModelEntry> ModelCatalogue::entries(const QString& kind) const
{
    QVector<ModelEntry> out;
    for (const auto& e : m_entries)
        if (e.kind == kind)
            out.push_back(e);
    return out;
}

QString ModelCatalogue::verify(const ModelEntry& entry)
{
    if (!entry.isValid())
        return entry.error;
    if (entry.sha256.isEmpty())
        return QCoreApplication::translate("ModelCatalogue", "no sha256 in config.json: weights unverified");
    QFile file(entry.weightsPath);
    if (!file.open(QIODevice::ReadOnly))
        return QCoreApplication::translate("ModelCatalogue", "cannot read %1").arg(entry.weightsPath);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return QCoreApplication::translate("ModelCatalogue", "cannot read %1").arg(entry.weightsPath);
    const QString actual = QString::fromLatin1(hash.result().toHex());
    if (actual != entry.sha256)
        return QCoreApplication::translate("ModelCatalogue", "weights hash mismatch: expected %1, file has %2")
            .arg(entry.sha256, actual);
    return {};
}

namespace {

/// The files found good: absolute path -> "size:mtime-ms:sha256". Loaded from and saved to
/// model-hashes.json in the cache folder.
struct VerifiedFiles {
    QMutex mutex;
    bool loaded = false;
    QHash<QString, QString> good;
    std::atomic<int> hashed{0};

    static QString cachePath()
    {
        return QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + QStringLiteral("/model-hashes.json");
    }

    void loadOnce()
    {
        if (loaded)
            return;
        loaded = true;
        QFile file(cachePath());
        if (!file.open(QIODevice::ReadOnly) || file.size() > (4 << 20))
            return; // none yet, or not ours: start afresh
        const QJsonObject object = QJsonDocument::fromJson(file.readAll()).object();
        for (auto it = object.begin(); it != object.end(); ++it)
            good.insert(it.key(), it.value().toString());
    }

    void save() const
    {
        QJsonObject object;
        for (auto it = good.cbegin(); it != good.cend(); ++it)
            object.insert(it.key(), it.value());
        QDir().mkpath(QFileInfo(cachePath()).absolutePath());
        QSaveFile file(cachePath());
        if (file.open(QIODevice::WriteOnly)) {
            file.write(QJsonDocument(object).toJson(QJsonDocument::Compact));
            file.commit(); // a cache: if this fails, the next start hashes again
        }
    }
};

VerifiedFiles& verifiedFiles()
{
    static VerifiedFiles files;
    return files;
}

QString fileStamp(const QFileInfo& info, const QString& sha256)
{
    return QStringLiteral("%1:%2:%3")
        .arg(info.size())
        .arg(info.lastModified().toMSecsSinceEpoch())
        .arg(sha256);
}

} // namespace

void ModelCatalogue::requireVerified(const ModelEntry& entry)
{
    const auto fail = [&](const QString& why) {
        throw std::runtime_error(QCoreApplication::translate("ModelCatalogue", "The model '%1' cannot be used: %2")
                                     .arg(entry.id.isEmpty() ? entry.folder : entry.id, why)
                                     .toStdString());
    };
    if (!entry.isValid())
        fail(entry.error);
    if (entry.sha256.isEmpty())
        return; // unverified by design (see the header)
    const QFileInfo info(entry.weightsPath);
    const QString path = info.absoluteFilePath();
    const QString stamp = fileStamp(info, entry.sha256);
    auto& files = verifiedFiles();
    {
        QMutexLocker lock(&files.mutex);
        files.loadOnce();
        if (files.good.value(path) == stamp)
            return;
    }
    ++files.hashed;
    const QString problem = verify(entry); // outside the lock: other models load meanwhile
    if (!problem.isEmpty()) {
        QMutexLocker lock(&files.mutex);
        if (files.good.remove(path) > 0)
            files.save();
        fail(problem);
    }
    QMutexLocker lock(&files.mutex);
    files.good.insert(path, stamp);
    files.save();
}

void ModelCatalogue::requireVerified(const QString& folder)
{
    requireVerified(readEntry(QFileInfo(folder).absoluteFilePath()));
}

int ModelCatalogue::hashedCount()
{
    return verifiedFiles().hashed.load();
}

} // namespace ganvas::core
