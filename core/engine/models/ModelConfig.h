// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ModelConfig.h
/// `config.json` beside a model's `.safetensors` (DESIGN.md §5): what the model is, which
/// architecture builds it, where its weights are, and where they came from. Config keys are a
/// file format: stable and versioned (`format` is the version; readers migrate older ones).

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace ganvas::engine {

class ModelConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class ModelKind { Style, Generator, Upscaler, FeatureNetwork };

const char* modelKindName(ModelKind kind);
/// "style", "generator", "upscaler", "feature-network". Throws ModelConfigError otherwise.
ModelKind parseModelKind(const std::string& text);

struct ModelConfig {
    static constexpr int kFormatVersion = 1;

    int format = kFormatVersion;
    std::string id;            ///< [a-z0-9][a-z0-9._-]{0,63}; unique within its kind
    std::string name;          ///< display name
    ModelKind kind = ModelKind::Style;
    std::string weights;       ///< file name relative to the model folder, validated to stay inside it;
                               ///< empty only for weightless styles (architecture.type "opencv" or "gatys")
    std::string sha256;        ///< lower-case hex SHA-256 of the weights file, or empty (unverified)
    std::string license;       ///< SPDX identifier of the weights' licence
    std::string source;        ///< how the weights were made (data, command), free text
    nlohmann::json architecture = nlohmann::json::object(); ///< read by the network that builds it
    nlohmann::json extra = nlohmann::json::object();        ///< every other key, kept for tools

    std::filesystem::path folder;                 ///< the model folder it was loaded from
    std::filesystem::path weightsPath() const;    ///< folder / weights
};

/// Parses config text. Throws ModelConfigError with the offending key for anything invalid:
/// wrong types, a missing key, an unknown future format, or a weights path that is absolute,
/// contains "..", or otherwise escapes @p folder.
ModelConfig parseModelConfig(const std::string& text, const std::filesystem::path& folder);

/// Reads @p folder/config.json (at most 1 MiB) and parses it. When the weights file exists, it
/// must resolve (symbolic links followed) inside the folder.
ModelConfig loadModelConfig(const std::filesystem::path& folder);

/// @p relative inside @p folder, or ModelConfigError when it would escape it.
std::filesystem::path resolveInsideFolder(const std::filesystem::path& folder, const std::string& relative);

} // namespace ganvas::engine
