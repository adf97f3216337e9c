// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTest.h"

#include "core/engine/nn/Device.h"
#include "core/engine/nn/BlasKernels.h"
#include "core/engine/nn/ProcessExit.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>

namespace ganvas::test {

std::vector<TestCase>& registry()
{
    static std::vector<TestCase> cases;
    return cases;
}

std::string testDataDir()
{
    if (const char* dir = std::getenv("GANVAS_TEST_DATA"))
        return dir;
    return GANVAS_TEST_DATA_FALLBACK;
}

namespace {
std::vector<std::filesystem::path>& tempDirs()
{
    static std::vector<std::filesystem::path> dirs;
    return dirs;
}
} // namespace

std::string tempDir()
{
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("ganvas-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir);
    tempDirs().push_back(dir);
    return dir.string();
}

} // namespace ganvas::test

// Hooks for the Python cross-checks (tests/reference/*.py) that need the engine to do one thing.
int runTool(int argc, char** argv);

namespace {

/// For device.programs_end_without_library_finalisers: text left in the stream buffers, a
/// finaliser that would print if it ran, a BLAS product just before the end (what OpenBLAS' exit
/// hang needs), then exitProcess(7).
struct FinaliserProbe {
    ~FinaliserProbe() { std::printf("[static destructor ran]"); }
};

[[noreturn]] void exitProcessTool()
{
    static FinaliserProbe probe;
    std::atexit([] { std::printf("[atexit ran]"); });
    const auto a = torch::rand({256, 256});
    std::cout << "sum " << (torch::mm(a, a).sum().item<double>() > 0 ? "positive" : "not positive");
    std::printf(" | printf");
    ganvas::engine::exitProcess(7);
}

} // namespace

static int runEngineTests(int argc, char** argv)
{
    using namespace ganvas::test;
    ganvas::engine::initThreads();
    std::string group, only;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--list") {
            for (const auto& t : registry())
                std::cout << t.group << " " << t.name << "\n";
            return 0;
        }
        if (arg == "--tool" && i + 1 < argc && std::string(argv[i + 1]) == "exit-process")
            exitProcessTool();
        if (arg == "--tool" && i + 1 < argc && std::string(argv[i + 1]) == "blas-core") {
            // For device.blas_kernels_match_the_cpu: what this process runs, after main's choice.
            std::cout << ganvas::engine::blasCoreDescription() << std::flush;
            return 0;
        }
        if (arg == "--tool")
            return runTool(argc - i - 1, argv + i + 1);
        if (arg == "--group" && i + 1 < argc)
            group = argv[++i];
        else if (arg == "--test" && i + 1 < argc)
            only = argv[++i];
        else {
            std::cerr << "usage: ganvas_engine_tests [--list] [--group G] [--test NAME] | --tool ...\n";
            return 2;
        }
    }
    int run = 0, failed = 0;
    for (const auto& t : registry()) {
        if ((!group.empty() && t.group != group) || (!only.empty() && t.name != only))
            continue;
        ++run;
        try {
            t.fn();
            std::cout << "PASS " << t.group << "." << t.name << "\n";
        } catch (const std::exception& e) {
            ++failed;
            std::cout << "FAIL " << t.group << "." << t.name << ": " << e.what() << "\n";
        }
    }
    for (const auto& dir : tempDirs()) {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::cout << run - failed << " of " << run << " passed\n";
    if (run == 0) {
        std::cerr << "no tests matched\n";
        return 1;
    }
    return failed == 0 ? 0 : 1;
}

// Ends without the libraries' finalisers, where OpenBLAS can hang (core/engine/nn/ProcessExit.h).
int main(int argc, char** argv)
{
    ganvas::engine::chooseBlasKernels(argv); // the kernels the programs run (BlasKernels.h)
    ganvas::engine::exitProcess(runEngineTests(argc, argv));
}
