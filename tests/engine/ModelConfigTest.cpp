// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTest.h"

#include "core/engine/models/ModelConfig.h"
#include "core/engine/nn/SafeTensors.h"

#include <filesystem>
#include <fstream>
#include <iterator>

using namespace ganvas::engine;
namespace fs = std::filesystem;

namespace {

const char* kValid = R"({
  "format": 1, "id": "impasto-swirl", "name": "Impasto swirl", "kind": "style",
  "weights": "model.safetensors", "license": "CC0-1.0",
  "sha256": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  "architecture": {"type": "transformer", "channels": [16, 32, 64]},
  "thumbnail": "thumb.png"
})";

std::string withField(const std::string& key, const std::string& value)
{
    auto doc = nlohmann::json::parse(kValid);
    doc[key] = nlohmann::json::parse(value);
    return doc.dump();
}

} // namespace

GANVAS_TEST(modelconfig, valid_config_parses)
{
    const auto c = parseModelConfig(kValid, "/models/impasto");
    REQUIRE_EQ(c.id, std::string("impasto-swirl"));
    REQUIRE(c.kind == ModelKind::Style);
    REQUIRE_EQ(c.weightsPath(), fs::path("/models/impasto/model.safetensors"));
    REQUIRE_EQ(c.architecture["channels"][2].get<int>(), 64);
    REQUIRE_EQ(c.extra["thumbnail"].get<std::string>(), std::string("thumb.png"));
}

GANVAS_TEST(modelconfig, invalid_configs_name_the_problem)
{
    const fs::path dir = "/models/x";
    REQUIRE_THROWS_WITH(parseModelConfig("{", dir), ModelConfigError, "not valid JSON");
    REQUIRE_THROWS_WITH(parseModelConfig("[]", dir), ModelConfigError, "object");
    REQUIRE_THROWS_WITH(parseModelConfig(withField("format", "99"), dir), ModelConfigError, "update Ganvas");
    REQUIRE_THROWS_WITH(parseModelConfig(withField("id", "\"Bad Id\""), dir), ModelConfigError, "id");
    REQUIRE_THROWS_WITH(parseModelConfig(withField("kind", "\"virus\""), dir), ModelConfigError, "unknown kind");
    REQUIRE_THROWS_WITH(parseModelConfig(withField("name", "3"), dir), ModelConfigError, "\"name\" must be a string");
    REQUIRE_THROWS_WITH(parseModelConfig(withField("sha256", "\"abc\""), dir), ModelConfigError, "sha256");
    REQUIRE_THROWS_WITH(parseModelConfig(withField("architecture", "[1]"), dir), ModelConfigError, "architecture");
    auto doc = nlohmann::json::parse(kValid);
    doc.erase("license");
    REQUIRE_THROWS_WITH(parseModelConfig(doc.dump(), dir), ModelConfigError, "missing \"license\"");
}

GANVAS_TEST(modelconfig, weights_cannot_escape_the_folder)
{
    const fs::path dir = "/models/x";
    for (const char* bad : {"\"../../etc/passwd\"", "\"/etc/passwd\"", "\"a/../../b\"", "\"..\"", "\"\"", "\"a\\\\..\\\\b\""})
        REQUIRE_THROWS_WITH(parseModelConfig(withField("weights", bad), dir), ModelConfigError, "");
    REQUIRE_EQ(parseModelConfig(withField("weights", "\"sub/w.safetensors\""), dir).weightsPath(),
             fs::path("/models/x/sub/w.safetensors"));

    // A symbolic link inside the folder that points outside it is refused too.
    const fs::path root = ganvas::test::tempDir();
    fs::create_directories(root / "model");
    std::ofstream(root / "secret.bin") << "x";
    fs::create_symlink(root / "secret.bin", root / "model" / "w.safetensors");
    std::ofstream(root / "model" / "config.json") << withField("weights", "\"w.safetensors\"");
    REQUIRE_THROWS_WITH(loadModelConfig(root / "model"), ModelConfigError, "outside the model folder");
}

// Issue #7: a model is data. A pickle whose unpickling would run a shell command is refused by
// the config, and even when a loader is handed it directly it is read as safetensors (refused
// from its first 8 bytes), so the command never runs.
GANVAS_TEST(modelconfig, pickled_or_torchscript_weights_are_never_loaded)
{
    const fs::path root = ganvas::test::tempDir();
    const fs::path marker = root / "pwned";
    for (const char* name : {"\"model.pt\"", "\"model.pth\"", "\"model.ckpt\"", "\"pytorch_model.bin\"", "\"model.pkl\""})
        REQUIRE_THROWS_WITH(parseModelConfig(withField("weights", name), root), ModelConfigError, "can run code");
    auto upscaler = nlohmann::json::parse(kValid);
    upscaler["kind"] = "upscaler";
    upscaler["weights"] = "model.safetensors";
    REQUIRE_THROWS_WITH(parseModelConfig(upscaler.dump(), root), ModelConfigError, "TF.js layers-model");
    upscaler["weights"] = "model.json";
    REQUIRE_EQ(parseModelConfig(upscaler.dump(), root).weights, std::string("model.json"));

    // Protocol-0 pickle: os.system("touch <marker>") when unpickled.
    const std::string pickle = "cos\nsystem\n(S'touch " + marker.string() + "'\ntR.";
    std::ofstream(root / "model.safetensors", std::ios::binary) << pickle;
    REQUIRE_THROWS_WITH(ganvas::engine::loadSafeTensors(root / "model.safetensors"), std::exception, "");
    REQUIRE(!fs::exists(marker));
}

GANVAS_TEST(modelconfig, load_from_folder)
{
    const fs::path root = ganvas::test::tempDir();
    std::ofstream(fs::path(root) / "config.json") << kValid;
    const auto c = loadModelConfig(root);
    REQUIRE_EQ(c.name, std::string("Impasto swirl"));
    REQUIRE_THROWS_WITH(loadModelConfig(fs::path(root) / "missing"), ModelConfigError, "not a readable file");
}

GANVAS_TEST(modelconfig, bad_corpus_gives_clear_errors)
{
    const fs::path data = ganvas::test::testDataDir();
    std::ifstream goodFile(data / "good" / "config" / "style.json");
    const std::string good((std::istreambuf_iterator<char>(goodFile)), std::istreambuf_iterator<char>());
    REQUIRE_EQ(parseModelConfig(good, "/m").id, std::string("impasto"));
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(data / "bad" / "config")) {
        std::ifstream in(entry.path());
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ++files;
        bool threw = false;
        try {
            parseModelConfig(text, "/m");
        } catch (const ModelConfigError& e) {
            threw = std::string(e.what()).rfind("config.json", 0) == 0; // every message names the file
        }
        if (!threw)
            ganvas::test::failCheck(__FILE__, __LINE__, "bad config accepted or unclear: " + entry.path().string());
    }
    REQUIRE(files >= 15);
}
