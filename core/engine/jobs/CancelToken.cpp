// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/jobs/CancelToken.h"

namespace ganvas::engine {

const char* JobCancelled::what() const noexcept
{
    return "cancelled";
}

} // namespace ganvas::engine
