// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/app/RuntimeReport.h"

#include "core/engine/EngineVersion.h"
#include "core/engine/nn/Device.h"
#include "core/models/ModelCatalogue.h"
#include "core/settings/ComputeSettings.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>

#include <opencv2/core/version.hpp>

namespace ganvas::core {

QString ganvasVersion()
{
    return QStringLiteral(GANVAS_VERSION_STRING);
}

QJsonObject runtimeReport(const ModelCatalogue& catalogue)
{
    const auto info = engine::runtimeInfo();
    const auto compute = currentCompute();
    QJsonObject r;
    r[QStringLiteral("version")] = ganvasVersion();
    r[QStringLiteral("qt")] = QString::fromLatin1(qVersion());
    r[QStringLiteral("libtorch")] = QString::fromStdString(info.torchVersion);
    r[QStringLiteral("opencv")] = QStringLiteral(CV_VERSION);
    r[QStringLiteral("device")] = compute.device;
    r[QStringLiteral("precision")] = compute.precision;
    r[QStringLiteral("cuda_built")] = info.cudaBuilt;
    r[QStringLiteral("cuda_devices")] = info.cudaDeviceCount;
    r[QStringLiteral("threads")] = info.threads;
    r[QStringLiteral("cores")] = info.cores;
    r[QStringLiteral("blas")] = QString::fromStdString(info.blas);
    r[QStringLiteral("blas_reference")] = info.blasReference;
    r[QStringLiteral("blas_kernels")] = QString::fromStdString(info.blasCore);
    r[QStringLiteral("bf16_cpu")] = info.cpuBf16;
    r[QStringLiteral("bf16_instructions")] = info.cpuBf16Instructions;
    r[QStringLiteral("aten_cpu_level")] = QString::fromStdString(info.cpuLevel);
    r[QStringLiteral("precision_requested")] = compute.requestedPrecision;
    r[QStringLiteral("precision_reason")] = compute.precisionReason;
    if (!compute.warning.isEmpty())
        r[QStringLiteral("precision_warning")] = compute.warning;
    QJsonArray roots;
    for (const QString& root : catalogue.roots())
        roots.append(QJsonObject{{QStringLiteral("path"), root}, {QStringLiteral("exists"), QFileInfo(root).isDir()}});
    r[QStringLiteral("model_roots")] = roots;
    QJsonArray models;
    for (const auto& m : catalogue.entries())
        models.append(QJsonObject{{QStringLiteral("id"), m.id},
                                  {QStringLiteral("name"), m.name},
                                  {QStringLiteral("kind"), m.kind},
                                  {QStringLiteral("folder"), m.folder},
                                  {QStringLiteral("license"), m.license},
                                  {QStringLiteral("valid"), m.isValid()},
                                  {QStringLiteral("error"), m.error}});
    r[QStringLiteral("models")] = models;
    return r;
}

QString runtimeReportText(const QJsonObject& r)
{
    const auto tr = [](const char* s) { return QCoreApplication::translate("RuntimeReport", s); };
    QStringList lines;
    lines << tr("Ganvas %1").arg(r[QStringLiteral("version")].toString());
    lines << tr("Qt: %1, LibTorch: %2, OpenCV: %3")
                 .arg(r[QStringLiteral("qt")].toString(), r[QStringLiteral("libtorch")].toString(),
                      r[QStringLiteral("opencv")].toString());
    lines << tr("Device: %1 (precision %2; CUDA %3, %4 GPU(s))")
                 .arg(r[QStringLiteral("device")].toString(), r[QStringLiteral("precision")].toString(),
                      r[QStringLiteral("cuda_built")].toBool() ? tr("built in") : tr("not built in"))
                 .arg(r[QStringLiteral("cuda_devices")].toInt());
    lines << tr("CPU threads: %1 of %2 cores").arg(r[QStringLiteral("threads")].toInt()).arg(r[QStringLiteral("cores")].toInt());
    lines << tr("BLAS: %1").arg(r[QStringLiteral("blas")].toString());
    if (!r[QStringLiteral("blas_kernels")].toString().isEmpty())
        lines << tr("BLAS kernels: %1").arg(r[QStringLiteral("blas_kernels")].toString());
    lines << tr("bf16 on this CPU: %1").arg(r[QStringLiteral("bf16_cpu")].toBool() ? tr("native") : tr("no"));
    lines << tr("Precision: %1 (asked: %2)")
                 .arg(r[QStringLiteral("precision_reason")].toString(), r[QStringLiteral("precision_requested")].toString());
    if (r.contains(QStringLiteral("precision_warning")))
        lines << tr("Warning: %1").arg(r[QStringLiteral("precision_warning")].toString());
    lines << tr("LibTorch CPU kernels: %1").arg(r[QStringLiteral("aten_cpu_level")].toString());
    lines << tr("Model folders:");
    for (const auto& v : r[QStringLiteral("model_roots")].toArray()) {
        const auto o = v.toObject();
        lines << QStringLiteral("  ") + o[QStringLiteral("path")].toString() +
                     (o[QStringLiteral("exists")].toBool() ? QString() : tr(" (does not exist yet)"));
    }
    const auto models = r[QStringLiteral("models")].toArray();
    lines << tr("Models: %1").arg(models.size());
    for (const auto& v : models) {
        const auto o = v.toObject();
        QString line = QStringLiteral("  %1 %2 \"%3\" %4")
                           .arg(o[QStringLiteral("kind")].toString(), o[QStringLiteral("id")].toString(),
                                o[QStringLiteral("name")].toString(), o[QStringLiteral("folder")].toString());
        if (!o[QStringLiteral("valid")].toBool())
            line += tr(" — BROKEN: %1").arg(o[QStringLiteral("error")].toString());
        lines << line;
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace ganvas::core
