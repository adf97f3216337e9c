// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file MemoryPreflightDialog.h
/// The memory pre-flight question (issue #7 item 4, docs/RELIABILITY.md): a job's estimated
/// peak memory does not fit into what the device has free, so before anything is submitted
/// the user is told "This needs about X; Y is free on <device>." and offered what applies
/// (smaller tiles, downscale to fit, switch to CPU, a smaller batch…) or Cancel. When nothing
/// applies it is a plain refusal. GUI thread only.

#include "core/jobs/MemoryPreflight.h"

#include <QString>
#include <QVector>

class QWidget;

namespace ganvas::ui {

class MemoryPreflightDialog {
public:
    /// One way out: @p id is returned when chosen; its button's objectName is "preflight_<id>"
    /// (tests click it). @p label is the button text, @p detail one sentence for the message.
    struct Option {
        QString id, label, detail;
    };

    /// Asks (modal QMessageBox, objectName "memoryPreflight") and returns the chosen option's
    /// id, or an empty string for Cancel. Without options it only informs (objectName
    /// "memoryRefused") and returns an empty string.
    static QString ask(QWidget* parent, const QString& title, const core::MemoryEstimate& estimate, int64_t available,
                       const QString& device, const QVector<Option>& options);

    /// "This needs about 1.4 GB (…); 300 MB is free on cpu." (for status bars and tests).
    static QString needsText(const core::MemoryEstimate& estimate, int64_t available, const QString& device);
};

} // namespace ganvas::ui
