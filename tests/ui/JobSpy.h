// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What a user asked for among the jobs a QSignalSpy on JobRunner::queued saw: the studio's own
// transient work (slider renders, generator loading, gallery previews) left out.

#include <QSignalSpy>

namespace ganvas::test {

inline QList<QList<QVariant>> userJobs(const QSignalSpy& queued)
{
    QList<QList<QVariant>> jobs;
    for (const auto& args : queued)
        if (!args.at(3).toBool())
            jobs << args;
    return jobs;
}

} // namespace ganvas::test
