// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/nn/OptimizerState.h"

#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace ganvas::engine {

namespace {

/// The key Adam's state map uses for a parameter: LibTorch keys it by the TensorImpl address,
/// printed to a string in 1.13 and 2.x.
template <typename Map>
typename Map::key_type stateKey(const Map&, const torch::Tensor& p)
{
    using Key = typename Map::key_type;
    if constexpr (std::is_same_v<Key, std::string>) {
        std::ostringstream s;
        s << p.unsafeGetTensorImpl();
        return s.str();
    } else {
        return Key(p.unsafeGetTensorImpl());
    }
}

} // namespace

void storeAdamState(torch::optim::Adam& adam, torch::nn::Module& module, const std::string& prefix,
                    std::map<std::string, torch::Tensor>& out)
{
    for (const auto& p : module.named_parameters()) {
        const auto it = adam.state().find(stateKey(adam.state(), p.value()));
        if (it == adam.state().end())
            continue;
        const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
        out[prefix + p.key() + ".exp_avg"] = s.exp_avg().cpu();
        out[prefix + p.key() + ".exp_avg_sq"] = s.exp_avg_sq().cpu();
        out[prefix + p.key() + ".step"] = torch::full({1}, static_cast<int64_t>(s.step()), torch::kInt64);
    }
}

void restoreAdamState(torch::optim::Adam& adam, torch::nn::Module& module, const std::string& prefix,
                      const std::map<std::string, torch::Tensor>& tensors)
{
    for (const auto& p : module.named_parameters()) {
        const auto a = tensors.find(prefix + p.key() + ".exp_avg");
        const auto b = tensors.find(prefix + p.key() + ".exp_avg_sq");
        const auto s = tensors.find(prefix + p.key() + ".step");
        if (a == tensors.end() || b == tensors.end() || s == tensors.end())
            continue;
        if (a->second.sizes() != p.value().sizes() || b->second.sizes() != p.value().sizes() || s->second.numel() != 1)
            throw std::runtime_error("checkpoint optimiser state for '" + p.key() + "' does not match the network");
        auto state = std::make_unique<torch::optim::AdamParamState>();
        state->step(s->second.item<int64_t>());
        state->exp_avg(a->second.to(p.value().device(), p.value().scalar_type()));
        state->exp_avg_sq(b->second.to(p.value().device(), p.value().scalar_type()));
        adam.state()[stateKey(adam.state(), p.value())] = std::move(state);
    }
}

} // namespace ganvas::engine
