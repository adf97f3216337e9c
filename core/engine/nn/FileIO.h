// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file FileIO.h
/// Small file helpers for the engine (which has no Qt, hence no QSaveFile).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace ganvas::engine {

/// Writes @p size bytes to @p path atomically: into a temporary file beside it, flushed to disk
/// (fsync), then renamed over @p path. A crash at any point leaves either the old file or the new
/// one, never a torn one. Throws std::runtime_error naming the path and the OS error.
void writeFileAtomically(const std::filesystem::path& path, const void* data, size_t size);

/// Reads a whole file, refusing files larger than @p maxBytes (so that a path to /dev/zero or a
/// huge file is an error, not an allocation). Throws std::runtime_error.
std::vector<uint8_t> readFileLimited(const std::filesystem::path& path, uint64_t maxBytes);

} // namespace ganvas::engine
