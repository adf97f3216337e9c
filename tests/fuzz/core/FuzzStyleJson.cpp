// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the core side of a style folder's config.json — what the style gallery reads
// (ModelCatalogue::readEntry: category, description, tags, style_image and thumbnail paths that
// must stay inside the folder; StyleLibrary's scan, categories and search) and what a classic
// (OpenCV) style does with its architecture parameters. The engine's parser itself has its own
// target (fuzz_model_config); this one covers what core builds on top of it.
#include "FuzzCoreSupport.h"

#include "core/engine/models/ModelConfig.h"
#include "core/style/ClassicStyles.h"
#include "core/style/StyleLibrary.h"

#include <QImage>

namespace {
QString g_root;
}

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    ganvas::fuzz::initQt();
    g_root = ganvas::fuzz::scratchDir() + QStringLiteral("/models");
    // A style folder with the files a config may name, and one file just outside it.
    const QString folder = g_root + QStringLiteral("/styles/fuzz");
    QDir().mkpath(folder);
    QImage picture(12, 12, QImage::Format_RGB32);
    picture.fill(QColor(40, 120, 200));
    picture.save(folder + QStringLiteral("/style.png"));
    picture.save(folder + QStringLiteral("/thumbnail.png"));
    picture.save(g_root + QStringLiteral("/styles/outside.png"));
    QFile weights(folder + QStringLiteral("/model.safetensors"));
    if (weights.open(QIODevice::WriteOnly))
        weights.write(QByteArray("\x02\0\0\0\0\0\0\0{}", 10));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace ganvas::core;
    const QString folder = g_root + QStringLiteral("/styles/fuzz");
    ganvas::fuzz::writeInput(QStringLiteral("models/styles/fuzz/config.json"), data, size);

    StyleLibrary library;
    library.scan({g_root});
    const ModelEntry entry = ModelCatalogue::readEntry(folder, g_root);
    if (!entry.isValid() && entry.error.isEmpty())
        std::abort();
    for (const QString& file : {entry.styleImage, entry.thumbnail, entry.weightsPath})
        if (!file.isEmpty() && !QDir::cleanPath(file).startsWith(folder + QLatin1Char('/')))
            std::abort(); // a path that leaves the model folder
    if (entry.tags.size() > 32)
        std::abort();
    (void)library.categories();
    (void)library.filter(QStringLiteral("a"));
    (void)library.filter(QString(), entry.category, true);

    // A classic style, applied as StyleJob applies it (architecture from the config).
    if (entry.kind == QLatin1String("style") && entry.architecture == QLatin1String("opencv")) {
        try {
            const auto arch = ganvas::engine::loadModelConfig(folder.toStdString()).architecture;
            const QString filter = arch.contains("filter") && arch["filter"].is_string()
                                       ? QString::fromStdString(arch["filter"].get<std::string>())
                                       : QString();
            QImage content(20, 14, QImage::Format_RGBA8888);
            content.fill(QColor(200, 120, 40, 180));
            QString error;
            const QImage out = applyClassicFilter(filter, content, arch, &error);
            if (out.isNull() ? error.isEmpty() : out.size() != content.size())
                std::abort();
        } catch (const ganvas::engine::ModelConfigError&) {
        }
    }
    return 0;
}
