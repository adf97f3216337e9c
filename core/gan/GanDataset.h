// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file GanDataset.h
/// Turns any folder of images (nested, mixed formats, some broken) into a GAN training set:
/// decode (alpha composited on white), centre or random square crop, resize (area filter), drop
/// unreadable files and duplicates with a report, and cache the prepared tensor so the next run
/// starts at once.

#include <QString>
#include <QStringList>

#include <torch/torch.h>

#include <functional>

namespace ganvas::core {

/// How a folder becomes a training set.
struct GanDatasetOptions {
    int resolution = 64;                       ///< output side in pixels, 8..1024
    /// "centre" (largest centred square) or "random" (a square of 70..100 % of the short side at a
    /// random place, drawn from seed 1 + the file's index in sorted order: deterministic).
    QString crop = QStringLiteral("centre");
    QString cacheDir;                          ///< empty: <user cache>/ganvas/datasets; "-": no cache
    int minImages = 2;                         ///< fewer usable (different) images is an error
};

/// What prepareGanDataset() found. Paths are relative to the folder, '/'-separated, sorted.
struct GanDatasetReport {
    int files = 0;                  ///< regular files seen (hidden files and folders are ignored)
    int images = 0;                 ///< kept
    QStringList unreadable;         ///< not an image, broken, or too big to decode (relative paths)
    QStringList unreadableReasons;  ///< why, one sentence per entry of unreadable (same order)
    QStringList duplicates;         ///< same pixels as an earlier file after centre crop and resize (both modes)
    QStringList tooSmall;           ///< short side under 1/4 of the resolution (skipped)
    bool fromCache = false;         ///< the tensor came from the cache file
    QString cacheFile;              ///< the cache file read or written; empty when none
    /// "412 images from 420 files (3 unreadable, 5 duplicates, 0 too small)".
    QString summary() const;
};

/// Reads every file under @p folder (recursively, in sorted path order): decodes it with OpenCV,
/// or Qt's readers for formats OpenCV lacks (files over 200 MB or 100 megapixels are refused
/// from the header, before decoding), composites alpha on white, converts grey and 16-bit to
/// 8-bit RGB, crops a square (options.crop), resizes it to options.resolution (area filter when
/// shrinking, bicubic when enlarging) and drops files identical to an earlier one after that.
/// Decoding runs on up to 8 threads; the result does not depend on how many.
///
/// The result is cached in options.cacheDir under a key over the options and every file's
/// relative path, size and modification time; a corrupt or mismatched cache file is ignored.
///
/// @p progress (may be empty) gets (done, total) after every file, on the calling thread, and
/// returns false to cancel: then std::runtime_error("cancelled") is thrown (callers turn it
/// into JobCancelled). @p report (may be null) is filled in.
/// @return [N,3,R,R] uint8 RGB (NCHW), contiguous, on the CPU.
/// Throws std::runtime_error with a sentence naming the folder when it is missing, has no
/// files, has no readable image, or fewer than options.minImages different usable ones;
/// std::invalid_argument for a resolution or crop out of range. Any thread.
torch::Tensor prepareGanDataset(const QString& folder, const GanDatasetOptions& options, GanDatasetReport* report,
                                const std::function<bool(int, int)>& progress = {});

/// Renders the colour emoji of Noto Color Emoji (Debian's fonts-noto-color-emoji; artwork
/// Apache-2.0) as @p size x @p size px RGB PNGs on white into @p outputDir (created if needed),
/// each glyph centred and scaled to fit 90 % of the square: every single code point the font
/// has in the emoji blocks, then the skin-tone (base + U+1F3FB..U+1F3FF) and flag (two regional
/// indicators) sequences it shapes to one glyph, each glyph once (the "unknown flag" glyph of
/// pairs that are no country left out). Files are named by code points in lower-case
/// hex ("1f600.png", "1f44d-1f3fd.png"); the order is fixed. @p size is 8..1024.
/// @p progress (may be empty) gets (done, candidates) and returns false to cancel
/// (std::runtime_error("cancelled")). @p limit > 0 stops after that many images.
/// Needs a QGuiApplication (the offscreen platform is enough); call on its thread.
/// Returns the number written; throws std::runtime_error when the font is not installed.
int renderEmojiDataset(const QString& outputDir, int size, const std::function<bool(int, int)>& progress = {},
                       int limit = 0);

} // namespace ganvas::core
