// SPDX-License-Identifier: GPL-3.0-or-later
// renderEmojiDataset(): a few thousand small colour pictures from a font every Debian desktop
// can install, for training and demonstrating GANs without downloading a data set.
#include "core/gan/GanDataset.h"

#include <QDir>
#include <QFileInfo>
#include <QFont>
#include <QFontDatabase>
#include <QGlyphRun>
#include <QGuiApplication>
#include <QHash>
#include <QImage>
#include <QImageWriter>
#include <QPainter>
#include <QRawFont>
#include <QSet>
#include <QTextLayout>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace ganvas::core {

namespace {

const QString kFontFile = QStringLiteral("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf");
/// The font's only bitmap strike (CBDT, 136 x 128 px glyphs): rendering at it avoids a scaling
/// pass inside the font engine; we scale down once, with a good filter, ourselves.
constexpr int kRenderPixelSize = 109;
constexpr int kCanvas = 256;
/// The glyph's larger side fills this much of the output square.
constexpr double kFill = 0.9;
/// Alpha at or above this counts as part of the glyph when finding its bounding box (the
/// faintest edge pixels would otherwise make some glyphs smaller than others).
constexpr int kAlphaThreshold = 16;
/// Real flags share a glyph at most three times (NO, SJ, BV); the placeholder serves hundreds.
constexpr int kMaxFlagsPerGlyph = 8;

/// Unicode blocks that hold emoji (arrows, symbols and dingbats, CJK symbols, and the
/// supplementary pictographs), plus (c) and (r).
const std::vector<std::pair<char32_t, char32_t>> kRanges = {
    {0x00A9, 0x00A9}, {0x00AE, 0x00AE}, {0x2000, 0x2BFF}, {0x3000, 0x33FF}, {0x1F000, 0x1FAFF}};

QString family()
{
    // Registered once per process; addApplicationFont works without any fontconfig setup.
    static const QString name = [] {
        const int id = QFontDatabase::addApplicationFont(kFontFile);
        const QStringList families = id < 0 ? QStringList() : QFontDatabase::applicationFontFamilies(id);
        return families.isEmpty() ? QString() : families.front();
    }();
    return name;
}

QString codePointsText(const std::vector<char32_t>& cps)
{
    return QString::fromUcs4(cps.data(), static_cast<qsizetype>(cps.size()));
}

QString fileName(const std::vector<char32_t>& cps)
{
    QStringList parts;
    for (char32_t c : cps)
        parts << QString::number(static_cast<uint>(c), 16);
    return parts.join(QLatin1Char('-')) + QStringLiteral(".png");
}

/// Lays @p text out in the layout's font (no fallback to other fonts). Returns the glyph when it
/// is exactly one real glyph of that font (for a sequence: the font has a ligature for it),
/// else 0.
quint32 singleGlyph(QTextLayout& layout, const QString& text)
{
    layout.setText(text);
    layout.beginLayout();
    layout.createLine();
    layout.endLayout();
    const auto runs = layout.glyphRuns();
    if (runs.size() != 1)
        return 0;
    const auto glyphs = runs.front().glyphIndexes();
    return glyphs.size() == 1 ? glyphs.front() : 0;
}

/// The glyph scaled to fit kFill of a size x size white square, or a null image when it is blank.
QImage renderGlyph(QTextLayout& layout, const QString& text, int size)
{
    if (singleGlyph(layout, text) == 0)
        return {};
    QImage canvas(kCanvas, kCanvas, QImage::Format_ARGB32_Premultiplied);
    canvas.fill(Qt::transparent);
    {
        QPainter painter(&canvas);
        layout.draw(&painter, QPointF(kCanvas / 4.0, kCanvas / 4.0));
    }
    int left = kCanvas, top = kCanvas, right = -1, bottom = -1;
    for (int y = 0; y < kCanvas; ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(canvas.constScanLine(y));
        for (int x = 0; x < kCanvas; ++x)
            if (qAlpha(line[x]) >= kAlphaThreshold) {
                left = std::min(left, x);
                right = std::max(right, x);
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
    }
    if (right < 0)
        return {};
    const QImage glyph = canvas.copy(left, top, right - left + 1, bottom - top + 1);
    const double scale = kFill * size / std::max(glyph.width(), glyph.height());
    const QImage scaled = glyph.scaled(std::max(1, static_cast<int>(std::lround(glyph.width() * scale))),
                                       std::max(1, static_cast<int>(std::lround(glyph.height() * scale))),
                                       Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    QImage out(size, size, QImage::Format_RGB32);
    out.fill(Qt::white);
    {
        QPainter painter(&out);
        painter.drawImage((size - scaled.width()) / 2, (size - scaled.height()) / 2, scaled);
    }
    return out.convertToFormat(QImage::Format_RGB888);
}

} // namespace

int renderEmojiDataset(const QString& outputDir, int size, const std::function<bool(int, int)>& progress, int limit)
{
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
        throw std::logic_error("renderEmojiDataset needs a QGuiApplication");
    if (size < 8 || size > 1024)
        throw std::invalid_argument("emoji size must be 8 to 1024 pixels, not " + std::to_string(size));
    if (!QFileInfo::exists(kFontFile))
        throw std::runtime_error("Noto Color Emoji is not installed (Debian package fonts-noto-color-emoji)");
    const QString name = family();
    if (name.isEmpty())
        throw std::runtime_error("cannot load " + kFontFile.toStdString());
    if (!QDir().mkpath(outputDir))
        throw std::runtime_error("cannot create the folder " + outputDir.toStdString());

    QFont font(name);
    font.setPixelSize(kRenderPixelSize);
    font.setStyleStrategy(QFont::NoFontMerging); // only this font's glyphs, never a fallback's
    const QRawFont raw = QRawFont::fromFont(font);
    QTextLayout layout(QString(), font);

    // Candidates in a fixed order: single code points, then skin tones, then flags. A glyph is
    // taken once (some flags share one: Norway's serves NO, SJ and BV).
    std::vector<std::vector<char32_t>> candidates;
    QSet<quint32> glyphs;
    auto add = [&](std::vector<char32_t> cps, quint32 glyph) {
        if (glyph != 0 && !glyphs.contains(glyph)) {
            glyphs.insert(glyph);
            candidates.push_back(std::move(cps));
        }
    };
    std::vector<char32_t> singles;
    for (const auto& [first, last] : kRanges)
        for (char32_t c = first; c <= last; ++c)
            if (raw.supportsCharacter(static_cast<uint>(c))) {
                singles.push_back(c);
                add({c}, singleGlyph(layout, codePointsText({c})));
            }
    if (limit <= 0 || static_cast<size_t>(limit) > candidates.size()) {
        for (const char32_t base : singles) {
            if (base < 0x261D || (base >= 0x1F3FB && base <= 0x1F3FF)) // U+261D is the first modifier base
                continue;
            // A base that takes one modifier takes all five; test the first before the rest.
            if (singleGlyph(layout, codePointsText({base, 0x1F3FB})) == 0)
                continue;
            for (char32_t tone = 0x1F3FB; tone <= 0x1F3FF; ++tone)
                add({base, tone}, singleGlyph(layout, codePointsText({base, tone})));
        }
        // Every pair of regional indicators forms one glyph, but the pairs that are no country
        // all get the same "unknown flag" glyph: the glyph many pairs share is left out.
        std::vector<std::pair<std::vector<char32_t>, quint32>> flags;
        QHash<quint32, int> uses;
        for (char32_t a = 0x1F1E6; a <= 0x1F1FF; ++a)
            for (char32_t b = 0x1F1E6; b <= 0x1F1FF; ++b) {
                const quint32 glyph = singleGlyph(layout, codePointsText({a, b}));
                flags.push_back({{a, b}, glyph});
                ++uses[glyph];
            }
        for (auto& [cps, glyph] : flags)
            if (uses.value(glyph) <= kMaxFlagsPerGlyph)
                add(std::move(cps), glyph);
    }

    const int total = static_cast<int>(candidates.size());
    const QDir dir(outputDir);
    int written = 0;
    for (int i = 0; i < total && (limit <= 0 || written < limit); ++i) {
        const auto& cps = candidates[static_cast<size_t>(i)];
        const QImage image = renderGlyph(layout, codePointsText(cps), size);
        if (!image.isNull()) {
            const QString path = dir.filePath(fileName(cps));
            QImageWriter writer(path, "png");
            if (!writer.write(image))
                throw std::runtime_error("cannot write " + path.toStdString() + ": " +
                                         writer.errorString().toStdString());
            ++written;
        }
        if (progress && !progress(i + 1, total))
            throw std::runtime_error("cancelled");
    }
    return written;
}

} // namespace ganvas::core
