// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file TestMain.h
/// QTEST_MAIN and QTEST_GUILESS_MAIN as Ganvas' programs end (core/engine/nn/ProcessExit.h): the
/// application and the test object are destroyed, then the process ends without the shared
/// libraries' finalisers, where OpenBLAS can hang after every case has passed. They start as the
/// programs do: with BLAS kernels that match the CPU (core/engine/nn/BlasKernels.h).
///
/// Each test process gets a data and a settings folder of its own (HOME, XDG_DATA_HOME and
/// XDG_CONFIG_HOME in a temporary folder, inherited by the processes it starts): user models,
/// styles, journals and settings of one test never meet another's when CTest runs them side by
/// side, nor the developer's own. Caches stay shared (isolateHome).

#include "core/engine/nn/BlasKernels.h"
#include "core/engine/nn/ProcessExit.h"

#include <QTemporaryDir>
#include <QtTest>

namespace ganvas::test {

/// Points this process (and the processes it starts) at data and settings folders under
/// @p home. QStandardPaths' test mode ignores XDG_* and uses $HOME/.qttest, so HOME moves too;
/// the caches stay shared: ~/.qttest/cache and XDG_CACHE_HOME lead to the real ones.
inline void isolateHome(const QString& home)
{
    const QString realHome = QDir::homePath();
    if (qEnvironmentVariableIsEmpty("XDG_CACHE_HOME"))
        qputenv("XDG_CACHE_HOME", QFile::encodeName(realHome + QStringLiteral("/.cache")));
    QDir().mkpath(realHome + QStringLiteral("/.qttest/cache"));
    QDir().mkpath(home + QStringLiteral("/.qttest"));
    QFile::link(realHome + QStringLiteral("/.qttest/cache"), home + QStringLiteral("/.qttest/cache"));
    qputenv("XDG_DATA_HOME", QFile::encodeName(home + QStringLiteral("/data")));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(home + QStringLiteral("/config")));
    qputenv("HOME", QFile::encodeName(home));
}

} // namespace ganvas::test

#define GANVAS_QTEST_MAIN_WRAPPER(TestObject, ...)                                                                     \
    static int ganvasRunTests(int argc, char* argv[])                                                                  \
    {                                                                                                                  \
        QTemporaryDir home(QDir::tempPath() + QStringLiteral("/ganvas-test-XXXXXX"));                                  \
        if (home.isValid())                                                                                            \
            ganvas::test::isolateHome(home.path());                                                                    \
        QT_PREPEND_NAMESPACE(QTest::Internal::callInitMain)<TestObject>();                                             \
        __VA_ARGS__                                                                                                    \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&tc, argc, argv);                                                                          \
    }                                                                                                                  \
    int main(int argc, char* argv[])                                                                                   \
    {                                                                                                                  \
        ganvas::engine::chooseBlasKernels(argv);                                                                       \
        ganvas::engine::exitProcess(ganvasRunTests(argc, argv));                                                       \
    }

/// QTEST_MAIN: a QApplication (QGuiApplication without Qt Widgets).
#define GANVAS_QTEST_MAIN(TestObject) GANVAS_QTEST_MAIN_WRAPPER(TestObject, QTEST_MAIN_SETUP())
/// QTEST_GUILESS_MAIN: a QCoreApplication.
#define GANVAS_QTEST_GUILESS_MAIN(TestObject) GANVAS_QTEST_MAIN_WRAPPER(TestObject, QTEST_QAPP_SETUP(QCoreApplication))
