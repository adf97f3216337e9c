// SPDX-License-Identifier: GPL-3.0-or-later
// ganvas-cli timelapse JOURNAL --output FILE.avi [--frames N] [--fps F] [--size PX]: the painting
// process recorded in a stroke journal, as a Motion-JPEG video.
#include "app/cli/Command.h"
#include "core/journal/Timelapse.h"

#include <iostream>

namespace ganvas::cli {

namespace {

class TimelapseCommand final : public Command {
public:
    CLI::App* add(CLI::App& app) override
    {
        auto* sub = app.add_subcommand("timelapse", "Render the painting process recorded in a journal as a video (.avi)");
        sub->add_option("journal", m_input, "stroke journal (.jsonl)")->required();
        sub->add_option("-o,--output", m_output, "video to write (.avi, Motion-JPEG)")->required();
        sub->add_option("--frames", m_options.frames, "frames across the replay")->check(CLI::Range(1, 100000));
        sub->add_option("--fps", m_options.fps, "frames per second")->check(CLI::Range(1.0, 240.0));
        sub->add_option("--size", m_options.maxEdge, "longer side of the video, pixels")->check(CLI::Range(16, 7680));
        return sub;
    }

    int run() override
    {
        QString error;
        const int frames = core::renderTimelapse(QString::fromStdString(m_input), QString::fromStdString(m_output),
                                                 m_options, &error);
        if (frames < 0) {
            std::cerr << "ganvas-cli timelapse: " << error.toStdString() << "\n";
            return kExitFailure;
        }
        std::cout << "wrote " << m_output << " (" << frames << " frames)\n";
        return kExitOk;
    }

private:
    std::string m_input, m_output;
    core::TimelapseOptions m_options;
};

} // namespace

std::unique_ptr<Command> makeTimelapseCommand()
{
    return std::make_unique<TimelapseCommand>();
}

} // namespace ganvas::cli
