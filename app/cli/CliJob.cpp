// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli/CliJob.h"

#include "core/image/ImageBridge.h"

#include <QDir>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>

namespace ganvas::cli {

namespace {

engine::CancelToken* g_token = nullptr;

extern "C" void onSignal(int)
{
    if (g_token)
        g_token->cancel();
}

class CliObserver final : public engine::JobObserver {
public:
    explicit CliObserver(const CliJobOptions& options) : m_options(options) {}

    void onProgress(int64_t done, int64_t total, const std::string& message) override
    {
        if (m_options.quiet)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (done < total && now - m_last < std::chrono::milliseconds(500))
            return;
        m_last = now;
        const double pct = total > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 0.0;
        std::fprintf(stderr, "[%5.1f%%] %s\n", pct, message.c_str());
    }
    void onPreview(const torch::Tensor& image, int pass) override
    {
        if (m_options.previewDir.empty())
            return;
        QDir().mkpath(QString::fromStdString(m_options.previewDir));
        char name[64];
        std::snprintf(name, sizeof name, "/preview-%04d-pass%d.png", m_count++, pass);
        core::tensorToImage(image).save(QString::fromStdString(m_options.previewDir + name));
    }
    void onLog(engine::LogLevel level, const std::string& message) override
    {
        if (!m_options.quiet || level >= engine::LogLevel::Warning)
            std::fprintf(stderr, "%s\n", message.c_str());
    }

private:
    CliJobOptions m_options;
    std::chrono::steady_clock::time_point m_last{};
    int m_count = 0;
};

} // namespace

engine::JobResult runCliJob(engine::Job& job, const std::string& commandName, const CliJobOptions& options)
{
    engine::CancelToken token;
    CliObserver observer(options);
    engine::JobContext ctx(token, &observer);
    g_token = &token;
    auto oldInt = std::signal(SIGINT, onSignal);
    auto oldTerm = std::signal(SIGTERM, onSignal);
    const auto result = engine::runJob(job, ctx);
    std::signal(SIGINT, oldInt);
    std::signal(SIGTERM, oldTerm);
    g_token = nullptr;
    if (result.outcome == engine::JobOutcome::Failed)
        std::cerr << "ganvas-cli " << commandName << ": " << result.error << "\n";
    else if (result.outcome == engine::JobOutcome::Cancelled)
        std::cerr << "ganvas-cli " << commandName << ": cancelled\n";
    return result;
}

} // namespace ganvas::cli
