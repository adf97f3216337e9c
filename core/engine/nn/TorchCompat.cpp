// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/nn/TorchCompat.h"
#include "core/engine/nn/Device.h"

#include <ATen/autocast_mode.h>

#include <stdexcept>

// LibTorch 2.4 replaced the per-device autocast setters with ones that take a device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define GANVAS_AUTOCAST_BY_DEVICE_TYPE 1
#else
#define GANVAS_AUTOCAST_BY_DEVICE_TYPE 0
#endif

namespace ganvas::engine {

Precision parsePrecision(const std::string& text)
{
    if (text == "fp32" || text == "float32")
        return Precision::Float32;
    if (text == "bf16" || text == "bfloat16")
        return Precision::BFloat16;
    throw std::invalid_argument("unknown precision '" + text + "' (expected fp32 or bf16)");
}

const char* precisionName(Precision precision)
{
    return precision == Precision::BFloat16 ? "bf16" : "fp32";
}

namespace {

bool autocastEnabled(bool cuda)
{
#if GANVAS_AUTOCAST_BY_DEVICE_TYPE
    return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU);
#else
    return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

void setAutocast(bool cuda, bool enabled, at::ScalarType dtype)
{
#if GANVAS_AUTOCAST_BY_DEVICE_TYPE
    const auto type = cuda ? at::kCUDA : at::kCPU;
    at::autocast::set_autocast_enabled(type, enabled);
    at::autocast::set_autocast_dtype(type, dtype);
#else
    if (cuda) {
        at::autocast::set_enabled(enabled);
        at::autocast::set_autocast_gpu_dtype(dtype);
    } else {
        at::autocast::set_cpu_enabled(enabled);
        at::autocast::set_autocast_cpu_dtype(dtype);
    }
#endif
}

at::ScalarType autocastDtype(bool cuda)
{
#if GANVAS_AUTOCAST_BY_DEVICE_TYPE
    return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU);
#else
    return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

} // namespace

AutocastGuard::AutocastGuard(const torch::Device& device, Precision precision)
{
    if (precision != Precision::BFloat16)
        return;
    m_cuda = device.is_cuda();
    if (!m_cuda && cpuBf16Blocked())
        throw std::runtime_error("bf16 cannot run on the CPU in this process: ONEDNN_MAX_CPU_ISA (or "
                                 "DNNL_MAX_CPU_ISA) caps oneDNN below AVX512_CORE, and LibTorch hands bf16 "
                                 "convolutions to it anyway; use fp32");
    m_previousEnabled = autocastEnabled(m_cuda);
    m_previousDtype = autocastDtype(m_cuda);
    setAutocast(m_cuda, true, at::kBFloat16);
    at::autocast::increment_nesting();
    m_active = true;
}

AutocastGuard::~AutocastGuard()
{
    if (!m_active)
        return;
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    setAutocast(m_cuda, m_previousEnabled, m_previousDtype);
}

std::string torchVersionString()
{
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
}

std::string torchErrorMessage(const c10::Error& error)
{
    std::string message = error.what_without_backtrace();
    const auto newline = message.find('\n');
    if (newline != std::string::npos)
        message.resize(newline);
    return message;
}

} // namespace ganvas::engine
