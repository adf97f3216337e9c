// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli upscale | upscalers: AI upscaling with the imported ESRGAN models (issue #6).
#include "app/cli/CliJob.h"
#include "app/cli/Command.h"
#include "core/jobs/MemoryPreflight.h"
#include "core/io/ImageIO.h"
#include "core/settings/ComputeSettings.h"
#include "core/upscale/UpscaleTask.h"

#include <QFileInfo>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace ganvas::cli {

namespace {

class UpscalersCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        return app.add_subcommand("upscalers", "List the installed AI upscalers");
    }
    int run() override
    {
        const auto list = core::installedUpscalers();
        for (const auto& e : list)
            std::printf("%-20s %-24s %s\n", e.id.toUtf8().constData(), e.name.toUtf8().constData(),
                        e.isValid() ? e.license.toUtf8().constData() : ("BROKEN: " + e.error).toUtf8().constData());
        std::printf("%d upscalers\n", static_cast<int>(list.size()));
        if (list.isEmpty())
            std::printf("%s\n", core::upscalerInstallHint().toUtf8().constData());
        return kExitOk;
    }
};

class UpscaleCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("upscale", "Enlarge a picture with an ESRGAN network");
        sub->add_option("--scale", m_scale, "2, 3, 4 or 8 (default 4)")->check(CLI::IsMember({2, 3, 4, 8}));
        sub->add_option("--model", m_variant, "slim, medium or thick (default slim)")
            ->check(CLI::IsMember({"slim", "medium", "thick"}));
        sub->add_option("--model-dir", m_folder, "an upscaler folder instead of --model/--scale");
        sub->add_option("--input", m_input, "picture to enlarge")->required();
        sub->add_option("--output", m_output, "PNG/JPEG/WebP/TIFF to write")->required();
        return sub;
    }
    int run() override
    {
        core::ModelEntry model = m_folder.empty() ? core::findUpscaler(QString::fromStdString(m_variant), m_scale)
                                                  : core::ModelCatalogue::readEntry(QFileInfo(QString::fromStdString(m_folder)).absoluteFilePath());
        if (!model.isValid()) {
            std::cerr << "ganvas-cli upscale: " << model.error.toStdString() << "\n";
            return kExitFailure;
        }
        QString error;
        const QImage input = core::loadImage(QString::fromStdString(m_input), &error);
        if (input.isNull()) {
            std::cerr << "ganvas-cli upscale: " << error.toStdString() << "\n";
            return kExitFailure;
        }
        const auto compute = core::currentCompute();
        // Memory pre-flight (docs/RELIABILITY.md): refuse before loading the network.
        {
            const int scale = core::upscalerScale(model);
            const bool alpha = input.hasAlphaChannel();
            const auto estimate = core::estimateUpscaleMemory(input.size(), scale, alpha);
            const auto available = core::availableMemory(compute.device);
            if (!core::fitsInMemory(estimate, available)) {
                const double fit = core::scaleToFitMemory(
                    [&](double s) { return core::estimateUpscaleMemory(input.size() * s, scale, alpha).bytes; }, available);
                std::cerr << "ganvas-cli upscale: this needs about " << core::formatMemory(estimate.bytes).toStdString() << " ("
                          << estimate.what << "); " << core::formatMemory(available).toStdString() << " is free on "
                          << compute.device.toStdString() << ".";
                if (fit > 0)
                    std::cerr << " Shrink the input to at most " << static_cast<int>(input.width() * fit) << " x "
                              << static_cast<int>(input.height() * fit) << " px first, or use a smaller --scale.";
                else
                    std::cerr << " Use a smaller --scale or free some memory.";
                std::cerr << "\n";
                return kExitFailure;
            }
        }
        std::unique_ptr<core::UpscaleTask> task;
        try {
            task = std::make_unique<core::UpscaleTask>(model, input, compute.precision, compute.device);
        } catch (const std::invalid_argument& e) {
            std::cerr << "ganvas-cli upscale: " << e.what() << "\n";
            return kExitUsage;
        }
        const auto t0 = std::chrono::steady_clock::now();
        if (runCliJob(*task->job(), "upscale").outcome != engine::JobOutcome::Finished)
            return kExitFailure;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const QImage out = task->result();
        if (!core::saveImage(out, QString::fromStdString(m_output), &error, -1,
                             {{QStringLiteral("Software"), QStringLiteral("Ganvas")},
                              {QStringLiteral("ganvas:upscaler"), model.id}})) {
            std::cerr << "ganvas-cli upscale: " << error.toStdString() << "\n";
            return kExitFailure;
        }
        std::printf("upscaled %dx%d -> %dx%d with %s in %.2f s; wrote %s\n", input.width(), input.height(), out.width(),
                    out.height(), model.id.toUtf8().constData(), seconds, m_output.c_str());
        return kExitOk;
    }

private:
    int m_scale = 4;
    std::string m_variant = "slim", m_folder, m_input, m_output;
};

} // namespace

std::unique_ptr<Command> makeUpscaleCommand() { return std::make_unique<UpscaleCommand>(); }
std::unique_ptr<Command> makeUpscalersCommand() { return std::make_unique<UpscalersCommand>(); }

} // namespace ganvas::cli
