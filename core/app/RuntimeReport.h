// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file RuntimeReport.h
/// One description of this Ganvas: versions, devices, threads, BLAS, bf16, model folders and what
/// is in them. `ganvas-cli info` prints it; the About dialog shows it.

#include <QJsonObject>
#include <QString>

namespace ganvas::core {

class ModelCatalogue;

/// Keys: version, qt, libtorch, opencv, device (what jobs use), cuda_built, cuda_devices,
/// threads, cores, blas, blas_reference, bf16_cpu, bf16_instructions, aten_cpu_level, precision,
/// precision_requested, precision_reason, precision_warning (only when bf16 is forced and emulated), model_roots [{path, exists}],
/// models [{id, name, kind, folder, license, valid, error}].
QJsonObject runtimeReport(const ModelCatalogue& catalogue);

/// The same as readable text lines ("LibTorch: 1.13.1").
QString runtimeReportText(const QJsonObject& report);

QString ganvasVersion();

} // namespace ganvas::core
