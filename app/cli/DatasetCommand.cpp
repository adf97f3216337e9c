// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli dataset emoji | prepare: make a GAN training set (emoji rendered from Noto Color
// Emoji) and check how a folder of pictures will be read (report, crops as a contact sheet).
#include "app/cli/Command.h"
#include "core/gan/GanDataset.h"
#include "core/io/ImageIO.h"

#include <QFileInfo>
#include <QImage>
#include <QImageWriter>
#include <QPainter>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace ganvas::cli {

namespace {

void printList(const char* title, const QStringList& paths, const QStringList& reasons = {})
{
    if (paths.isEmpty())
        return;
    std::printf("%s:\n", title);
    for (int i = 0; i < paths.size(); ++i) {
        if (i < reasons.size() && !reasons[i].isEmpty())
            std::printf("  %s  (%s)\n", paths[i].toUtf8().constData(), reasons[i].toUtf8().constData());
        else
            std::printf("  %s\n", paths[i].toUtf8().constData());
    }
}

/// The first 64 images of [N,3,R,R] uint8 as an 8-column contact sheet with 2 px white gaps.
QImage contactSheet(const torch::Tensor& images)
{
    const int n = static_cast<int>(std::min<int64_t>(images.size(0), 64));
    const int r = static_cast<int>(images.size(2)), gap = 2, columns = std::min(8, n);
    const int rows = (n + columns - 1) / columns;
    QImage sheet(columns * r + (columns + 1) * gap, rows * r + (rows + 1) * gap, QImage::Format_RGB888);
    sheet.fill(Qt::white);
    const torch::Tensor hwc = images.narrow(0, 0, n).permute({0, 2, 3, 1}).contiguous();
    QPainter painter(&sheet);
    for (int i = 0; i < n; ++i) {
        const QImage tile(hwc[i].data_ptr<uint8_t>(), r, r, 3 * r, QImage::Format_RGB888);
        painter.drawImage(gap + (i % columns) * (r + gap), gap + (i / columns) * (r + gap), tile);
    }
    return sheet;
}

class DatasetCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        m_sub = app.add_subcommand("dataset", "Make or check a GAN training set");
        m_sub->require_subcommand(1);

        m_emoji = m_sub->add_subcommand("emoji", "Render the Noto Color Emoji glyphs as PNGs on white (a ready-made GAN set)");
        m_emoji->add_option("-o,--output", m_output, "folder to write the PNGs into")->required();
        m_emoji->add_option("--size", m_size, "image side in pixels, 16..512 (default 64)")->check(CLI::Range(16, 512));
        m_emoji->add_option("--limit", m_limit, "stop after this many images (default: all)")->check(CLI::Range(0, 1000000));

        m_prepare = m_sub->add_subcommand("prepare", "Read a folder of images as a GAN training set and report what was kept");
        m_prepare->add_option("--data", m_data, "folder of images (searched recursively)")->required()
            ->check(CLI::ExistingDirectory);
        m_prepare->add_option("--resolution", m_resolution, "training resolution in pixels, 8..1024 (default 64)")
            ->check(CLI::Range(8, 1024));
        m_prepare->add_option("--crop", m_crop, "centre (default) or random (70-100 % of the short side, seeded)")
            ->check(CLI::IsMember({"centre", "center", "random"}));
        m_prepare->add_option("--preview", m_preview, "write the first 64 prepared images as an 8-column grid (PNG)");
        m_prepare->add_flag("--no-cache", m_noCache, "neither read nor write the prepared-data cache");
        return m_sub;
    }

    int run() override
    {
        if (m_emoji->parsed())
            return runEmoji();
        return runPrepare();
    }

private:
    int runEmoji()
    {
        const auto t0 = std::chrono::steady_clock::now();
        const QString output = QString::fromStdString(m_output);
        const int written = core::renderEmojiDataset(output, m_size, {}, m_limit);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("wrote %d emoji images (%d px) to %s in %.1f s\n", written, m_size, m_output.c_str(), seconds);
        return kExitOk;
    }

    int runPrepare()
    {
        const QString preview = QString::fromStdString(m_preview);
        if (!preview.isEmpty() &&
            !QImageWriter::supportedImageFormats().contains(QFileInfo(preview).suffix().toLower().toLatin1())) {
            std::cerr << "ganvas-cli dataset prepare: --preview needs a picture file name such as grid.png, not '"
                      << m_preview << "'\n";
            return kExitUsage;
        }
        core::GanDatasetOptions options;
        options.resolution = m_resolution;
        options.crop = QString::fromStdString(m_crop);
        if (m_noCache)
            options.cacheDir = QStringLiteral("-");
        core::GanDatasetReport report;
        const auto t0 = std::chrono::steady_clock::now();
        const torch::Tensor images = core::prepareGanDataset(QString::fromStdString(m_data), options, &report);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("%s at %d px, %s crop, in %.2f s%s\n", report.summary().toUtf8().constData(), m_resolution,
                    options.crop.toUtf8().constData(), seconds, report.fromCache ? " (from the cache)" : "");
        printList("unreadable", report.unreadable, report.unreadableReasons);
        printList("duplicates", report.duplicates);
        printList("too small", report.tooSmall);
        if (!report.cacheFile.isEmpty())
            std::printf("cache: %s\n", report.cacheFile.toUtf8().constData());
        if (!preview.isEmpty()) {
            QString error;
            if (!core::saveImage(contactSheet(images), preview, &error)) {
                std::cerr << "ganvas-cli dataset prepare: " << error.toStdString() << "\n";
                return kExitFailure;
            }
            std::printf("preview: %s (%d images)\n", m_preview.c_str(),
                        static_cast<int>(std::min<int64_t>(images.size(0), 64)));
        }
        return kExitOk;
    }

    CLI::App* m_sub = nullptr;
    CLI::App* m_emoji = nullptr;
    CLI::App* m_prepare = nullptr;
    std::string m_output, m_data, m_crop = "centre", m_preview;
    int m_size = 64, m_limit = 0, m_resolution = 64;
    bool m_noCache = false;
};

} // namespace

std::unique_ptr<Command> makeDatasetCommand()
{
    return std::make_unique<DatasetCommand>();
}

} // namespace ganvas::cli
