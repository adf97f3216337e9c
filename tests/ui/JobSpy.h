// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What a user asked for among the jobs a QSignalSpy on JobRunner::queued saw: the studio's own
// transient work (slider renders, generator loading, gallery previews) left out. Those jobs start,
// finish and are cancelled (coalesced) whenever the studio redraws, so a test that counts ends
// counts the ends of the user's jobs only.

#include <QSet>
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

// The signals in `ends` (a spy on finished, failed or cancelled) of jobs `queued` saw as the user's.
inline QList<QList<QVariant>> ofUserJobs(const QSignalSpy& ends, const QSignalSpy& queued)
{
    QSet<qulonglong> ids;
    for (const auto& args : userJobs(queued))
        ids.insert(args.at(0).toULongLong());
    QList<QList<QVariant>> mine;
    for (const auto& args : ends)
        if (ids.contains(args.at(0).toULongLong()))
            mine << args;
    return mine;
}

} // namespace ganvas::test
