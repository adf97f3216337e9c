// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/jobs/JobContext.h"

#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>

namespace ganvas::engine {

void JobContext::progress(int64_t done, int64_t total, const std::string& message)
{
    if (total <= 0) {
        done = 0;
        total = 0;
    } else {
        done = std::clamp<int64_t>(done, 0, total);
    }
    if (m_observer)
        m_observer->onProgress(done, total, message);
}

void JobContext::preview(const torch::Tensor& image, int pass)
{
    torch::Tensor t = image.detach();
    if (t.dim() == 4) {
        if (t.size(0) != 1)
            throw std::invalid_argument("preview: expected one image, got a batch of " + std::to_string(t.size(0)));
        t = t.squeeze(0);
    }
    if (t.dim() != 3 || !(t.size(0) == 1 || t.size(0) == 3 || t.size(0) == 4) || t.size(1) < 1 || t.size(2) < 1)
        throw std::invalid_argument("preview: expected a [C,H,W] image with C = 1, 3 or 4");
    t = t.to(torch::kCPU, torch::kFloat32);
    if (t.size(0) == 1)
        t = t.expand({3, t.size(1), t.size(2)});
    t = t.clamp(0.0, 1.0).contiguous().clone();
    ++m_previews;
    if (m_observer)
        m_observer->onPreview(t, pass);
}

void JobContext::log(LogLevel level, const std::string& message)
{
    if (m_observer)
        m_observer->onLog(level, message);
}

void JobContext::throwIfCancelled() const
{
    if (m_token.isCancelled())
        throw JobCancelled();
}

} // namespace ganvas::engine
