// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/nn/FileIO.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace ganvas::engine {

namespace fs = std::filesystem;

void writeFileAtomically(const fs::path& path, const void* data, size_t size)
{
    std::random_device rd;
    const fs::path temp = path.parent_path() / (path.filename().string() + ".tmp-" + std::to_string(rd()));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        throw std::runtime_error("cannot write '" + path.string() + "': " + std::strerror(errno));
    const auto* bytes = static_cast<const char*>(data);
    size_t written = 0;
    while (written < size) {
        const ssize_t n = ::write(fd, bytes + written, size - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(temp.c_str());
            throw std::runtime_error("cannot write '" + path.string() + "': " + std::strerror(err));
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        throw std::runtime_error("cannot write '" + path.string() + "': " + std::strerror(err));
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        throw std::runtime_error("cannot replace '" + path.string() + "': " + std::strerror(err));
    }
}

std::vector<uint8_t> readFileLimited(const fs::path& path, uint64_t maxBytes)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw std::runtime_error("'" + path.string() + "' is not a readable file");
    const uint64_t size = fs::file_size(path, ec);
    if (ec)
        throw std::runtime_error("cannot read '" + path.string() + "': " + ec.message());
    if (size > maxBytes)
        throw std::runtime_error("'" + path.string() + "' is " + std::to_string(size) + " bytes, more than the " +
                                 std::to_string(maxBytes) + " allowed");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open '" + path.string() + "'");
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    if (static_cast<uint64_t>(in.gcount()) != size)
        throw std::runtime_error("cannot read '" + path.string() + "': file changed while reading");
    return bytes;
}

} // namespace ganvas::engine
