// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file TestMain.h
/// QTEST_MAIN and QTEST_GUILESS_MAIN as Ganvas' programs end (core/engine/nn/ProcessExit.h): the
/// application and the test object are destroyed, then the process ends without the shared
/// libraries' finalisers, where OpenBLAS can hang after every case has passed. They start as the
/// programs do: with BLAS kernels that match the CPU (core/engine/nn/BlasKernels.h).

#include "core/engine/nn/BlasKernels.h"
#include "core/engine/nn/ProcessExit.h"

#include <QtTest>

#define GANVAS_QTEST_MAIN_WRAPPER(TestObject, ...)                                                  \
    static int ganvasRunTests(int argc, char* argv[])                                              \
    {                                                                                              \
        QT_PREPEND_NAMESPACE(QTest::Internal::callInitMain)<TestObject>();                         \
        __VA_ARGS__                                                                                \
        TestObject tc;                                                                             \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return QTest::qExec(&tc, argc, argv);                                                      \
    }                                                                                              \
    int main(int argc, char* argv[])                                                               \
    {                                                                                              \
        ganvas::engine::chooseBlasKernels(argv);                                                   \
        ganvas::engine::exitProcess(ganvasRunTests(argc, argv));                                   \
    }

/// QTEST_MAIN: a QApplication (QGuiApplication without Qt Widgets).
#define GANVAS_QTEST_MAIN(TestObject) GANVAS_QTEST_MAIN_WRAPPER(TestObject, QTEST_MAIN_SETUP())
/// QTEST_GUILESS_MAIN: a QCoreApplication.
#define GANVAS_QTEST_GUILESS_MAIN(TestObject) GANVAS_QTEST_MAIN_WRAPPER(TestObject, QTEST_QAPP_SETUP(QCoreApplication))
