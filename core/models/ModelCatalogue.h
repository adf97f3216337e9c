// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ModelCatalogue.h
/// Finds the models on disk: every folder `<root>/<kind folder>/<model>/config.json`, where the
/// kind folders are styles/, generators/ and upscalers/ and the roots are, in order, the folders
/// in GANVAS_MODEL_PATH, the user's data folder (~/.local/share/Ganvas/models) and the bundled
/// resources. Reads configs only (never weights, never code); a broken model is listed with its
/// error so the UI can say what is wrong instead of hiding it.

#include <QString>
#include <QStringList>
#include <QVector>

namespace ganvas::core {

struct ModelEntry {
    QString id;
    QString name;
    QString kind;        ///< "style", "generator", "upscaler", "feature-network"
    QString folder;      ///< absolute path of the model folder
    QString weightsPath; ///< absolute path of the weights file (may be missing: see error)
    QString license;
    QString sha256;      ///< from config.json; empty when the config gives none
    QString root;        ///< which search root it came from
    QString error;       ///< empty when the config is valid and the weights file exists
    QString architecture; ///< architecture.type: "johnson", "opencv", "gatys", ... (may be empty)
    int scale = 0;       ///< architecture.scale (upscalers' enlargement factor); 0 when absent
    QString category;    ///< optional display group ("Painterly", "Graphic", ...)
    QString description;
    QStringList tags;
    QString styleImage;  ///< absolute path of the style image shipped with a style, if any
    QString thumbnail;   ///< absolute path of a thumbnail image, if any
    bool isValid() const { return error.isEmpty(); }
};

class ModelCatalogue {
public:
    /// GANVAS_MODEL_PATH (':'-separated), the user's model folder, the bundled resources folder.
    static QStringList defaultRoots();
    /// The user's writable model folder (created on demand by whoever writes there).
    static QString userModelRoot();
    /// Bundled resources: $GANVAS_RESOURCES, else <exe>/../share/ganvas when installed, else the
    /// source tree's resources/ for a build that has not been installed.
    static QString bundledResourceRoot();

    /// Re-reads every root. Folders without config.json are ignored; invalid configs are kept
    /// as entries with an error. A model id seen in an earlier root shadows later ones.
    void scan(const QStringList& roots = defaultRoots());

    /// One model folder's entry (with its error when the config is broken), as scan() reads it.
    static ModelEntry readEntry(const QString& folder, const QString& root = {});

    const QVector<ModelEntry>& entries() const { return m_entries; }
    QVector<ModelEntry> entries(const QString& kind) const;
    const QStringList& roots() const { return m_roots; }

    /// Hashes the weights file (SHA-256, streamed) and compares with the config's hash.
    /// Returns an empty string when they match, else a message. Slow for big files: not on the UI thread.
    static QString verify(const ModelEntry& entry);

    /// What every load of a model's weights goes through (styles, generators, upscalers): verify()
    /// with a memory of the files already found good, so that a start-up does not hash the bundled
    /// 140 MB again. A file whose absolute path, size, modification time and expected hash match an
    /// earlier successful check is trusted; the memory lives for the process and in the user's
    /// cache folder (model-hashes.json in QStandardPaths::CacheLocation). It guards against
    /// corrupt, truncated or swapped weights, not against someone who forges a file's timestamp.
    /// A config without "sha256" (e.g. a model trained here) passes unverified. Throws
    /// std::runtime_error naming the model and the problem. Thread-safe; hashes off the UI thread
    /// because loads run in jobs and loader threads.
    static void requireVerified(const ModelEntry& entry);
    /// The same for a model folder (reads its config first).
    static void requireVerified(const QString& folder);
    /// How many files requireVerified() has hashed in this process (for tests and start-up figures).
    static int hashedCount();

private:
    QStringList m_roots;
    QVector<ModelEntry> m_entries;
};

} // namespace ganvas::core
