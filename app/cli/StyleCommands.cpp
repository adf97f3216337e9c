// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli styles | style | style-train: list the style gallery, apply a style to an image,
// and train a feed-forward network for a new style.
#include "app/cli/CliJob.h"
#include "app/cli/Command.h"
#include "core/jobs/MemoryPreflight.h"
#include "core/engine/nn/Device.h"
#include "core/engine/style/StyleMetrics.h"
#include "core/engine/style/StyleTrainer.h"
#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"
#include "core/settings/ComputeSettings.h"
#include "core/style/ContentImages.h"
#include "core/style/StyleEvaluation.h"
#include "core/style/StyleJob.h"
#include "core/style/StyleLibrary.h"

#include <QDir>
#include <QDirIterator>
#include <QStandardPaths>
#include <QFileInfo>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace ganvas::cli {

namespace {

/// A style given on the command line: a gallery id, a style folder, or a picture (optimisation).
bool resolveStyle(const std::string& text, core::ModelEntry* entry, std::string* error)
{
    const QString arg = QString::fromStdString(text);
    const QFileInfo info(arg);
    if (info.isDir()) {
        *entry = core::ModelCatalogue::readEntry(info.absoluteFilePath());
    } else if (info.isFile()) {
        entry->id = QStringLiteral("image");
        entry->name = info.completeBaseName();
        entry->kind = QStringLiteral("style");
        entry->architecture = QStringLiteral("gatys");
        entry->styleImage = info.absoluteFilePath();
        entry->folder = info.absolutePath();
    } else {
        core::StyleLibrary library;
        library.scan();
        const auto* found = library.find(arg);
        if (!found) {
            *error = "no style '" + text + "' (run `ganvas-cli styles` for the list, or give a folder or a picture)";
            return false;
        }
        *entry = *found;
    }
    if (entry->kind != QLatin1String("style")) {
        *error = "'" + text + "' is not a style";
        return false;
    }
    if (!entry->isValid()) {
        *error = "style '" + text + "' cannot be used: " + entry->error.toStdString();
        return false;
    }
    return true;
}

class StylesCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("styles", "List the styles in the gallery");
        sub->add_option("--search", m_search, "only styles whose name, tags or category contain this text");
        return sub;
    }
    int run() override
    {
        core::StyleLibrary library;
        library.scan();
        const auto styles = library.filter(QString::fromStdString(m_search));
        for (const auto& s : styles) {
            std::printf("%-22s %-24s %-10s %-12s %s\n", s.id.toUtf8().constData(), s.name.toUtf8().constData(),
                        s.architecture.toUtf8().constData(), s.category.toUtf8().constData(),
                        s.isValid() ? "" : ("BROKEN: " + s.error).toUtf8().constData());
        }
        std::printf("%d styles\n", static_cast<int>(styles.size()));
        return kExitOk;
    }

private:
    std::string m_search;
};

class StyleCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("style", "Apply a style to an image");
        sub->add_option("-s,--style", m_style, "gallery id, style folder, or a picture to use as the style")->required();
        sub->add_option("-i,--input", m_input, "content image")->required()->check(CLI::ExistingFile);
        sub->add_option("-o,--output", m_output, "image to write")->required();
        sub->add_option("--strength", m_strength, "0..1 (default 1)")->check(CLI::Range(0.0, 1.0));
        sub->add_option("--colour", m_colour, "style, luminance or histogram (keep the content's colours)")
            ->check(CLI::IsMember({"style", "luminance", "histogram"}));
        sub->add_option("--method", m_method,
                        "auto, network, refine (the network's result refined by optimisation, as the studio's "
                        "Fast, then refine; --quality etc. set the optimisation), optimisation or classic")
            ->check(CLI::IsMember({"auto", "network", "refine", "optimisation", "gatys", "classic"}));
        sub->add_option("--mask", m_mask, "grey image: where the style goes (white) and where not (black)")
            ->check(CLI::ExistingFile);
        sub->add_option("--blend", m_blend, "more styles for optimisation, as ID_OR_PATH:WEIGHT");
        sub->add_option("--iterations", m_iterations, "optimisation: iterations per pass (default 100)")
            ->check(CLI::Range(1, 100000));
        sub->add_option("--quality", m_quality,
                        "optimisation: quick (default: most iterations on the small passes, seconds) or full "
                        "(--iterations on every pass, minutes)")
            ->check(CLI::IsMember({"quick", "full"}));
        m_iterationsOption = sub->get_option("--iterations");
        sub->add_option("--pass-iterations", m_passIterations,
                        "optimisation: iterations of each pass, coarsest first (e.g. 60,30,8; the last repeats)")
            ->delimiter(',')
            ->check(CLI::Range(1, 100000));
        sub->add_option("--optimiser", m_optimiser, "optimisation: lbfgs or adam")->check(CLI::IsMember({"lbfgs", "adam"}));
        sub->add_flag("--plain", m_plain,
                      "optimisation: classic Gatys passes, each from the enlarged previous one only (default: the "
                      "style's marks are laid in first)");
        sub->add_option("--style-scale", m_styleScale, "optimisation: style size relative to the output (default 1)")
            ->check(CLI::Range(0.1, 8.0));
        sub->add_option("--style-weight", m_styleWeight, "optimisation: style loss weight (default 20)")
            ->check(CLI::Range(0.0, 1e6));
        sub->add_option("--max-side", m_maxSide, "work on a copy no larger than this")->check(CLI::Range(16, 65536));
        sub->add_option("--tile", m_tile, "network: tile edge in px, smaller needs less memory (default 1536)")
            ->check(CLI::Range(128, 4096));
        sub->add_option("--loss-network", m_lossNetwork, "optimisation: a VGG-19 you exported to TorchScript (its code runs: only files you made or trust)")
            ->check(CLI::ExistingFile);
        sub->add_option("--previews", m_previews, "write previews into this folder");
        sub->add_flag("--metrics", m_metrics, "print measured style and content figures");
        return sub;
    }

    int run() override
    {
        core::StyleRequest request;
        std::string error;
        if (!resolveStyle(m_style, &request.style, &error)) {
            std::cerr << "ganvas-cli style: " << error << "\n";
            return kExitUsage;
        }
        for (const auto& item : m_blend) {
            const auto colon = item.rfind(':');
            core::ModelEntry other;
            double weight = 1.0;
            try {
                if (colon == std::string::npos)
                    throw std::invalid_argument("");
                weight = std::stod(item.substr(colon + 1));
            } catch (const std::exception&) {
                std::cerr << "ganvas-cli style: --blend expects ID_OR_PATH:WEIGHT, got '" << item << "'\n";
                return kExitUsage;
            }
            if (!resolveStyle(item.substr(0, colon), &other, &error)) {
                std::cerr << "ganvas-cli style: " << error << "\n";
                return kExitUsage;
            }
            request.blendWith.push_back({other, weight});
        }
        QString loadError;
        request.content = core::loadImage(QString::fromStdString(m_input), &loadError);
        if (request.content.isNull()) {
            std::cerr << "ganvas-cli style: " << loadError.toStdString() << "\n";
            return kExitFailure;
        }
        if (!m_mask.empty()) {
            request.mask = core::loadImage(QString::fromStdString(m_mask), &loadError);
            if (request.mask.isNull() || request.mask.size() != request.content.size()) {
                std::cerr << "ganvas-cli style: the mask must be an image of the input's size\n";
                return kExitUsage;
            }
        }
        request.strength = m_strength;
        request.colour = QString::fromStdString(m_colour);
        request.refine = m_method == "refine";
        if (!request.refine)
            core::parseStyleMethod(QString::fromStdString(m_method), &request.method);
        else
            request.method = core::StyleMethod::Network;
        if (!request.blendWith.isEmpty())
            request.method = core::StyleMethod::Optimisation;
        request.maxSide = m_maxSide;
        // Quick unless told otherwise: full quality, or iterations of one's own.
        if (m_quality == "quick" && m_passIterations.empty() && m_iterationsOption->count() == 0)
            request.optimisation = core::quickOptimisation();
        request.optimisation.iterations = m_iterations;
        if (!m_passIterations.empty())
            request.optimisation.passIterations = QVector<int>(m_passIterations.begin(), m_passIterations.end());
        request.optimisation.adam = m_optimiser == "adam";
        request.optimisation.marks = !m_plain;
        request.optimisation.styleScale = m_styleScale;
        request.optimisation.styleWeight = m_styleWeight;
        request.lossNetwork = QString::fromStdString(m_lossNetwork);
        const auto compute = core::currentCompute();
        request.device = compute.device;
        request.precision = compute.precision;

        request.tileSize = m_tile;

        // Memory pre-flight (docs/RELIABILITY.md): refuse rather than fail half-way.
        const auto estimate = core::estimateStyleMemory(request);
        const auto available = core::availableMemory(request.device);
        if (!core::fitsInMemory(estimate, available)) {
            const QSize size = core::styleWorkSize(request);
            const int side = std::max(size.width(), size.height());
            const double scale = core::scaleToFitMemory(
                [&](double s) {
                    auto r = request;
                    r.maxSide = std::max(16, static_cast<int>(side * s));
                    return core::estimateStyleMemory(r).bytes;
                },
                available);
            std::cerr << "ganvas-cli style: this needs about " << core::formatMemory(estimate.bytes).toStdString() << " ("
                      << estimate.what << "); " << core::formatMemory(available).toStdString() << " is free on "
                      << request.device.toStdString() << ".";
            if (scale > 0)
                std::cerr << " Try --max-side " << std::max(16, static_cast<int>(side * scale));
            if (request.method == core::StyleMethod::Network || (request.method == core::StyleMethod::Auto &&
                                                                 core::defaultMethod(request.style) == core::StyleMethod::Network))
                std::cerr << (scale > 0 ? " or" : " Try") << " a smaller --tile (e.g. 512)";
            std::cerr << ".\n";
            return kExitFailure;
        }

        std::unique_ptr<core::StyleJob> made;
        try {
            made = std::make_unique<core::StyleJob>(request);
        } catch (const std::invalid_argument& e) {
            std::cerr << "ganvas-cli style: " << e.what() << "\n";
            return kExitUsage;
        }
        core::StyleJob& job = *made;
        const auto t0 = std::chrono::steady_clock::now();
        const auto result = runCliJob(job, "style", {m_previews, false});
        if (result.outcome != engine::JobOutcome::Finished)
            return kExitFailure;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        QImage out = job.result();
        out.setText(QStringLiteral("Software"), QStringLiteral("Ganvas"));
        out.setText(QStringLiteral("Style"), request.style.name);
        if (!core::saveImage(out, QString::fromStdString(m_output), &loadError)) {
            std::cerr << "ganvas-cli style: " << loadError.toStdString() << "\n";
            return kExitFailure;
        }
        std::printf("wrote %s (%d x %d) with style '%s' in %.2f s\n", m_output.c_str(), out.width(), out.height(),
                    request.style.name.toUtf8().constData(), seconds);
        if (m_metrics) {
            if (request.style.styleImage.isEmpty()) {
                std::printf("metrics: style '%s' ships no style image to compare with\n", request.style.id.toUtf8().constData());
            } else {
                QImage content = request.content;
                if (content.size() != out.size())
                    content = content.scaled(out.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
                const auto m = engine::measureStyle(core::imageToTensor(content), core::imageToTensor(out),
                                                    core::imageToTensor(core::loadImage(request.style.styleImage, &loadError)),
                                                    m_styleScale);
                std::printf("metrics: style distance %.4f -> %.4f (gap closed %.1f %%), content SSIM %.3f "
                            "[held-out random network, seed 7]\n",
                            m.styleDistanceContent, m.styleDistanceResult, 100 * m.styleGapClosed, m.contentSsim);
            }
        }
        return kExitOk;
    }

private:
    std::string m_style, m_input, m_output, m_colour = "style", m_method = "auto", m_mask, m_optimiser = "lbfgs",
                                            m_lossNetwork, m_previews;
    std::vector<std::string> m_blend;
    double m_strength = 1.0, m_styleScale = 1.0, m_styleWeight = 20.0;
    int m_iterations = 100, m_maxSide = 0, m_tile = 1536;
    std::vector<int> m_passIterations;
    std::string m_quality = "quick";
    CLI::Option* m_iterationsOption = nullptr;
    bool m_metrics = false, m_plain = false;
};

class StyleTrainCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("style-train", "Train a fast (feed-forward) network for a style");
        sub->add_option("--style", m_styles, "style picture(s); several are blended into one style")->check(CLI::ExistingFile);
        sub->add_option("--preset", m_presets,
                        "style folder(s) (config.json + style.png): train one network for all of them at once "
                        "(conditional instance normalisation) and write each to OUTPUT/<id>/ with its id, name, "
                        "category and description")
            ->check(CLI::ExistingDirectory);
        sub->add_option("--style-blend", m_styleWeights, "blend weight per --style");
        sub->add_option("--content", m_content, "folder of content photos (searched recursively)")->required()
            ->check(CLI::ExistingDirectory);
        sub->add_option("-o,--output", m_output, "style folder to create (config.json, weights, thumbnail)")->required();
        sub->add_option("--name", m_name, "display name (default: the style picture's name)");
        sub->add_option("--id", m_id, "model id (default: from the output folder's name)");
        sub->add_option("--category", m_category, "gallery category");
        sub->add_option("--description", m_description, "one line for the gallery");
        sub->add_option("--steps", m_steps, "optimisation steps (default 1000)")->check(CLI::Range(1, 10000000));
        sub->add_option("--minutes", m_minutes, "stop after this many minutes of training")->check(CLI::Range(0.0, 100000.0));
        sub->add_option("--batch", m_batch, "images per step (default 4)")->check(CLI::Range(1, 256));
        sub->add_option("--size", m_size, "training crop size (default 256)")->check(CLI::Range(32, 2048));
        sub->add_option("--lr", m_lr, "Adam learning rate (default 0.002)")->check(CLI::Range(1e-6, 0.5));
        sub->add_option("--style-weight", m_styleWeight, "style loss weight (default 20)")->check(CLI::Range(0.0, 1e6));
        sub->add_option("--content-weight", m_contentWeight, "content loss weight (default 1)")->check(CLI::Range(0.0, 1e6));
        sub->add_option("--tv-weight", m_tvWeight, "total variation weight (default 0.5)")->check(CLI::Range(0.0, 1e6));
        sub->add_option("--style-scale", m_styleScale, "style picture size relative to the crops (default 1)")
            ->check(CLI::Range(0.1, 8.0));
        sub->add_option("--channels", m_channels, "network widths, three integers (default 16 32 64)")
            ->expected(3)->check(CLI::Range(1, 512));
        sub->add_option("--blocks", m_blocks, "residual blocks (default 3)")->check(CLI::Range(0, 16));
        sub->add_option("--head", m_head, "sigmoid (default) or residual (output = input + network)")
            ->check(CLI::IsMember({"residual", "sigmoid"}));
        sub->add_option("--colour-weight", m_colourWeight,
                        "weight of a loss tying the result's pixel colours to the style picture's (sliced Wasserstein; default 0)")
            ->check(CLI::Range(0.0, 1e6));
        sub->add_flag("--style-luminance", m_styleLuminance,
                      "the style loss compares luminance only (the palette then comes from --colour-weight)");
        sub->add_flag("--palette-from-picture", m_palette,
                      "the result's colours are matched to the style picture's after the network (with --style-luminance)");
        sub->add_flag("--luminance-palette", m_luminancePalette,
                      "the network draws luminance only: trained on the pictures' own colours, it runs with the "
                      "picture's colours moved onto the style picture's palette (ADR 0013)")
            ->excludes("--palette-from-picture");
        sub->add_flag("--tone-from-style", m_toneFromStyle,
                      "when it runs, the result's luminance takes the style picture's mean and spread (its paper; "
                      "\"tone\":\"style\", applied after the network, not in training)");
        sub->add_option(
            "--cells", m_cells,
            "when it runs, the result is cut into facets or lead-lined panes along the picture's shapes "
            "(ADR 0016), as JSON: {\"shape\":\"facets\"|\"panes\",\"across\":14,\"texture\":0.3,"
            "\"lines\":0,\"follow\":0.6,\"jitter\":0.7,\"relief\":1.5}; applied after the network, not in training");
        sub->add_flag("--marks-input", m_marksInput,
                      "the network also reads its style picture's marks (ADR 0013; the style then needs its picture to run)");
        sub->add_option("--seed", m_seed, "loss network seed (default 20161)");
        sub->add_option("--content-stage", m_contentStage,
                        "loss network stage whose features the content loss compares: 0 is full resolution, each "
                        "stage after halves it (default 2, a quarter)")
            ->check(CLI::Range(0, 3));
        sub->add_option("--statistic", m_statistic,
                        "what the style loss matches: gram (default) or mean-covariance (texture weighs as much as colour)")
            ->check(CLI::IsMember({"gram", "mean-covariance"}));
        sub->add_option("--mean-weight", m_meanWeight,
                        "mean-covariance: weight of the channel means (palette) against the covariance (marks), default 1")
            ->check(CLI::Range(0.0, 100.0));
        sub->add_option("--style-detail", m_styleDetail,
                        "compare only the detail (picture minus its blur of this sigma, px) in the style loss, so marks "
                        "count and colour does not (default 0: the whole picture)")
            ->check(CLI::Range(0.0, 64.0));
        sub->add_option("--loss-network", m_lossNetwork, "a VGG-19 you exported to TorchScript (its code runs: only files you made or trust)")->check(CLI::ExistingFile);
        sub->add_option("--checkpoint-every", m_checkpointEvery, "steps between checkpoints (default 100)")
            ->check(CLI::Range(1, 10000000));
        sub->add_option("--preview-every", m_previewEvery, "steps between previews (default 50)")->check(CLI::Range(1, 10000000));
        sub->add_option("--previews", m_previews, "write previews into this folder");
        sub->add_flag("--resume", m_resume, "continue from the output folder's checkpoint");
        return sub;
    }

    int run() override
    {
        engine::StyleTrainOptions o;
        const QString output = QFileInfo(QString::fromStdString(m_output)).absoluteFilePath();
        o.outputDir = output.toStdString();
        o.id = m_id.empty() ? core::StyleLibrary::freeStyleId(QFileInfo(output).fileName(), QStringLiteral("/nonexistent")).toStdString()
                            : m_id;
        QString error;
        if (m_styles.empty() == m_presets.empty()) {
            std::cerr << "ganvas-cli style-train: give --style (one style) or --preset (several), not both\n";
            return kExitUsage;
        }
        for (const auto& folder : m_presets) {
            const auto entry = core::ModelCatalogue::readEntry(QFileInfo(QString::fromStdString(folder)).absoluteFilePath());
            if (entry.kind != QLatin1String("style") || entry.styleImage.isEmpty()) {
                std::cerr << "ganvas-cli style-train: '" << folder << "' is not a style folder with a style picture"
                          << (entry.error.isEmpty() ? std::string() : ": " + entry.error.toStdString()) << "\n";
                return kExitFailure;
            }
            const QImage image = core::loadImage(entry.styleImage, &error);
            if (image.isNull()) {
                std::cerr << "ganvas-cli style-train: " << error.toStdString() << "\n";
                return kExitFailure;
            }
            engine::StyleOutput out;
            out.id = entry.id.toStdString();
            out.name = entry.name.toStdString();
            out.picture = core::imageToTensor(image, core::Alpha::Drop);
            out.extraConfig = {{"style_image", "style.png"}, {"thumbnail", "thumbnail.png"}};
            if (!entry.category.isEmpty())
                out.extraConfig["category"] = entry.category.toStdString();
            if (!entry.description.isEmpty())
                out.extraConfig["description"] = entry.description.toStdString();
            o.multiStyle.push_back(std::move(out));
            m_presetEntries.push_back(entry);
        }
        engine::CellOptions cells; // checked before anything is read or written
        if (!m_cells.empty()) {
            try {
                cells = engine::CellOptions::fromJson(nlohmann::json::parse(m_cells));
            } catch (const std::exception& e) {
                std::cerr << "ganvas-cli style-train: --cells: " << e.what() << "\n";
                return kExitUsage;
            }
        }
        QImage firstStyle;
        for (const auto& path : m_styles) {
            const QImage image = core::loadImage(QString::fromStdString(path), &error);
            if (image.isNull()) {
                std::cerr << "ganvas-cli style-train: " << error.toStdString() << "\n";
                return kExitFailure;
            }
            if (firstStyle.isNull())
                firstStyle = image;
            o.styles.push_back(core::imageToTensor(image, core::Alpha::Drop));
        }
        if (!m_styleWeights.empty() && m_styleWeights.size() != m_styles.size()) {
            std::cerr << "ganvas-cli style-train: give one --style-blend per --style\n";
            return kExitUsage;
        }
        o.styleWeights = m_styleWeights;
        if (!m_styles.empty())
            o.name = m_name.empty() ? QFileInfo(QString::fromStdString(m_styles.front())).completeBaseName().toStdString() : m_name;
        std::unique_ptr<core::ContentImages> content;
        try {
            content = std::make_unique<core::ContentImages>(QString::fromStdString(m_content), std::max(512, m_size * 2));
        } catch (const std::exception& e) {
            std::cerr << "ganvas-cli style-train: " << e.what() << "\n";
            return kExitFailure;
        }
        std::fprintf(stderr, "content: %d images", content->count());
        if (!content->skipped().isEmpty())
            std::fprintf(stderr, ", %d skipped:\n  %s", static_cast<int>(content->skipped().size()),
                         content->skipped().join(QStringLiteral("\n  ")).toUtf8().constData());
        std::fprintf(stderr, "\n");
        o.steps = m_steps;
        o.maxSeconds = m_minutes * 60.0;
        o.batch = m_batch;
        o.imageSize = m_size;
        o.learningRate = m_lr;
        o.styleWeight = m_styleWeight;
        o.contentWeight = m_contentWeight;
        o.tvWeight = m_tvWeight;
        o.styleScale = m_styleScale;
        if (!m_channels.empty())
            o.network.channels = {m_channels[0], m_channels[1], m_channels[2]};
        o.network.residualBlocks = m_blocks;
        o.network.output = m_head;
        o.network.marksInput = m_marksInput;
        o.colourWeight = m_colourWeight;
        o.styleLuminance = m_styleLuminance;
        o.network.paletteFromPicture = m_palette;
        o.network.luminancePalette = m_luminancePalette;
        o.network.toneFromStyle = m_toneFromStyle;
        o.network.cells = cells;
        o.lossNetwork.seed = m_seed;
        o.lossNetwork.contentStage = m_contentStage;
        engine::parseStyleStatistic(m_statistic, &o.statistic);
        o.meanWeight = m_meanWeight;
        o.styleDetailSigma = m_styleDetail;
        o.torchScriptLossNetwork = m_lossNetwork;
        o.checkpointEvery = m_checkpointEvery;
        o.previewEvery = m_previewEvery;
        o.previewContent = content->previewImage(256);
        o.resume = m_resume;
        const auto compute = core::currentCompute();
        o.device = engine::resolveDevice(compute.device.toStdString());
        o.precision = engine::parsePrecision(compute.precision.toStdString());

        // The style picture and a thumbnail travel with the model (the gallery shows them, and
        // optimisation can use the picture).
        const QString contentNote = QStringLiteral(" --content <%1 images>").arg(content->count());
        if (!m_presets.empty()) {
            QStringList ids;
            for (const auto& entry : m_presetEntries)
                ids << entry.id;
            for (size_t i = 0; i < m_presetEntries.size(); ++i) {
                const auto& entry = m_presetEntries[i];
                const QString folder = output + QLatin1Char('/') + entry.id;
                QDir().mkpath(folder);
                if (!writePictures(core::loadImage(entry.styleImage, &error), folder, &error))
                    return kExitFailure;
                o.multiStyle[i].extraConfig["source"] =
                    ("ganvas-cli style-train --preset " + ids.join(QStringLiteral(" --preset ")) + contentNote).toStdString();
            }
        } else {
            QDir().mkpath(output);
            if (!writePictures(firstStyle, output, &error))
                return kExitFailure;
            o.extraConfig = {{"style_image", "style.png"}, {"thumbnail", "thumbnail.png"}};
            if (!m_category.empty())
                o.extraConfig["category"] = m_category;
            if (!m_description.empty())
                o.extraConfig["description"] = m_description;
            o.extraConfig["source"] = "ganvas-cli style-train --style " +
                                      QFileInfo(QString::fromStdString(m_styles.front())).fileName().toStdString() +
                                      contentNote.toStdString();
        }

        const auto trainContent = std::shared_ptr<core::ContentImages>(std::move(content));
        engine::StyleTrainJob job(o, [trainContent](int64_t step, int64_t batch, int64_t size) {
            return trainContent->batch(step, batch, size);
        });
        const auto result = runCliJob(job, "style-train", {m_previews, false});
        if (result.outcome == engine::JobOutcome::Cancelled) {
            std::cerr << "checkpoint kept at step " << job.stats().stepsDone << ": run again with --resume to continue\n";
            return kExitFailure;
        }
        if (result.outcome != engine::JobOutcome::Finished)
            return kExitFailure;
        const auto& s = job.stats();
        std::printf("trained '%s': %lld steps in %.1f s (%.2f images/s), final loss %.4f (content %.4f, style %.4f) -> %s\n",
                    m_presets.empty() ? o.name.c_str() : job.title().c_str(), static_cast<long long>(s.stepsDone), s.seconds, s.imagesPerSecond, s.lastLoss,
                    s.lastContentLoss, s.lastStyleLoss, m_output.c_str());
        return kExitOk;
    }

private:
    /// style.png (at most 1024 px) and a 160 px thumbnail.png of @p picture into @p folder.
    static bool writePictures(const QImage& picture, const QString& folder, QString* error)
    {
        if (picture.isNull()) {
            std::cerr << "ganvas-cli style-train: " << error->toStdString() << "\n";
            return false;
        }
        QImage styleImage = picture.convertToFormat(QImage::Format_RGB888);
        if (std::max(styleImage.width(), styleImage.height()) > 1024)
            styleImage = styleImage.scaled(1024, 1024, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        const QImage thumb = styleImage.scaled(160, 160, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
        if (!core::saveImage(styleImage, folder + QStringLiteral("/style.png"), error) ||
            !core::saveImage(thumb.copy((thumb.width() - 160) / 2, (thumb.height() - 160) / 2, 160, 160),
                             folder + QStringLiteral("/thumbnail.png"), error)) {
            std::cerr << "ganvas-cli style-train: " << error->toStdString() << "\n";
            return false;
        }
        return true;
    }

    std::vector<std::string> m_styles, m_presets;
    std::vector<core::ModelEntry> m_presetEntries;
    std::vector<double> m_styleWeights;
    std::string m_content, m_output, m_name, m_id, m_category, m_description, m_lossNetwork, m_previews;
    std::string m_head = "sigmoid", m_statistic = "gram";
    int64_t m_steps = 1000;
    double m_minutes = 0;
    int m_batch = 4, m_size = 256;
    double m_lr = 2e-3, m_styleWeight = 20, m_contentWeight = 1, m_tvWeight = 0.5, m_styleScale = 1, m_meanWeight = 1, m_styleDetail = 0;
    std::vector<int64_t> m_channels;
    int64_t m_blocks = 3;
    bool m_marksInput = false;
    double m_colourWeight = 0;
    bool m_styleLuminance = false;
    bool m_palette = false;
    bool m_luminancePalette = false;
    bool m_toneFromStyle = false;
    std::string m_cells;
    uint64_t m_seed = 20161;
    int m_contentStage = 2;
    int64_t m_checkpointEvery = 100, m_previewEvery = 50;
    bool m_resume = false;
};

class StyleEvalCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand(
            "style-eval", "Measure styles on a set of pictures against what optimisation reaches (texture share, content kept)");
        sub->add_option("--presets", m_presets, "gallery ids or style folders (default: every network style)")
            ->delimiter(',');
        sub->add_option("--images", m_images, "folder of evaluation pictures (searched recursively)")
            ->required()->check(CLI::ExistingDirectory);
        sub->add_option("--limit", m_limit, "at most this many pictures (the first by name)")->check(CLI::Range(1, 100000));
        sub->add_option("--side", m_side, "longest side the pictures are measured at (default 256)")->check(CLI::Range(64, 1024));
        sub->add_option("--iterations", m_iterations, "optimisation reference: iterations per pass (default 100)")
            ->check(CLI::Range(1, 10000));
        sub->add_option("--own-iterations", m_ownIterations,
                        "a picture style's own run: iterations of each optimisation pass, coarsest first (e.g. 60,30,8),"
                        " measured against the full reference")
            ->delimiter(',')
            ->check(CLI::Range(1, 100000));
        sub->add_flag("--own-plain", m_ownPlain, "with --own-iterations: classic Gatys passes (no marks laid in), like the reference");
        sub->add_flag("--refine", m_refine,
                      "fast styles: their network's result refined by optimisation (as Apply does; --own-iterations "
                      "sets its passes, default the quick schedule); the first preview is the network's result");
        sub->add_option("--cache", m_cache, "keep optimisation references here between runs (default: the user cache)");
        sub->add_option("--sheet", m_sheet, "write a contact sheet PNG (every style x the first 4 pictures)");
        sub->add_flag("--json", m_json, "print the figures as JSON");
        return sub;
    }

    int run() override
    {
        core::StyleEvalRequest request;
        core::StyleLibrary library;
        library.scan();
        if (m_presets.empty()) {
            for (const auto& s : library.styles())
                if (s.architecture == QLatin1String("johnson") && s.isValid() && !s.styleImage.isEmpty())
                    request.styles.push_back(s);
        } else {
            for (const auto& id : m_presets) {
                core::ModelEntry entry;
                std::string error;
                if (!resolveStyle(id, &entry, &error)) {
                    std::cerr << "ganvas-cli style-eval: " << error << "\n";
                    return kExitUsage;
                }
                request.styles.push_back(entry);
            }
        }
        QStringList files;
        QDirIterator it(QString::fromStdString(m_images), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            files << it.next();
        files.sort();
        if (m_limit > 0 && files.size() > m_limit)
            files = files.mid(0, m_limit);
        request.images = files;
        request.side = m_side;
        request.reference.iterations = m_iterations;
        if (!m_ownIterations.empty()) {
            request.own = request.reference;
            request.own->passIterations = QVector<int>(m_ownIterations.begin(), m_ownIterations.end());
            request.own->marks = !m_ownPlain;
        }
        if (m_refine) {
            request.refine = true;
            if (!request.own) {
                request.own = core::quickOptimisation();
                request.own->iterations = m_iterations;
            }
        }
        request.cacheDir = m_cache.empty() ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                                                 QStringLiteral("/style-eval")
                                           : QString::fromStdString(m_cache);
        const auto compute = core::currentCompute();
        request.device = compute.device;
        request.precision = compute.precision;
        std::unique_ptr<core::StyleEvalJob> job;
        try {
            job = std::make_unique<core::StyleEvalJob>(request);
        } catch (const std::exception& e) {
            std::cerr << "ganvas-cli style-eval: " << e.what() << "\n";
            return kExitUsage;
        }
        const auto result = runCliJob(*job, "style-eval");
        if (result.outcome != engine::JobOutcome::Finished)
            return kExitFailure;
        for (const auto& s : job->skipped())
            std::cerr << "skipped " << s.toStdString() << "\n";
        if (!m_sheet.empty()) {
            QString error;
            if (!core::saveImage(job->contactSheet(), QString::fromStdString(m_sheet), &error)) {
                std::cerr << "ganvas-cli style-eval: " << error.toStdString() << "\n";
                return kExitFailure;
            }
        }
        if (m_json) {
            std::printf("%s\n", job->toJson().dump(2).c_str());
            return kExitOk;
        }
        std::printf("%-18s %8s %8s %8s %10s %10s %10s %8s\n", "style", "pictures", "texture", "(swd", "covariance)",
                    "structure", "edges", "s/run");
        bool anyFirst = false;
        for (const auto& s : job->summaries()) {
            std::printf("%-18s %8d %7.0f%% %7.0f%% %10.0f%% %5.2f/%4.2f %5.2f/%4.2f %8.2f\n", s.style.toUtf8().constData(),
                        s.pictures, 100 * s.textureShare, 100 * s.swdShare, 100 * s.covarianceShare, s.structure,
                        s.referenceStructure, s.edges, s.referenceEdges, s.seconds);
            anyFirst = anyFirst || s.firstPictures > 0;
        }
        if (anyFirst) {
            std::printf("first preview (what the studio shows first):\n");
            for (const auto& s : job->summaries())
                if (s.firstPictures > 0)
                    std::printf("%-18s %8d %7.0f%% after %.2f s\n", s.style.toUtf8().constData(), s.firstPictures,
                                100 * s.firstShare, s.firstSeconds);
        }
        std::printf("texture: share of what optimisation reaches on the same picture (100%% = as close to the style);\n"
                    "structure, edges: content kept by the style / by optimisation (1 = the picture's own); pictures at %d px\n",
                    m_side);
        return kExitOk;
    }

private:
    std::vector<std::string> m_presets;
    std::string m_images, m_cache, m_sheet;
    int m_limit = 0, m_side = 256, m_iterations = 100;
    std::vector<int> m_ownIterations;
    bool m_ownPlain = false;
    bool m_refine = false;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> makeStyleEvalCommand()
{
    return std::make_unique<StyleEvalCommand>();
}

std::unique_ptr<Command> makeStylesCommand()
{
    return std::make_unique<StylesCommand>();
}
std::unique_ptr<Command> makeStyleCommand()
{
    return std::make_unique<StyleCommand>();
}
std::unique_ptr<Command> makeStyleTrainCommand()
{
    return std::make_unique<StyleTrainCommand>();
}

} // namespace ganvas::cli
