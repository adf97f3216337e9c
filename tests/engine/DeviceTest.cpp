// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTest.h"

#include "core/engine/nn/Device.h"
#include "core/engine/nn/TorchCompat.h"

#include <thread>

using namespace ganvas::engine;

GANVAS_TEST(device, resolve_requests)
{
    REQUIRE(resolveDevice("cpu").is_cpu());
    const auto automatic = resolveDevice("auto");
    REQUIRE_EQ(automatic.is_cuda(), torch::cuda::is_available());
    REQUIRE(resolveDevice("") == automatic);
    REQUIRE_THROWS_WITH(resolveDevice("gpu"), std::invalid_argument, "expected auto, cpu, cuda or cuda:N");
    REQUIRE_THROWS_WITH(resolveDevice("cuda:x"), std::invalid_argument, "unknown device");
    REQUIRE_THROWS_WITH(resolveDevice("cuda:99"), std::invalid_argument, "cuda:99");
    if (!torch::cuda::is_available())
        REQUIRE_THROWS_WITH(resolveDevice("cuda"), std::invalid_argument, "--device cpu");
    REQUIRE_EQ(deviceString(resolveDevice("cpu")), std::string("cpu"));
}

GANVAS_TEST(device, threads_follow_the_machine)
{
    const int cores = machineCores();
    REQUIRE(cores >= 1);
    REQUIRE(cores <= static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    REQUIRE_EQ(initThreads(), cores);
    REQUIRE_EQ(torch::get_num_threads(), cores);
    REQUIRE_EQ(initThreads(1), 1);
    REQUIRE_EQ(initThreads(), cores);
}

GANVAS_TEST(device, runtime_info_is_complete)
{
    const auto info = runtimeInfo();
    REQUIRE(!info.torchVersion.empty());
    REQUIRE_EQ(info.threads, torch::get_num_threads());
    REQUIRE(!info.blas.empty());
    REQUIRE(!info.defaultDevice.empty());
    // On the project's machines (Debian with libopenblas0-pthread) the fast BLAS must be in use.
    REQUIRE(!info.blasReference);
}

GANVAS_TEST(device, bf16_autocast_guard_is_scoped)
{
    torch::InferenceMode guard;
    const auto x = torch::rand({1, 3, 8, 8});
    const auto w = torch::rand({4, 3, 3, 3});
    REQUIRE(torch::conv2d(x, w).scalar_type() == torch::kFloat32);
    {
        AutocastGuard autocast(torch::Device(torch::kCPU), Precision::BFloat16);
        REQUIRE(autocast.active());
        REQUIRE(torch::conv2d(x, w).scalar_type() == torch::kBFloat16);
        {
            AutocastGuard off(torch::Device(torch::kCPU), Precision::Float32);
            REQUIRE(!off.active());
        }
    }
    REQUIRE(torch::conv2d(x, w).scalar_type() == torch::kFloat32);
    // bf16 autocast stays close to fp32 for a conv.
    AutocastGuard autocast(torch::Device(torch::kCPU), Precision::BFloat16);
    const auto ref = torch::conv2d(x.to(torch::kFloat64), w.to(torch::kFloat64));
    REQUIRE((torch::conv2d(x, w).to(torch::kFloat64) - ref).abs().max().item<double>() < 0.1);
}

GANVAS_TEST(device, precision_names)
{
    REQUIRE(parsePrecision("bf16") == Precision::BFloat16);
    REQUIRE(parsePrecision("fp32") == Precision::Float32);
    REQUIRE_THROWS_WITH(parsePrecision("fp8"), std::invalid_argument, "fp32 or bf16");
    REQUIRE_EQ(std::string(precisionName(Precision::BFloat16)), std::string("bf16"));
}
