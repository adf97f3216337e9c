// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli render JOURNAL_OR_ORA --output FILE.png [--records N]: replays a stroke journal (or
// reads an OpenRaster project) without a window and writes the flattened image.
#include "app/cli/Command.h"
#include "core/document/Document.h"
#include "core/io/ImageIO.h"
#include "core/io/OraFile.h"
#include "core/journal/JournalPlayer.h"

#include <QFileInfo>

#include <iostream>

namespace ganvas::cli {

namespace {

class RenderCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("render", "Replay a stroke journal (.jsonl) or read a project (.ora) and write the flattened image");
        sub->add_option("input", m_input, "journal (.jsonl) or OpenRaster project (.ora)")->required();
        sub->add_option("-o,--output", m_output, "image to write (.png, .jpg, .webp, .tif), or a layered .ora project")->required();
        sub->add_option("--records", m_records, "replay only the first N records of a journal")->check(CLI::PositiveNumber);
        return sub;
    }

    int run() override
    {
        const QString input = QString::fromStdString(m_input);
        std::unique_ptr<core::Document> doc;
        QString error;
        if (input.endsWith(QLatin1String(".ora"), Qt::CaseInsensitive)) {
            doc = core::loadOra(input, &error);
        } else {
            core::ReplayOptions options;
            options.maxRecords = m_records;
            auto result = core::replayJournal(input, options);
            if (result.torn)
                std::cerr << "ganvas-cli render: the journal's last record was cut off and skipped\n";
            error = result.error;
            doc = std::move(result.document);
        }
        if (!doc) {
            std::cerr << "ganvas-cli render: " << error.toStdString() << "\n";
            return kExitFailure;
        }
        const QString output = QString::fromStdString(m_output);
        if (output.endsWith(QLatin1String(".ora"), Qt::CaseInsensitive)) {
            if (!core::saveOra(*doc, output, &error)) {
                std::cerr << "ganvas-cli render: " << error.toStdString() << "\n";
                return kExitFailure;
            }
            std::cout << "wrote " << m_output << " (" << doc->size().width() << " x " << doc->size().height() << ", "
                      << doc->layerCount() << " layers)\n";
            return kExitOk;
        }
        QImage image = doc->composite();
        image.setText(QStringLiteral("Software"), QStringLiteral("Ganvas"));
        image.setText(QStringLiteral("Source"), QFileInfo(input).fileName());
        if (!core::saveImage(image, QString::fromStdString(m_output), &error)) {
            std::cerr << "ganvas-cli render: " << error.toStdString() << "\n";
            return kExitFailure;
        }
        std::cout << "wrote " << m_output << " (" << image.width() << " x " << image.height() << ", " << doc->layerCount()
                  << " layers)\n";
        return kExitOk;
    }

private:
    std::string m_input, m_output;
    int m_records = 0;
};

} // namespace

std::unique_ptr<Command> makeRenderCommand()
{
    return std::make_unique<RenderCommand>();
}

} // namespace ganvas::cli
