// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli generators | sample | gan-train | gan-eval | gan-project: list the generators,
// sample them (seeds, truncation, slider directions), train one on a folder of images, measure
// one against a folder, and project a picture into one.
#include "app/cli/CliJob.h"
#include "app/cli/Command.h"
#include "core/engine/gan/GanMetrics.h"
#include "core/engine/gan/GanNetworks.h"
#include "core/engine/gan/Projection.h"
#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/FileIO.h"
#include "core/gan/GanDataset.h"
#include "core/gan/GanTraining.h"
#include "core/gan/GeneratorSession.h"
#include "core/image/ImageBridge.h"
#include "core/io/ImageIO.h"
#include "core/models/ModelCatalogue.h"
#include "core/settings/ComputeSettings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QPainter>
#include <QJsonDocument>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace ganvas::cli {

namespace {

/// A generator given on the command line: an installed id or a folder.
bool resolveGenerator(const std::string& text, QString* folder, std::string* error)
{
    const QFileInfo info(QString::fromStdString(text));
    if (info.isDir()) {
        *folder = info.absoluteFilePath();
        return true;
    }
    core::ModelCatalogue catalogue;
    catalogue.scan();
    for (const auto& e : catalogue.entries(QStringLiteral("generator")))
        if (e.id == QString::fromStdString(text)) {
            if (!e.isValid()) {
                *error = "generator '" + text + "' cannot be used: " + e.error.toStdString();
                return false;
            }
            *folder = e.folder;
            return true;
        }
    *error = "no generator '" + text + "' (run `ganvas-cli generators` for the list, or give a folder)";
    return false;
}

bool writeImage(const QImage& image, const std::string& path, const char* command)
{
    QString error;
    if (!core::saveImage(image, QString::fromStdString(path), &error)) {
        std::cerr << "ganvas-cli " << command << ": " << error.toStdString() << "\n";
        return false;
    }
    return true;
}

class GeneratorsCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("generators", "List the installed generators (GANs)");
        sub->add_flag("--json", m_json, "machine-readable output");
        return sub;
    }
    int run() override
    {
        core::ModelCatalogue catalogue;
        catalogue.scan();
        const auto entries = catalogue.entries(QStringLiteral("generator"));
        QJsonArray list;
        for (const auto& e : entries) {
            QJsonObject o{{QStringLiteral("id"), e.id}, {QStringLiteral("name"), e.name}, {QStringLiteral("folder"), e.folder},
                          {QStringLiteral("license"), e.license}};
            QString detail;
            if (e.isValid()) {
                try {
                    const auto config = engine::loadModelConfig(e.folder.toStdString());
                    const auto arch = engine::GanOptions::fromJson(config.architecture);
                    detail = QStringLiteral("%1 px, latent %2").arg(arch.resolution).arg(arch.latentDim);
                    o[QStringLiteral("resolution")] = static_cast<int>(arch.resolution);
                    o[QStringLiteral("latent_dim")] = static_cast<int>(arch.latentDim);
                    if (config.extra.contains("evaluation")) {
                        const auto& ev = config.extra["evaluation"];
                        detail += QStringLiteral(", SWD %1, RF-FID %2")
                                      .arg(ev.value("swd_x1e3_mean", 0.0), 0, 'f', 1)
                                      .arg(ev.value("fid", 0.0), 0, 'f', 1);
                        o[QStringLiteral("evaluation")] =
                            QJsonDocument::fromJson(QByteArray::fromStdString(ev.dump())).object();
                    }
                } catch (const std::exception& ex) {
                    detail = QStringLiteral("BROKEN: ") + QString::fromUtf8(ex.what());
                    o[QStringLiteral("error")] = detail;
                }
            } else {
                detail = QStringLiteral("BROKEN: ") + e.error;
                o[QStringLiteral("error")] = e.error;
            }
            list.push_back(o);
            if (!m_json)
                std::printf("%-20s %-28s %s\n", e.id.toUtf8().constData(), e.name.toUtf8().constData(),
                            detail.toUtf8().constData());
        }
        if (m_json)
            std::printf("%s\n", QJsonDocument(list).toJson(QJsonDocument::Indented).constData());
        else
            std::printf("%d generators\n", static_cast<int>(entries.size()));
        return kExitOk;
    }

private:
    bool m_json = false;
};

class SampleCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("sample", "Generate images from a generator");
        sub->add_option("--generator", m_generator, "generator id or folder")->required();
        sub->add_option("--seed", m_seed, "latent seed (image k of --count uses seed + k)")->check(CLI::Range(0LL, 2147483647LL));
        sub->add_option("--count", m_count, "images; more than 1 makes a grid")->check(CLI::Range(1, 1024));
        sub->add_option("--columns", m_columns, "grid columns (default: square)")->check(CLI::Range(0, 64));
        sub->add_option("--truncation", m_truncation, "truncation psi in (0,1]: lower = more typical")
            ->check(CLI::Range(0.01, 1.0));
        sub->add_option("--direction", m_directions, "slider I=V: move along GANSpace direction I by V std (repeatable)");
        sub->add_option("--size", m_size, "scale each image to this side (Lanczos)")->check(CLI::Range(0, 8192));
        sub->add_option("--output", m_output, "PNG/JPEG/WebP to write")->required();
        return sub;
    }
    int run() override
    {
        QString folder;
        std::string error;
        if (!resolveGenerator(m_generator, &folder, &error)) {
            std::cerr << "ganvas-cli sample: " << error << "\n";
            return kExitFailure;
        }
        const auto model = core::GeneratorModel::load(folder);
        QVector<double> offsets(model->info().directionCount, 0.0);
        for (const auto& d : m_directions) {
            const auto eq = d.find('=');
            int index = -1;
            double value = 0;
            try {
                if (eq == std::string::npos)
                    throw std::invalid_argument(d);
                index = std::stoi(d.substr(0, eq));
                value = std::stod(d.substr(eq + 1));
            } catch (const std::exception&) {
                std::cerr << "ganvas-cli sample: --direction takes I=V (e.g. 0=1.5), not '" << d << "'\n";
                return kExitUsage;
            }
            if (index < 0 || index >= offsets.size()) {
                std::cerr << "ganvas-cli sample: direction " << index << " does not exist (this generator has "
                          << offsets.size() << ", 0 to " << offsets.size() - 1 << ")\n";
                return kExitUsage;
            }
            if (!(std::abs(value) <= 20)) {
                std::cerr << "ganvas-cli sample: a direction value must be within -20..20 std\n";
                return kExitUsage;
            }
            offsets[index] = value;
        }
        QVector<core::Latent> latents;
        for (int i = 0; i < m_count; ++i)
            latents.push_back(model->moved(model->latentForSeed(m_seed + i), offsets));
        auto images = model->render(latents, m_truncation);
        if (m_size > 0)
            for (auto& im : images)
                im = core::resizeForCanvas(im, QSize(m_size, m_size));
        QImage out = images.front();
        if (m_count > 1) {
            const int cols = m_columns > 0 ? m_columns : static_cast<int>(std::ceil(std::sqrt(m_count)));
            const int rows = (m_count + cols - 1) / cols;
            const int side = images.front().width(), gap = 2;
            out = QImage(cols * (side + gap) + gap, rows * (side + gap) + gap, QImage::Format_RGBA8888);
            out.fill(Qt::white);
            QPainter p(&out);
            for (int i = 0; i < m_count; ++i)
                p.drawImage(gap + (i % cols) * (side + gap), gap + (i / cols) * (side + gap), images[i]);
        }
        if (!writeImage(out, m_output, "sample"))
            return kExitFailure;
        std::printf("wrote %s (%d image%s from '%s', seed %lld, truncation %.2f)\n", m_output.c_str(), m_count,
                    m_count > 1 ? "s" : "", model->info().name.toUtf8().constData(), static_cast<long long>(m_seed),
                    m_truncation);
        return kExitOk;
    }

private:
    std::string m_generator, m_output;
    long long m_seed = 0;
    int m_count = 1, m_columns = 0, m_size = 0;
    double m_truncation = 1.0;
    std::vector<std::string> m_directions;
};

class GanTrainCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("gan-train", "Train a generator (GAN) on a folder of images");
        sub->add_option("--data", m_data, "folder of training images (searched recursively)")->required();
        sub->add_option("--output", m_output, "the new generator's folder")->required();
        sub->add_option("--name", m_name, "display name (default: the output folder's name)");
        sub->add_option("--id", m_id, "model id (default: from the name)");
        sub->add_option("--resolution", m_request.resolution, "32, 64, 128 or 256 (default 64)");
        sub->add_option("--batch", m_request.batch, "images per step (default 32)")->check(CLI::Range(2, 1024));
        auto* steps = sub->add_option("--steps", m_request.steps, "training steps (default 5000)")->check(CLI::Range(1, 100000000));
        sub->add_option("--minutes", m_request.minutes, "stop after this long and save (default: run all steps)")
            ->check(CLI::Range(0.0, 100000.0))
            ->excludes(steps);
        sub->add_flag("--resume", m_request.resume, "continue from the checkpoint in --output");
        sub->add_option("--crop", m_crop, "centre or random")->check(CLI::IsMember({"centre", "random"}));
        sub->add_option("--architecture", m_architecture,
                        "dcgan (default) or fastgan: skip-layer excitation and a "
                        "reconstructing discriminator")
            ->check(CLI::IsMember({"dcgan", "fastgan"}));
        sub->add_option("--channels", m_request.channels, "base channels of both networks (default 32)")->check(CLI::Range(4, 1024));
        sub->add_option("--latent", m_request.latentDim, "latent size (default 128)")->check(CLI::Range(8, 1024));
        sub->add_option("--augment", m_augment, "DiffAugment: colour,translation,cutout or none");
        sub->add_option("--preview-every", m_request.previewEvery, "steps between preview grids")->check(CLI::Range(0, 1000000));
        sub->add_option("--checkpoint-every", m_request.checkpointEvery, "steps between checkpoints")->check(CLI::Range(0, 1000000));
        sub->add_option("--eval-every", m_request.evalEvery, "steps between SWD evaluations (0: only at the end)")
            ->check(CLI::Range(0, 1000000));
        sub->add_option("--seed", m_request.seed, "random seed");
        sub->add_option("--previews", m_previews, "write the preview grids into this folder");
        return sub;
    }
    int run() override
    {
        m_request.dataFolder = QString::fromStdString(m_data);
        m_request.outputFolder = QString::fromStdString(m_output);
        m_request.name = QString::fromStdString(m_name);
        m_request.id = QString::fromStdString(m_id);
        m_request.crop = QString::fromStdString(m_crop);
        m_request.architecture = QString::fromStdString(m_architecture);
        m_request.augment = QString::fromStdString(m_augment);
        const auto compute = core::currentCompute();
        m_request.precision = compute.precision;
        m_request.device = compute.device;
        if (m_request.minutes > 0)
            m_request.steps = 100000000;
        // Memory pre-flight (docs/RELIABILITY.md).
        if (const auto estimate = core::estimateGanTrainingMemory(m_request),
            available = core::MemoryEstimate{core::availableMemory(compute.device), {}};
            !core::fitsInMemory(estimate, available.bytes)) {
            std::cerr << "ganvas-cli gan-train: this needs about " << core::formatMemory(estimate.bytes).toStdString() << " ("
                      << estimate.what << "); " << core::formatMemory(available.bytes).toStdString() << " is free on "
                      << compute.device.toStdString() << ". Try a smaller --batch or --resolution.\n";
            return kExitFailure;
        }
        std::unique_ptr<core::GanTrainTask> task;
        try {
            task = std::make_unique<core::GanTrainTask>(m_request);
        } catch (const std::invalid_argument& e) {
            std::cerr << "ganvas-cli gan-train: " << e.what() << "\n";
            return kExitUsage;
        }
        const auto t0 = std::chrono::steady_clock::now();
        const auto result = runCliJob(*task->job(), "gan-train", {m_previews, false});
        if (!task->dataSummary().isEmpty())
            std::fprintf(stderr, "data: %s\n", task->dataSummary().toUtf8().constData());
        if (result.outcome == engine::JobOutcome::Cancelled) {
            std::cerr << "checkpoint kept in " << m_request.outputFolder.toStdString()
                      << ": run again with --resume to continue\n";
            return kExitFailure;
        }
        if (result.outcome != engine::JobOutcome::Finished)
            return kExitFailure;
        const auto curves = task->curves();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("trained '%s': %lld steps, %.1f img/s, %.0f s in all; written to %s\n",
                    task->request().name.toUtf8().constData(),
                    static_cast<long long>(curves.isEmpty() ? 0 : curves.back().step),
                    curves.isEmpty() ? 0.0 : curves.back().imagesPerSecond, seconds,
                    QDir(m_request.outputFolder).absolutePath().toUtf8().constData());
        return kExitOk;
    }

private:
    core::GanTrainRequest m_request;
    std::string m_data, m_output, m_name, m_id, m_crop = "centre", m_augment = "colour,translation,cutout";
    std::string m_architecture = "dcgan";
    std::string m_previews;
};

class GanEvalCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("gan-eval", "Measure a generator against a folder of images");
        sub->add_option("--generator", m_generator, "generator id or folder")->required();
        sub->add_option("--data", m_data, "folder of real images (e.g. the training set)")->required();
        sub->add_option("--samples", m_samples, "generated images to measure (default 2048)")->check(CLI::Range(16, 100000));
        sub->add_option("--feature-network", m_features,
                        "a TorchScript Inception/VGG you exported; its code runs, so only files you made or trust (default: random features, RF-FID)");
        sub->add_option("--truncation", m_truncation, "truncation psi used for sampling")->check(CLI::Range(0.01, 1.0));
        sub->add_flag("--json", m_json, "print the figures as JSON");
        sub->add_option("--write-config", m_writeConfig, "store the figures as the generator's \"evaluation\" (0/1)");
        return sub;
    }
    int run() override
    {
        QString folder;
        std::string error;
        if (!resolveGenerator(m_generator, &folder, &error)) {
            std::cerr << "ganvas-cli gan-eval: " << error << "\n";
            return kExitFailure;
        }
        const auto gen = engine::loadGenerator(folder.toStdString());
        core::GanDatasetOptions dataOptions;
        dataOptions.resolution = static_cast<int>(gen.options.resolution);
        core::GanDatasetReport report;
        const auto real = core::prepareGanDataset(QString::fromStdString(m_data), dataOptions, &report);
        std::fprintf(stderr, "data: %s\n", report.summary().toUtf8().constData());
        const auto space = m_features.empty() ? engine::FeatureSpace::randomFeatures()
                                              : engine::FeatureSpace::torchScript(m_features);
        auto g = gen.net;
        std::vector<torch::Tensor> parts;
        for (int i = 0; i < m_samples; i += 64)
            parts.push_back(engine::sampleImages(g, engine::latentsForSeed(300000 + i, std::min(64, m_samples - i),
                                                                            gen.options.latentDim),
                                                 m_truncation));
        const auto e = engine::evaluateGan(torch::cat(parts), real.to(torch::kFloat32) / 255.0, space);
        const auto j = e.toJson();
        if (m_json) {
            std::printf("%s\n", j.dump(2).c_str());
        } else {
            std::printf("generator %s: %lld samples against %lld real images (%.1f s)\n", gen.id.c_str(),
                        static_cast<long long>(e.samples), static_cast<long long>(e.realImages), e.seconds);
            std::printf("  SWD x1e3 (Laplacian pyramid, 7x7 patches):");
            for (size_t i = 0; i < e.swd.perLevel.size(); ++i)
                std::printf(" %lldpx %.2f", static_cast<long long>(e.swd.levelSides[i]), e.swd.perLevel[i]);
            std::printf("  mean %.2f\n", e.swd.mean);
            std::printf("  FID %.3f  KID %.5f  in %s\n", e.fid, e.kid, e.featureSpace.c_str());
            std::printf("  diversity (mean MS-SSIM of %lld pairs, lower = more diverse): samples %.3f, real %.3f\n",
                        static_cast<long long>(e.diversityPairs), e.diversity, e.realDiversity);
            std::printf("  memorisation: median nearest-training-image RMS %.4f (held-out real images: %.4f); "
                        "%.1f %% of samples nearer than the nearest 1 %% of held-out images\n",
                        e.sampleNearest, e.heldOutNearest, e.nearCopies * 100);
        }
        if (m_writeConfig) {
            QFile file(folder + QStringLiteral("/config.json"));
            if (!file.open(QIODevice::ReadOnly)) {
                std::cerr << "ganvas-cli gan-eval: cannot read " << file.fileName().toStdString() << "\n";
                return kExitFailure;
            }
            auto config = nlohmann::json::parse(file.readAll().toStdString());
            config["evaluation"] = j;
            const std::string text = config.dump(2) + "\n";
            engine::writeFileAtomically((folder + QStringLiteral("/config.json")).toStdString(), text.data(), text.size());
        }
        return kExitOk;
    }

private:
    std::string m_generator, m_data, m_features;
    int m_samples = 2048;
    double m_truncation = 1.0;
    bool m_json = false;
    bool m_writeConfig = false;
};

class GanProjectCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("gan-project", "Find the latent whose image matches a picture");
        sub->add_option("--generator", m_generator, "generator id or folder")->required();
        sub->add_option("--input", m_input, "picture to match")->required()->check(CLI::ExistingFile);
        sub->add_option("--steps", m_steps, "optimisation steps (default 200)")->check(CLI::Range(1, 100000));
        sub->add_option("--output", m_output, "the matched image (PNG)")->required();
        sub->add_option("--latent", m_latent, "write the latent as JSON here");
        return sub;
    }
    int run() override
    {
        QString folder;
        std::string error;
        if (!resolveGenerator(m_generator, &folder, &error)) {
            std::cerr << "ganvas-cli gan-project: " << error << "\n";
            return kExitFailure;
        }
        QString loadError;
        const QImage input = core::loadImage(QString::fromStdString(m_input), &loadError);
        if (input.isNull()) {
            std::cerr << "ganvas-cli gan-project: " << loadError.toStdString() << "\n";
            return kExitFailure;
        }
        const auto model = core::GeneratorModel::load(folder);
        core::ProjectionTask task(model, input, m_steps);
        const auto t0 = std::chrono::steady_clock::now();
        const auto result = runCliJob(*task.job(), "gan-project", {});
        if (result.outcome != engine::JobOutcome::Finished)
            return kExitFailure;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!writeImage(task.image(), m_output, "gan-project"))
            return kExitFailure;
        if (!m_latent.empty()) {
            QJsonArray a;
            for (float v : task.latent())
                a.push_back(v);
            QFile f(QString::fromStdString(m_latent));
            if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(a).toJson()) < 0) {
                std::cerr << "ganvas-cli gan-project: cannot write " << m_latent << "\n";
                return kExitFailure;
            }
        }
        std::printf("projected in %.2f s: RMS pixel error %.4f; wrote %s\n", seconds, task.pixelError(), m_output.c_str());
        return kExitOk;
    }

private:
    std::string m_generator, m_input, m_output, m_latent;
    int m_steps = 200;
};

} // namespace

std::unique_ptr<Command> makeGeneratorsCommand() { return std::make_unique<GeneratorsCommand>(); }
std::unique_ptr<Command> makeSampleCommand() { return std::make_unique<SampleCommand>(); }
std::unique_ptr<Command> makeGanTrainCommand() { return std::make_unique<GanTrainCommand>(); }
std::unique_ptr<Command> makeGanEvalCommand() { return std::make_unique<GanEvalCommand>(); }
std::unique_ptr<Command> makeGanProjectCommand() { return std::make_unique<GanProjectCommand>(); }

} // namespace ganvas::cli
