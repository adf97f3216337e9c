// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file TorchCompat.h
/// The one place where LibTorch 1.13 (Debian bookworm) and LibTorch 2.x (CUDA builds from PyTorch)
/// differ for Ganvas. Everything else in the engine uses the stable C++ frontend API only.

#include <torch/torch.h>
#include <torch/version.h>

#include <string>

namespace ganvas::engine {

/// Numeric precision a job may run in. `BFloat16` uses autocast (matmul/conv in bf16, reductions
/// and normalisation statistics in fp32), not bf16 parameters.
enum class Precision { Float32, BFloat16 };

/// "fp32" / "bf16". Throws std::invalid_argument for anything else.
Precision parsePrecision(const std::string& text);
const char* precisionName(Precision precision);

/// RAII: enables autocast to bf16 on @p device's type for the current thread while alive, and
/// restores the previous state (and clears the autocast weight cache) on destruction.
/// With Precision::Float32 it does nothing. Throws std::runtime_error for bf16 on the CPU where
/// cpuBf16Blocked() (Device.h), instead of oneDNN's "could not create a primitive descriptor".
/// Which precision to ask for is resolvePrecision()'s decision (Device.h). Autocast state is thread-local: construct it on the
/// worker thread that runs the tensor ops.
class AutocastGuard {
public:
    AutocastGuard(const torch::Device& device, Precision precision);
    ~AutocastGuard();
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;

    /// True when autocast is on because of this guard.
    bool active() const { return m_active; }

private:
    bool m_active = false;
    bool m_cuda = false;
    bool m_previousEnabled = false;
    at::ScalarType m_previousDtype = at::kBFloat16;
};

/// "1.13.1", "2.5.0" ...
std::string torchVersionString();

/// c10::Error::what() carries a C++ backtrace; users get the first line of the message only.
std::string torchErrorMessage(const c10::Error& error);

} // namespace ganvas::engine
