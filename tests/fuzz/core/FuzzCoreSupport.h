// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file FuzzCoreSupport.h
/// What the core fuzz targets share: one QGuiApplication (offscreen) made in
/// LLVMFuzzerInitialize, so Qt's image plugins load as in the studio, and a per-process scratch
/// folder (tmpfs under /dev/shm when there is one) for the loaders that take a path. Each target
/// writes its input to the same file name every time. Not thread-safe: libFuzzer calls one input
/// at a time.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <unistd.h>

namespace ganvas::fuzz {

/// The scratch folder (created on first use, removed at exit).
inline const QString& scratchDir()
{
    static QString* dir = nullptr; // never destroyed: the exit handler below still needs it
    if (!dir) {
        const QString base = QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm") : QDir::tempPath();
        dir = new QString(base + QStringLiteral("/ganvas-fuzz-%1").arg(::getpid()));
        QDir().mkpath(*dir);
        std::atexit([] { QDir(scratchDir()).removeRecursively(); });
    }
    return *dir;
}

/// Writes @p data to @p relative (below the scratch folder, parents created) and returns its path.
inline QString writeInput(const QString& relative, const uint8_t* data, size_t size)
{
    const QString path = scratchDir() + QLatin1Char('/') + relative;
    QDir().mkpath(path.section(QLatin1Char('/'), 0, -2));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        std::abort(); // the harness itself is broken: say so loudly
    if (size > 0 && f.write(reinterpret_cast<const char*>(data), qint64(size)) != qint64(size))
        std::abort();
    return path;
}

/// One offscreen QGuiApplication for the process, settings and caches kept in the scratch folder
/// so a fuzz run never touches the user's.
inline void initQt()
{
    static int argc = 1;
    static char name[] = "ganvas-fuzz";
    static char* argv[] = {name, nullptr};
    if (QCoreApplication::instance())
        return;
    ::setenv("QT_QPA_PLATFORM", "offscreen", 0);
    const QByteArray home = scratchDir().toLocal8Bit();
    ::setenv("XDG_CONFIG_HOME", (home + "/config").constData(), 1);
    ::setenv("XDG_DATA_HOME", (home + "/data").constData(), 1);
    ::setenv("XDG_CACHE_HOME", (home + "/cache").constData(), 1);
    new QGuiApplication(argc, argv); // lives as long as the process
}

} // namespace ganvas::fuzz
