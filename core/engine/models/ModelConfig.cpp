// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/models/ModelConfig.h"

#include "core/engine/nn/FileIO.h"

#include <algorithm>
#include <cctype>

namespace ganvas::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void fail(const std::string& message)
{
    throw ModelConfigError(message);
}

std::string requireString(const json& doc, const char* key, bool required, size_t maxBytes = 4096)
{
    if (!doc.contains(key)) {
        if (required)
            fail(std::string("config.json: missing \"") + key + "\"");
        return {};
    }
    if (!doc[key].is_string())
        fail(std::string("config.json: \"") + key + "\" must be a string");
    std::string value = doc[key].get<std::string>();
    if (value.size() > maxBytes)
        fail(std::string("config.json: \"") + key + "\" is too long");
    return value;
}

bool validId(const std::string& id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (size_t i = 0; i < id.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(id[i]);
        const bool ok = std::islower(c) || std::isdigit(c) || (i > 0 && (c == '.' || c == '_' || c == '-'));
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

const char* modelKindName(ModelKind kind)
{
    switch (kind) {
    case ModelKind::Style: return "style";
    case ModelKind::Generator: return "generator";
    case ModelKind::Upscaler: return "upscaler";
    case ModelKind::FeatureNetwork: return "feature-network";
    }
    return "?";
}

ModelKind parseModelKind(const std::string& text)
{
    for (ModelKind k : {ModelKind::Style, ModelKind::Generator, ModelKind::Upscaler, ModelKind::FeatureNetwork})
        if (text == modelKindName(k))
            return k;
    fail("config.json: unknown kind '" + text.substr(0, 64) + "'");
}

fs::path ModelConfig::weightsPath() const
{
    return folder / weights;
}

fs::path resolveInsideFolder(const fs::path& folder, const std::string& relative)
{
    if (relative.empty())
        fail("config.json: empty file name");
    if (relative.find('\0') != std::string::npos || relative.find('\\') != std::string::npos)
        fail("config.json: file name '" + relative + "' contains forbidden characters");
    const fs::path rel(relative);
    if (rel.is_absolute() || rel.has_root_name() || rel.has_root_directory())
        fail("config.json: file name '" + relative + "' must be relative to the model folder");
    for (const auto& part : rel)
        if (part == "..")
            fail("config.json: file name '" + relative + "' must not leave the model folder");
    const fs::path joined = folder / rel;
    // Symbolic links could still point elsewhere: compare canonical paths when the file exists.
    std::error_code ec;
    if (fs::exists(joined, ec)) {
        const fs::path realFolder = fs::weakly_canonical(folder, ec);
        const fs::path realFile = fs::weakly_canonical(joined, ec);
        const auto mismatch = std::mismatch(realFolder.begin(), realFolder.end(), realFile.begin(), realFile.end());
        if (ec || mismatch.first != realFolder.end())
            fail("config.json: file '" + relative + "' resolves outside the model folder");
    }
    return joined;
}

ModelConfig parseModelConfig(const std::string& text, const fs::path& folder)
{
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        fail(std::string("config.json is not valid JSON: ") + e.what());
    }
    if (!doc.is_object())
        fail("config.json must be a JSON object");

    ModelConfig config;
    config.folder = folder;
    if (!doc.contains("format") || !doc["format"].is_number_integer())
        fail("config.json: missing integer \"format\"");
    config.format = doc["format"].get<int>();
    if (config.format < 1 || config.format > ModelConfig::kFormatVersion)
        fail("config.json: format " + std::to_string(config.format) + " is not supported (this Ganvas reads up to " +
             std::to_string(ModelConfig::kFormatVersion) + "); update Ganvas");

    config.id = requireString(doc, "id", true, 64);
    if (!validId(config.id))
        fail("config.json: id '" + config.id + "' must be lower-case letters, digits, '.', '_' or '-'");
    config.name = requireString(doc, "name", true, 200);
    config.kind = parseModelKind(requireString(doc, "kind", true, 64));
    // Styles made by OpenCV filters or by optimisation against their style image have no weights.
    const bool weightless = config.kind == ModelKind::Style && doc.contains("architecture") &&
                            doc["architecture"].is_object() && doc["architecture"].contains("type") &&
                            (doc["architecture"]["type"] == "opencv" || doc["architecture"]["type"] == "gatys");
    config.weights = requireString(doc, "weights", !weightless, 255);
    if (!weightless || !config.weights.empty())
        resolveInsideFolder(folder, config.weights);
    // Models from strangers are data, never code: weights are safetensors (TF.js layers-models
    // for upscalers: JSON plus raw float shards). Pickles and TorchScript (.pt, .pth, .ckpt, .bin)
    // are refused here, before anything reads them (issue #7).
    if (!config.weights.empty()) {
        const std::string ext = fs::path(config.weights).extension().string();
        const bool upscaler = config.kind == ModelKind::Upscaler;
        if (upscaler ? ext != ".json" : ext != ".safetensors")
            fail("config.json: weights '" + config.weights + "' must be a " +
                 (upscaler ? std::string(".json TF.js layers-model") : std::string(".safetensors file")) +
                 "; pickled or TorchScript models are not loaded (they can run code)");
    }
    config.sha256 = requireString(doc, "sha256", false, 64);
    if (!config.sha256.empty()) {
        bool hex = config.sha256.size() == 64;
        for (char c : config.sha256)
            hex = hex && std::isxdigit(static_cast<unsigned char>(c)) && !std::isupper(static_cast<unsigned char>(c));
        if (!hex)
            fail("config.json: \"sha256\" must be 64 lower-case hex digits");
    }
    config.license = requireString(doc, "license", true, 200);
    config.source = requireString(doc, "source", false);
    if (doc.contains("architecture")) {
        if (!doc["architecture"].is_object())
            fail("config.json: \"architecture\" must be an object");
        config.architecture = doc["architecture"];
    }
    for (const auto& item : doc.items()) {
        static const char* known[] = {"format", "id", "name", "kind", "weights", "sha256", "license", "source", "architecture"};
        if (std::find(std::begin(known), std::end(known), item.key()) == std::end(known))
            config.extra[item.key()] = item.value();
    }
    return config;
}

ModelConfig loadModelConfig(const fs::path& folder)
{
    std::vector<uint8_t> bytes;
    try {
        bytes = readFileLimited(folder / "config.json", 1u << 20);
    } catch (const std::runtime_error& e) {
        fail(e.what());
    }
    return parseModelConfig(std::string(bytes.begin(), bytes.end()), folder);
}

} // namespace ganvas::engine
