// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file EngineTest.h
/// A deliberately tiny test harness for the engine's tests. The engine must build and be tested
/// on machines that have only a LibTorch (e.g. a CUDA box with no Qt), so its tests cannot use
/// Qt Test; see docs/adr/0002-engine-tests-without-qt.md. Everything above the engine uses Qt Test.
///
/// GANVAS_TEST(group, name) { REQUIRE(...); }  — `ganvas_engine_tests --group G` runs one group
/// (one CTest test per group), `--list` lists them; a failed check throws and fails that test.

#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ganvas::test {

struct TestCase {
    std::string group;
    std::string name;
    std::function<void()> fn;
};

std::vector<TestCase>& registry();

struct Registrar {
    Registrar(const char* group, const char* name, std::function<void()> fn)
    {
        registry().push_back({group, name, std::move(fn)});
    }
};

class CheckFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

[[noreturn]] inline void failCheck(const char* file, int line, const std::string& what)
{
    std::ostringstream os;
    os << file << ":" << line << ": " << what;
    throw CheckFailure(os.str());
}

/// Directory with test inputs (GANVAS_TEST_DATA, set by CTest), e.g. ".../tests/data".
std::string testDataDir();
/// A fresh empty temporary directory, removed at exit.
std::string tempDir();

} // namespace ganvas::test

#define GANVAS_CAT2(a, b) a##b
#define GANVAS_CAT(a, b) GANVAS_CAT2(a, b)
#define GANVAS_TEST(group, name)                                                                                      \
    static void GANVAS_CAT(test_##group##_, name)();                                                                  \
    static ::ganvas::test::Registrar GANVAS_CAT(reg_##group##_, name)(#group, #name,                                  \
                                                                       &GANVAS_CAT(test_##group##_, name));           \
    static void GANVAS_CAT(test_##group##_, name)()

#define REQUIRE(cond)                                                                                                   \
    do {                                                                                                              \
        if (!(cond))                                                                                                  \
            ::ganvas::test::failCheck(__FILE__, __LINE__, "REQUIRE(" #cond ") failed");                                 \
    } while (0)

#define REQUIRE_EQ(a, b)                                                                                                \
    do {                                                                                                              \
        /* copies: a reference would dangle when (a) is a member of a temporary (ASan found it) */                   \
        const auto va_ = (a);                                                                                         \
        const auto vb_ = (b);                                                                                         \
        if (!(va_ == vb_)) {                                                                                          \
            std::ostringstream os_;                                                                                   \
            os_ << "REQUIRE_EQ(" #a ", " #b ") failed: " << va_ << " != " << vb_;                                       \
            ::ganvas::test::failCheck(__FILE__, __LINE__, os_.str());                                                 \
        }                                                                                                             \
    } while (0)

#define REQUIRE_NEAR(a, b, tol)                                                                                         \
    do {                                                                                                              \
        const double va_ = static_cast<double>(a);                                                                    \
        const double vb_ = static_cast<double>(b);                                                                    \
        if (!(std::fabs(va_ - vb_) <= (tol))) {                                                                       \
            std::ostringstream os_;                                                                                   \
            os_ << "REQUIRE_NEAR(" #a ", " #b ", " #tol ") failed: " << va_ << " vs " << vb_;                           \
            ::ganvas::test::failCheck(__FILE__, __LINE__, os_.str());                                                 \
        }                                                                                                             \
    } while (0)

/// Checks that `expr` throws `type` and that its what() contains `substring` (may be "").
#define REQUIRE_THROWS_WITH(expr, type, substring)                                                                      \
    do {                                                                                                              \
        bool threw_ = false;                                                                                          \
        try {                                                                                                         \
            (void)(expr);                                                                                             \
        } catch (const type& e_) {                                                                                    \
            threw_ = true;                                                                                            \
            const std::string msg_ = e_.what();                                                                       \
            if (msg_.find(substring) == std::string::npos)                                                            \
                ::ganvas::test::failCheck(__FILE__, __LINE__,                                                         \
                                          std::string("message '") + msg_ + "' lacks '" + (substring) + "'");        \
        }                                                                                                             \
        if (!threw_)                                                                                                  \
            ::ganvas::test::failCheck(__FILE__, __LINE__, "expected " #type " from " #expr);                          \
    } while (0)
