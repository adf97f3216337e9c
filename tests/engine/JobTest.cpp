// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTest.h"

#include <atomic>

#include "core/engine/jobs/Job.h"

#include <chrono>
#include <new>
#include <thread>

using namespace ganvas::engine;

namespace {

struct Recorder : JobObserver {
    std::vector<std::tuple<int64_t, int64_t, std::string>> progress;
    std::vector<std::pair<torch::Tensor, int>> previews;
    std::vector<std::string> logs;
    void onProgress(int64_t d, int64_t t, const std::string& m) override { progress.emplace_back(d, t, m); }
    void onPreview(const torch::Tensor& image, int pass) override { previews.emplace_back(image, pass); }
    void onLog(LogLevel, const std::string& m) override { logs.push_back(m); }
};

struct LambdaJob : Job {
    std::function<void(JobContext&)> body;
    explicit LambdaJob(std::function<void(JobContext&)> b) : body(std::move(b)) {}
    std::string title() const override { return "lambda"; }
    void run(JobContext& ctx) override { body(ctx); }
};

JobResult runBody(std::function<void(JobContext&)> body, Recorder* recorder = nullptr, CancelToken* token = nullptr)
{
    CancelToken own;
    JobContext ctx(token ? *token : own, recorder);
    LambdaJob job(std::move(body));
    return runJob(job, ctx);
}

} // namespace

GANVAS_TEST(jobs, finished_job_reports_in_order)
{
    Recorder r;
    const auto result = runBody(
        [](JobContext& ctx) {
            for (int pass = 0; pass < 3; ++pass) {
                ctx.progress(pass, 3, "pass");
                ctx.preview(torch::full({3, 4 << pass, 4 << pass}, 0.25f * pass), pass);
            }
            ctx.progress(3, 3, "done");
            ctx.log(LogLevel::Info, "hello");
        },
        &r);
    REQUIRE(result.outcome == JobOutcome::Finished);
    REQUIRE(result.error.empty());
    REQUIRE_EQ(r.progress.size(), 4u);
    REQUIRE_EQ(std::get<0>(r.progress.back()), 3);
    REQUIRE_EQ(r.previews.size(), 3u);
    for (int pass = 0; pass < 3; ++pass) {
        REQUIRE_EQ(r.previews[pass].second, pass);
        REQUIRE_EQ(r.previews[pass].first.size(1), 4 << pass); // coarse to fine
    }
    REQUIRE_EQ(r.logs.front(), std::string("hello"));
}

GANVAS_TEST(jobs, progress_is_clamped)
{
    Recorder r;
    runBody([](JobContext& ctx) {
        ctx.progress(-5, 10);
        ctx.progress(50, 10);
        ctx.progress(3, 0);
    }, &r);
    REQUIRE_EQ(std::get<0>(r.progress[0]), 0);
    REQUIRE_EQ(std::get<0>(r.progress[1]), 10);
    REQUIRE_EQ(std::get<1>(r.progress[2]), 0);
}

GANVAS_TEST(jobs, preview_is_a_private_clamped_cpu_copy)
{
    Recorder r;
    runBody([](JobContext& ctx) {
        auto image = torch::full({1, 1, 2, 2}, 2.0, torch::kFloat64); // grey, batch dim, out of range
        ctx.preview(image, 0);
        image.fill_(-1.0); // the job keeps working on its tensor
    }, &r);
    const auto& p = r.previews.at(0).first;
    REQUIRE(p.sizes() == torch::IntArrayRef({3, 2, 2}));
    REQUIRE(p.scalar_type() == torch::kFloat32);
    REQUIRE(p.device().is_cpu());
    REQUIRE_NEAR(p.min().item<float>(), 1.0, 0);
    const auto bad = runBody([](JobContext& ctx) { ctx.preview(torch::zeros({2, 5, 5})); });
    REQUIRE(bad.outcome == JobOutcome::Failed);
    REQUIRE(bad.error.find("preview") != std::string::npos);
}

GANVAS_TEST(jobs, failure_messages_are_clear)
{
    const auto plain = runBody([](JobContext&) { throw std::runtime_error("the style image is broken"); });
    REQUIRE(plain.outcome == JobOutcome::Failed);
    REQUIRE_EQ(plain.error, std::string("the style image is broken"));

    const auto oom = runBody([](JobContext&) { throw std::bad_alloc(); });
    REQUIRE(oom.outcome == JobOutcome::Failed);
    REQUIRE(oom.error.find("not enough memory") != std::string::npos);
    REQUIRE(oom.error.find("nothing was changed") != std::string::npos);

    // A LibTorch error arrives as its first line, without the C++ backtrace.
    const auto torchError = runBody([](JobContext&) { (void)torch::mm(torch::ones({2, 3}), torch::ones({2, 3})); });
    REQUIRE(torchError.outcome == JobOutcome::Failed);
    REQUIRE(torchError.error.find("mat1 and mat2") != std::string::npos);
    REQUIRE(torchError.error.find('\n') == std::string::npos);

    const auto huge = runBody([](JobContext&) { (void)torch::empty({int64_t(1) << 50}); });
    REQUIRE(huge.outcome == JobOutcome::Failed);
    REQUIRE(huge.error.find("not enough memory") != std::string::npos);

    const auto unknown = runBody([](JobContext&) { throw 42; });
    REQUIRE(unknown.outcome == JobOutcome::Failed);
    REQUIRE(!unknown.error.empty());
}

// Counted in chunks of work, not wall-clock milliseconds: under ASan with other tests on the same
// two cores, one ~1 ms chunk took over 100 ms of wall time, which says nothing about the job.
GANVAS_TEST(jobs, cancellation_is_seen_at_the_next_chunk_of_work)
{
    CancelToken token;
    std::atomic<bool> cancelIssued{false};
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        token.cancel();
        cancelIssued = true;
    });
    int chunksAfterCancel = 0;
    const auto result = runBody(
        [&](JobContext& ctx) {
            torch::InferenceMode guard;
            auto x = torch::rand({256, 256});
            for (;;) { // endless work in ~ms chunks, polling between them
                ctx.throwIfCancelled();
                // The cancel was issued before this chunk began, yet the poll let it through.
                if (cancelIssued)
                    ++chunksAfterCancel;
                x = torch::tanh(torch::mm(x, x) / 256);
            }
        },
        nullptr, &token);
    canceller.join();
    REQUIRE(result.outcome == JobOutcome::Cancelled);
    // At most the chunk that was running when the flag was set (cancel() precedes the flag).
    REQUIRE(chunksAfterCancel <= 1);
}

GANVAS_TEST(jobs, cancelled_before_start_never_runs)
{
    CancelToken token;
    token.cancel();
    bool ran = false;
    const auto result = runBody([&](JobContext&) { ran = true; }, nullptr, &token);
    REQUIRE(result.outcome == JobOutcome::Cancelled);
    REQUIRE(!ran);
}

GANVAS_TEST(jobs, returning_after_cancel_counts_as_cancelled)
{
    CancelToken token;
    const auto result = runBody([&](JobContext& ctx) { token.cancel(); (void)ctx; }, nullptr, &token);
    REQUIRE(result.outcome == JobOutcome::Cancelled);
}
