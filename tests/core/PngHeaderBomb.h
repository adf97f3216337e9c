// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file PngHeaderBomb.h
/// A 1x1 PNG whose header claims @p width x @p height (a valid IHDR with its CRC): loaders must
/// refuse it from the header, before decoding anything.

#include <QBuffer>
#include <QByteArray>
#include <QImage>

namespace ganvas::test {

inline QByteArray pngClaimingSize(quint32 width, quint32 height)
{
    QByteArray bytes;
    {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        QImage(1, 1, QImage::Format_RGB32).save(&buffer, "png");
    }
    const auto put = [&](int at, quint32 v) {
        for (int i = 0; i < 4; ++i)
            bytes[at + i] = char((v >> (24 - 8 * i)) & 0xff);
    };
    // IHDR width/height at bytes 16..23; its CRC-32 (over type + data, bytes 12..28) at 29..32.
    put(16, width);
    put(20, height);
    quint32 c = 0xffffffffu;
    for (int i = 12; i < 29; ++i) {
        c ^= quint8(bytes[i]);
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    put(29, ~c);
    return bytes;
}

} // namespace ganvas::test
