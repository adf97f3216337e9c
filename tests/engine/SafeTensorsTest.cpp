// SPDX-License-Identifier: GPL-3.0-or-later
#include "EngineTest.h"

#include "core/engine/nn/SafeTensors.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

using namespace ganvas::engine;
namespace fs = std::filesystem;

namespace {

std::map<std::string, torch::Tensor> sampleTensors()
{
    torch::manual_seed(7);
    return {
        {"conv.weight", torch::randn({4, 3, 3, 3})},
        {"conv.bias", torch::randn({4}).to(torch::kFloat64)},
        {"half", torch::randn({2, 5}).to(torch::kFloat16)},
        {"brain", torch::randn({3, 2}).to(torch::kBFloat16)},
        {"steps", torch::arange(0, 6, torch::kInt64).view({2, 3})},
        {"i32", torch::tensor({-3, 0, 7}, torch::kInt32)},
        {"i16", torch::tensor({-300, 2}, torch::kInt16)},
        {"i8", torch::tensor({-128, 127}, torch::kInt8)},
        {"u8", torch::tensor({0, 255, 128}, torch::kUInt8)},
        {"mask", torch::tensor({true, false, true})},
        {"scalar", torch::tensor(3.5f)},
        {"empty", torch::empty({0, 4})},
    };
}

std::vector<uint8_t> withHeader(const std::string& header, size_t dataBytes = 0)
{
    std::vector<uint8_t> out(8 + header.size() + dataBytes, 0);
    const uint64_t n = header.size();
    std::memcpy(out.data(), &n, 8);
    std::memcpy(out.data() + 8, header.data(), header.size());
    return out;
}

void expectRejected(const std::vector<uint8_t>& bytes, const std::string& substring)
{
    REQUIRE_THROWS_WITH(parseSafeTensors(bytes.data(), bytes.size()), SafeTensorsError, substring);
}

} // namespace

GANVAS_TEST(safetensors, roundtrip_every_dtype)
{
    const auto tensors = sampleTensors();
    const std::map<std::string, std::string> meta{{"format", "pt"}, {"ganvas", "test"}};
    const auto bytes = serializeSafeTensors(tensors, meta);
    const auto file = parseSafeTensors(bytes.data(), bytes.size());
    REQUIRE_EQ(file.tensors.size(), tensors.size());
    REQUIRE(file.metadata == meta);
    for (const auto& [name, t] : tensors) {
        const auto& back = file.tensors.at(name);
        REQUIRE(back.scalar_type() == t.scalar_type());
        REQUIRE(back.sizes() == t.sizes());
        REQUIRE(torch::equal(back, t));
    }
}

GANVAS_TEST(safetensors, header_is_aligned_and_sorted)
{
    const auto bytes = serializeSafeTensors(sampleTensors());
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    REQUIRE_EQ(n % 8, 0u);
    const auto header = nlohmann::json::parse(std::string(bytes.begin() + 8, bytes.begin() + 8 + n));
    // Offsets follow name order and tile the data section exactly.
    uint64_t cursor = 0;
    for (const auto& item : header.items()) {
        REQUIRE_EQ(item.value()["data_offsets"][0].get<uint64_t>(), cursor);
        cursor = item.value()["data_offsets"][1].get<uint64_t>();
    }
    REQUIRE_EQ(cursor, bytes.size() - 8 - n);
}

GANVAS_TEST(safetensors, save_and_load_file_atomically)
{
    const fs::path dir = ganvas::test::tempDir();
    const fs::path path = dir / "model.safetensors";
    const auto tensors = sampleTensors();
    saveSafeTensors(path, tensors);
    const auto first = loadSafeTensors(path);
    REQUIRE(torch::equal(first.tensors.at("conv.weight"), tensors.at("conv.weight")));
    saveSafeTensors(path, {{"only", torch::ones({2})}});
    const auto second = loadSafeTensors(path);
    REQUIRE_EQ(second.tensors.size(), 1u);
    // No temporary files are left behind.
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        (void)entry;
        ++files;
    }
    REQUIRE_EQ(files, 1u);
}

GANVAS_TEST(safetensors, every_truncation_is_an_error)
{
    const auto bytes = serializeSafeTensors({{"a", torch::arange(0, 10, torch::kFloat32)}, {"b", torch::ones({3})}});
    for (size_t len = 0; len < bytes.size(); ++len) {
        bool threw = false;
        try {
            parseSafeTensors(bytes.data(), len);
        } catch (const SafeTensorsError& e) {
            threw = std::strlen(e.what()) > 0;
        }
        REQUIRE(threw);
    }
}

GANVAS_TEST(safetensors, hostile_headers_are_refused_without_allocation)
{
    // A header length of 2^63: refused from the length field alone.
    std::vector<uint8_t> huge(16, ' ');
    const uint64_t n = uint64_t(1) << 63;
    std::memcpy(huge.data(), &n, 8);
    expectRejected(huge, "exceeds");
    // A tensor claiming 2^40 x 2^40 floats in a 16-byte file.
    expectRejected(withHeader(R"({"x":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,16]}})", 16),
                   "overflows");
    // Shape and offsets disagree.
    expectRejected(withHeader(R"({"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", 12), "need 16 bytes");
    // Offsets past the end of the data.
    expectRejected(withHeader(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8), "truncated");
    // Overlapping tensors.
    expectRejected(withHeader(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})", 6),
                   "overlaps");
    // Holes and trailing bytes.
    expectRejected(withHeader(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]}})", 4), "unindexed");
    expectRejected(withHeader(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})", 4), "trailing");
    // Unknown dtype, negative dims, duplicate keys, wrong types, deep nesting, not JSON.
    expectRejected(withHeader(R"({"a":{"dtype":"F8_E9","shape":[1],"data_offsets":[0,1]}})", 1), "unsupported dtype");
    expectRejected(withHeader(R"({"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})", 1), "non-negative");
    expectRejected(withHeader(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})", 2),
                   "twice");
    expectRejected(withHeader(R"({"a":{"dtype":"U8","shape":"1","data_offsets":[0,1]}})", 1), "shape");
    expectRejected(withHeader(R"({"a":{"dtype":"U8","shape":[[[[1]]]],"data_offsets":[0,1]}})", 1), "deeper");
    expectRejected(withHeader(R"({"__metadata__":{"k":1}})"), "not a string");
    expectRejected(withHeader("{not json"), "not valid JSON");
    expectRejected(withHeader("[1,2]"), "start with");
    expectRejected(withHeader(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"code":"rm -rf"}})", 1),
                   "unexpected field");
}

GANVAS_TEST(safetensors, bad_corpus_gives_clear_errors)
{
    const fs::path dir = fs::path(ganvas::test::testDataDir()) / "bad" / "safetensors";
    size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".safetensors")
            continue;
        ++files;
        bool threw = false;
        try {
            loadSafeTensors(entry.path());
        } catch (const SafeTensorsError& e) {
            threw = true;
            const std::string message = e.what();
            REQUIRE(message.size() > 10);
            REQUIRE(message.find('\n') == std::string::npos);
        }
        if (!threw)
            ganvas::test::failCheck(__FILE__, __LINE__, "accepted bad file " + entry.path().string());
    }
    REQUIRE(files >= 10);
}

GANVAS_TEST(safetensors, missing_file_is_an_error)
{
    REQUIRE_THROWS_WITH(loadSafeTensors("/nonexistent/x.safetensors"), SafeTensorsError, "not a readable file");
    REQUIRE_THROWS_WITH(loadSafeTensors("/dev/zero"), SafeTensorsError, "not a readable file");
}

// --tool safetensors-write FILE: writes the fixed tensors tests/reference/safetensors_crosscheck.py expects.
// --tool safetensors-dump FILE: prints every tensor as JSON (dtype, shape, values as float64).
int runUpscaleTool(int argc, char** argv); // UpscaleTest.cpp
int runGanTool(int argc, char** argv);     // GanTest.cpp

int runTool(int argc, char** argv)
{
    if (argc >= 1 && std::string(argv[0]) == "upscale-raw")
        return runUpscaleTool(argc, argv);
    if (argc >= 1 && std::string(argv[0]) == "gan-forward")
        return runGanTool(argc, argv);
    if (argc != 2) {
        std::cerr << "usage: --tool safetensors-write|safetensors-dump FILE\n";
        return 2;
    }
    const std::string what = argv[0];
    try {
        if (what == "safetensors-write") {
            saveSafeTensors(argv[1],
                            {{"ramp", torch::arange(0, 12, torch::kFloat32).view({3, 4}) / 4},
                             {"half", torch::tensor({0.5f, -2.0f, 65504.0f}).to(torch::kFloat16)},
                             {"bf", torch::tensor({1.0f, -0.15625f}).to(torch::kBFloat16)},
                             {"ids", torch::tensor(std::vector<int64_t>{-5, 9000000000LL})},
                             {"flags", torch::tensor({true, false})}},
                            {{"written_by", "ganvas"}});
            return 0;
        }
        if (what == "safetensors-dump") {
            const auto file = loadSafeTensors(argv[1]);
            nlohmann::json out;
            for (const auto& [name, t] : file.tensors) {
                const auto flat = t.to(torch::kFloat64).contiguous().view({-1});
                std::vector<double> values(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
                out["tensors"][name] = {{"dtype", safeTensorsDtypeName(t.scalar_type())},
                                        {"shape", t.sizes().vec()},
                                        {"values", values}};
            }
            out["metadata"] = file.metadata;
            std::cout << out.dump() << "\n";
            return 0;
        }
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "unknown tool " << what << "\n";
    return 2;
}
