// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/nn/SafeTensors.h"

#include "core/engine/nn/FileIO.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <set>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors stores little-endian data; big-endian hosts need byte swapping here"
#endif

namespace ganvas::engine {

using nlohmann::json;

namespace {

struct DtypeEntry {
    const char* name;
    torch::ScalarType type;
};

constexpr DtypeEntry kDtypes[] = {
    {"F64", torch::kFloat64}, {"F32", torch::kFloat32}, {"F16", torch::kFloat16}, {"BF16", torch::kBFloat16},
    {"I64", torch::kInt64},   {"I32", torch::kInt32},   {"I16", torch::kInt16},   {"I8", torch::kInt8},
    {"U8", torch::kUInt8},    {"BOOL", torch::kBool},
};

struct Entry {
    std::string name;
    torch::ScalarType dtype;
    std::vector<int64_t> shape;
    uint64_t begin = 0;
    uint64_t end = 0;
};

[[noreturn]] void fail(const std::string& message)
{
    throw SafeTensorsError(message);
}

uint64_t readU64(const uint8_t* p)
{
    uint64_t value = 0;
    std::memcpy(&value, p, sizeof(value)); // little-endian host (checked above)
    return value;
}

/// Parses the header, rejecting duplicate keys at any level and nesting deeper than the format
/// has (3 levels), before the JSON library builds anything large.
json parseHeaderJson(const char* begin, size_t size)
{
    std::vector<std::set<std::string>> keysPerObject;
    json::parser_callback_t callback = [&](int depth, json::parse_event_t event, json& parsed) {
        if (depth > 3)
            fail("header nests deeper than the format allows");
        switch (event) {
        case json::parse_event_t::object_start: keysPerObject.emplace_back(); break;
        case json::parse_event_t::object_end:
            if (!keysPerObject.empty())
                keysPerObject.pop_back();
            break;
        case json::parse_event_t::key:
            if (!keysPerObject.empty() && !keysPerObject.back().insert(parsed.get<std::string>()).second)
                fail("header has the key '" + parsed.get<std::string>() + "' twice");
            break;
        default: break;
        }
        return true;
    };
    try {
        return json::parse(begin, begin + size, callback, /*allow_exceptions=*/true, /*ignore_comments=*/false);
    } catch (const json::exception& e) {
        fail(std::string("header is not valid JSON: ") + e.what());
    }
}

uint64_t nonNegativeInteger(const json& value, const std::string& what)
{
    if (value.is_number_unsigned())
        return value.get<uint64_t>();
    if (value.is_number_integer() && value.get<int64_t>() >= 0)
        return static_cast<uint64_t>(value.get<int64_t>());
    fail(what + " must be a non-negative integer");
}

Entry parseEntry(const std::string& name, const json& value, const SafeTensorsLimits& limits)
{
    const std::string where = "tensor '" + name + "': ";
    if (name.empty() || name.size() > limits.maxNameBytes)
        fail("tensor name is empty or longer than " + std::to_string(limits.maxNameBytes) + " bytes");
    if (!value.is_object())
        fail(where + "entry must be an object");
    for (const auto& item : value.items())
        if (item.key() != "dtype" && item.key() != "shape" && item.key() != "data_offsets")
            fail(where + "unexpected field '" + item.key() + "'");
    if (!value.contains("dtype") || !value["dtype"].is_string())
        fail(where + "missing dtype");
    if (!value.contains("shape") || !value["shape"].is_array())
        fail(where + "missing shape");
    if (!value.contains("data_offsets") || !value["data_offsets"].is_array() || value["data_offsets"].size() != 2)
        fail(where + "data_offsets must be [begin, end]");

    Entry entry;
    entry.name = name;
    try {
        entry.dtype = safeTensorsDtype(value["dtype"].get<std::string>());
    } catch (const SafeTensorsError& e) {
        fail(where + e.what());
    }
    const json& shape = value["shape"];
    if (shape.size() > limits.maxRank)
        fail(where + "rank " + std::to_string(shape.size()) + " exceeds " + std::to_string(limits.maxRank));
    uint64_t elements = 1;
    for (const auto& dim : shape) {
        const uint64_t d = nonNegativeInteger(dim, where + "shape dimension");
        if (d > (uint64_t(1) << 48))
            fail(where + "shape dimension too large");
        if (__builtin_mul_overflow(elements, d, &elements))
            fail(where + "shape overflows");
        entry.shape.push_back(static_cast<int64_t>(d));
    }
    entry.begin = nonNegativeInteger(value["data_offsets"][0], where + "data_offsets[0]");
    entry.end = nonNegativeInteger(value["data_offsets"][1], where + "data_offsets[1]");
    if (entry.begin > entry.end)
        fail(where + "data_offsets begin > end");
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(elements, static_cast<uint64_t>(c10::elementSize(entry.dtype)), &bytes))
        fail(where + "size overflows");
    if (bytes != entry.end - entry.begin)
        fail(where + "shape and dtype need " + std::to_string(bytes) + " bytes but data_offsets span " +
             std::to_string(entry.end - entry.begin));
    return entry;
}

} // namespace

torch::ScalarType safeTensorsDtype(const std::string& name)
{
    for (const auto& d : kDtypes)
        if (name == d.name)
            return d.type;
    fail("unsupported dtype '" + name.substr(0, 32) + "'");
}

std::string safeTensorsDtypeName(torch::ScalarType type)
{
    for (const auto& d : kDtypes)
        if (type == d.type)
            return d.name;
    fail(std::string("dtype ") + c10::toString(type) + " cannot be stored in safetensors here");
}

SafeTensorsFile parseSafeTensors(const uint8_t* data, size_t size, const SafeTensorsLimits& limits)
{
    if (size < 8)
        fail("file is too short to be safetensors (" + std::to_string(size) + " bytes)");
    if (size > limits.maxFileBytes)
        fail("file is larger than the " + std::to_string(limits.maxFileBytes) + " bytes allowed");
    const uint64_t headerBytes = readU64(data);
    if (headerBytes > limits.maxHeaderBytes)
        fail("header length " + std::to_string(headerBytes) + " exceeds the " + std::to_string(limits.maxHeaderBytes) +
             "-byte limit");
    if (headerBytes > size - 8)
        fail("file is truncated: header claims " + std::to_string(headerBytes) + " bytes but only " +
             std::to_string(size - 8) + " follow");
    if (headerBytes < 2)
        fail("header is empty");
    const char* headerBegin = reinterpret_cast<const char*>(data + 8);
    if (headerBegin[0] != '{')
        fail("header does not start with '{'");

    const json header = parseHeaderJson(headerBegin, static_cast<size_t>(headerBytes));
    if (!header.is_object())
        fail("header must be a JSON object");

    const uint64_t dataBytes = size - 8 - headerBytes;
    const uint8_t* dataBegin = data + 8 + headerBytes;
    SafeTensorsFile file;
    std::vector<Entry> entries;
    for (const auto& item : header.items()) {
        if (item.key() == "__metadata__") {
            if (!item.value().is_object())
                fail("__metadata__ must be an object of strings");
            for (const auto& meta : item.value().items()) {
                if (!meta.value().is_string())
                    fail("__metadata__ value for '" + meta.key() + "' is not a string");
                file.metadata[meta.key()] = meta.value().get<std::string>();
            }
            continue;
        }
        if (entries.size() >= limits.maxTensors)
            fail("more than " + std::to_string(limits.maxTensors) + " tensors");
        entries.push_back(parseEntry(item.key(), item.value(), limits));
        if (entries.back().end > dataBytes)
            fail("tensor '" + item.key() + "' ends at byte " + std::to_string(entries.back().end) +
                 " but the data section has only " + std::to_string(dataBytes) + " (file truncated?)");
    }

    // The format requires the buffer to be fully indexed: no overlaps, no holes.
    std::vector<const Entry*> byOffset;
    for (const auto& e : entries)
        byOffset.push_back(&e);
    std::sort(byOffset.begin(), byOffset.end(), [](const Entry* a, const Entry* b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    uint64_t cursor = 0;
    for (const Entry* e : byOffset) {
        if (e->begin < cursor)
            fail("tensor '" + e->name + "' overlaps another tensor's data");
        if (e->begin > cursor)
            fail("data section has unindexed bytes before tensor '" + e->name + "'");
        cursor = e->end;
    }
    if (cursor != dataBytes)
        fail("data section has " + std::to_string(dataBytes - cursor) + " trailing bytes no tensor uses");

    for (const auto& e : entries) {
        torch::Tensor t = torch::empty(e.shape, torch::TensorOptions().dtype(e.dtype));
        if (e.end > e.begin)
            std::memcpy(t.data_ptr(), dataBegin + e.begin, static_cast<size_t>(e.end - e.begin));
        file.tensors.emplace(e.name, std::move(t));
    }
    return file;
}

SafeTensorsFile loadSafeTensors(const std::filesystem::path& path, const SafeTensorsLimits& limits)
{
    std::vector<uint8_t> bytes;
    try {
        bytes = readFileLimited(path, limits.maxFileBytes);
    } catch (const std::runtime_error& e) {
        fail(e.what());
    }
    try {
        return parseSafeTensors(bytes.data(), bytes.size(), limits);
    } catch (const SafeTensorsError& e) {
        fail("'" + path.filename().string() + "' is not a valid safetensors file: " + e.what());
    }
}

std::vector<uint8_t> serializeSafeTensors(const std::map<std::string, torch::Tensor>& tensors,
                                          const std::map<std::string, std::string>& metadata)
{
    json header = json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::vector<torch::Tensor> contiguous;
    uint64_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (name.empty() || name == "__metadata__")
            fail("invalid tensor name '" + name + "'");
        if (!tensor.defined())
            fail("tensor '" + name + "' is undefined");
        torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
        const uint64_t bytes = static_cast<uint64_t>(t.numel()) * t.element_size();
        header[name] = {{"dtype", safeTensorsDtypeName(t.scalar_type())},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", json::array({offset, offset + bytes})}};
        offset += bytes;
        contiguous.push_back(t);
    }
    std::string text = header.dump();
    // Pad with spaces so that the data starts 8-byte aligned (as the reference writer does).
    text.append((8 - (text.size() % 8)) % 8, ' ');

    std::vector<uint8_t> out(8 + text.size() + offset);
    const uint64_t headerBytes = text.size();
    std::memcpy(out.data(), &headerBytes, 8);
    std::memcpy(out.data() + 8, text.data(), text.size());
    uint8_t* cursor = out.data() + 8 + text.size();
    for (const auto& t : contiguous) {
        const size_t bytes = static_cast<size_t>(t.numel()) * t.element_size();
        if (bytes)
            std::memcpy(cursor, t.data_ptr(), bytes);
        cursor += bytes;
    }
    return out;
}

void saveSafeTensors(const std::filesystem::path& path, const std::map<std::string, torch::Tensor>& tensors,
                     const std::map<std::string, std::string>& metadata)
{
    const auto bytes = serializeSafeTensors(tensors, metadata);
    try {
        writeFileAtomically(path, bytes.data(), bytes.size());
    } catch (const std::runtime_error& e) {
        fail(e.what());
    }
}

} // namespace ganvas::engine
