// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file SafeTensors.h
/// Reader and writer for the safetensors format (https://github.com/huggingface/safetensors):
/// an 8-byte little-endian header length N, N bytes of JSON
/// `{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`,
/// then the raw little-endian tensor bytes. No code runs on load.
///
/// The reader trusts nothing in the file: every length, offset, dtype and shape is checked against
/// the real size of the data before anything is allocated, so a truncated, oversized or hostile
/// file is a SafeTensorsError with a clear message, never a crash or a huge allocation.

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganvas::engine {

class SafeTensorsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct SafeTensorsLimits {
    uint64_t maxHeaderBytes = 100ull << 20;   ///< the format's own limit: 100 MB of JSON
    uint64_t maxFileBytes = 8ull << 30;       ///< refuse files larger than this (8 GiB)
    size_t maxTensors = 100000;
    size_t maxRank = 8;
    size_t maxNameBytes = 1024;
};

/// Tensors by name (CPU, contiguous, owning their memory) and the free-form string metadata.
struct SafeTensorsFile {
    std::map<std::string, torch::Tensor> tensors;
    std::map<std::string, std::string> metadata;
};

/// Parses a whole safetensors file held in memory. Throws SafeTensorsError.
SafeTensorsFile parseSafeTensors(const uint8_t* data, size_t size, const SafeTensorsLimits& limits = {});

/// Reads and parses @p path. Throws SafeTensorsError (naming the file) for I/O and format errors.
SafeTensorsFile loadSafeTensors(const std::filesystem::path& path, const SafeTensorsLimits& limits = {});

/// Serialises @p tensors (any device; written as they are, contiguous, little-endian) with
/// tensors ordered by name and the data 8-byte aligned. Supported dtypes: F64 F32 F16 BF16 I64
/// I32 I16 I8 U8 BOOL. Throws SafeTensorsError for anything else (or an undefined tensor).
std::vector<uint8_t> serializeSafeTensors(const std::map<std::string, torch::Tensor>& tensors,
                                          const std::map<std::string, std::string>& metadata = {});

/// serializeSafeTensors() written atomically (temporary file + fsync + rename).
void saveSafeTensors(const std::filesystem::path& path, const std::map<std::string, torch::Tensor>& tensors,
                     const std::map<std::string, std::string>& metadata = {});

/// "F32" -> torch::kFloat32 ... Throws SafeTensorsError for names it does not support.
torch::ScalarType safeTensorsDtype(const std::string& name);
std::string safeTensorsDtypeName(torch::ScalarType type);

} // namespace ganvas::engine
