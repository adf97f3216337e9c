// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/nn/ProcessExit.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace ganvas::engine {

void exitProcess(int code)
{
    std::cout.flush();
    std::cerr.flush();
    std::clog.flush();
    std::fflush(nullptr);
    std::_Exit(code);
}

} // namespace ganvas::engine
