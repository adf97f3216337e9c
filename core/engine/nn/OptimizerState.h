// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file OptimizerState.h
/// Adam's per-parameter state (step, first and second moments) to and from named tensors, so a
/// training checkpoint in safetensors resumes exactly where it stopped.

#include <torch/torch.h>

#include <map>
#include <string>

namespace ganvas::engine {

/// Adds "<prefix><param>.exp_avg", ".exp_avg_sq" and ".step" (CPU) for every parameter of
/// @p module that @p adam has state for.
void storeAdamState(torch::optim::Adam& adam, torch::nn::Module& module, const std::string& prefix,
                    std::map<std::string, torch::Tensor>& out);
/// Restores what storeAdamState() wrote. Parameters without saved state start fresh. Throws
/// std::runtime_error when a saved moment's shape does not match its parameter.
void restoreAdamState(torch::optim::Adam& adam, torch::nn::Module& module, const std::string& prefix,
                      const std::map<std::string, torch::Tensor>& tensors);

} // namespace ganvas::engine
