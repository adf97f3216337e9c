// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli info [--json]: version, LibTorch, device(s), threads, BLAS, bf16, model folders.
#include "app/cli/Command.h"
#include "core/app/RuntimeReport.h"
#include "core/models/ModelCatalogue.h"

#include <QJsonDocument>

#include <iostream>

namespace ganvas::cli {

namespace {

class InfoCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("info", "Show versions, compute device, threads, BLAS, bf16 and installed models");
        sub->add_flag("--json", m_json, "print JSON instead of text");
        return sub;
    }

    int run() override
    {
        core::ModelCatalogue catalogue;
        catalogue.scan();
        const auto report = core::runtimeReport(catalogue);
        if (m_json)
            std::cout << QJsonDocument(report).toJson(QJsonDocument::Indented).toStdString();
        else
            std::cout << core::runtimeReportText(report).toStdString() << "\n";
        if (report.value(QStringLiteral("blas_reference")).toBool())
            std::cerr << "warning: LibTorch is using the reference BLAS (about 35x slower); install libopenblas0-pthread\n";
        return kExitOk;
    }

private:
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> makeInfoCommand()
{
    return std::make_unique<InfoCommand>();
}

} // namespace ganvas::cli
