// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/PreferencesDialog.h"

#include "core/io/ImageIO.h"
#include "core/jobs/MemoryPreflight.h"
#include "core/settings/ComputeSettings.h"
#include "ui/dialogs/NewCanvasDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace ganvas::ui {

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    QSettings settings;
    const auto stored = core::ComputeSettings::load(settings);
    const auto now = core::currentCompute();
    const auto choices = core::computeChoices();

    auto* compute = new QGroupBox(tr("Computing"), this);
    auto* computeForm = new QFormLayout(compute);
    m_device = new QComboBox(compute);
    m_device->setObjectName(QStringLiteral("prefDevice"));
    m_device->addItem(tr("Automatic (a CUDA GPU when there is one, else the CPU)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    for (int i = 0; i < choices.cudaDevices; ++i)
        m_device->addItem(tr("CUDA GPU %1").arg(i), QStringLiteral("cuda:%1").arg(i));
    if (choices.cudaDevices == 0)
        m_device->setToolTip(
            tr("This build of LibTorch has no CUDA, or no CUDA GPU is visible: Ganvas computes on the CPU."));
    const int device =
        m_device->findData(stored.device == QLatin1String("cuda") ? QStringLiteral("cuda:0") : stored.device);
    m_device->setCurrentIndex(device >= 0 ? device : 0);
    computeForm->addRow(tr("Device"), m_device);

    m_threads = new QSpinBox(compute);
    m_threads->setObjectName(QStringLiteral("prefThreads"));
    m_threads->setRange(0, std::max(1, choices.cores) * 2);
    m_threads->setSpecialValueText(tr("All cores (%1)").arg(choices.cores));
    m_threads->setValue(std::clamp(stored.threads, 0, m_threads->maximum()));
    m_threadsNote = new QLabel(
        tr("In use now: %1 threads. A change applies the next time Ganvas starts.").arg(now.threads), compute);
    m_threadsNote->setObjectName(QStringLiteral("prefThreadsNote"));
    m_threadsNote->setWordWrap(true);
    computeForm->addRow(tr("CPU threads"), m_threads);
    computeForm->addRow(QString(), m_threadsNote);

    m_precision = new QComboBox(compute);
    m_precision->setObjectName(QStringLiteral("prefPrecision"));
    m_precision->addItem(tr("Automatic (bf16 where the hardware computes it natively)"), QStringLiteral("auto"));
    m_precision->addItem(tr("fp32 (full precision)"), QStringLiteral("fp32"));
    m_precision->addItem(choices.bf16Native || choices.cudaDevices > 0
                             ? tr("bf16 (faster, a little less exact)")
                             : tr("bf16 (emulated on this CPU: several times slower)"),
                         QStringLiteral("bf16"));
    const int precision = m_precision->findData(stored.precision);
    m_precision->setCurrentIndex(precision >= 0 ? precision : 0);
    auto* precisionNow = new QLabel(tr("In use now: %1").arg(now.precisionReason), compute);
    precisionNow->setWordWrap(true);
    computeForm->addRow(tr("Precision"), m_precision);
    computeForm->addRow(QString(), precisionNow);

    auto* limits = new QGroupBox(tr("Limits"), this);
    auto* limitsForm = new QFormLayout(limits);
    m_megapixels = new QSpinBox(limits);
    m_megapixels->setObjectName(QStringLiteral("prefMegapixels"));
    m_megapixels->setRange(1, 1 << 20);
    m_megapixels->setSuffix(tr(" megapixels"));
    m_megapixels->setValue(core::maxMegapixels());
    m_megapixels->setToolTip(tr("Pictures and layers larger than this are refused when opened (256 = 16384 × 16384)."));
    limitsForm->addRow(tr("Largest picture"), m_megapixels);
    m_memory = new QSpinBox(limits);
    m_memory->setObjectName(QStringLiteral("prefMemory"));
    m_memory->setRange(0, 1 << 30);
    m_memory->setSingleStep(512);
    m_memory->setSuffix(tr(" MB"));
    m_memory->setSpecialValueText(tr("What is free (measured)"));
    m_memory->setValue(settings.value(QLatin1String(core::kMemoryLimitKey), 0).toInt());
    m_memory->setToolTip(
        tr("Before a style, GAN or upscale job starts, Ganvas checks that it fits into this much memory "
           "(or into what is free, if that is less) and offers to downscale it if not."));
    limitsForm->addRow(tr("Memory for a job"), m_memory);

    auto* canvas = new QGroupBox(tr("New canvas"), this);
    auto* canvasForm = new QFormLayout(canvas);
    m_canvas = new QComboBox(canvas);
    m_canvas->setObjectName(QStringLiteral("prefCanvas"));
    m_canvas->addItems(NewCanvasDialog::presetNames());
    m_canvas->setCurrentIndex(
        std::clamp(settings.value(QStringLiteral("newCanvas/preset"), 0).toInt(), 0, m_canvas->count() - 1));
    canvasForm->addRow(tr("File ▸ New starts from"), m_canvas);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("prefError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &PreferencesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(compute);
    layout->addWidget(limits);
    layout->addWidget(canvas);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

QString PreferencesDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

bool PreferencesDialog::apply()
{
    QSettings settings;
    const auto before = core::ComputeSettings::load(settings);
    core::ComputeSettings compute;
    compute.device = m_device->currentData().toString();
    compute.threads = m_threads->value();
    compute.precision = m_precision->currentData().toString();
    // Device and precision apply to the jobs submitted from now on; the thread pool keeps its size.
    const auto status = core::applyComputeSettings(compute, false);
    if (!status.error.isEmpty()) {
        m_error->setText(tr("Not saved: %1").arg(status.error));
        m_error->show();
        return false;
    }
    m_error->hide();
    compute.save(settings);
    settings.setValue(QLatin1String(core::kMaxMegapixelsKey), m_megapixels->value());
    if (m_memory->value() > 0)
        settings.setValue(QLatin1String(core::kMemoryLimitKey), m_memory->value());
    else
        settings.remove(QLatin1String(core::kMemoryLimitKey));
    settings.setValue(QStringLiteral("newCanvas/preset"), m_canvas->currentIndex());
    m_needsRestart = compute.threads != before.threads;
    return true;
}

void PreferencesDialog::accept()
{
    if (apply())
        QDialog::accept();
}

} // namespace ganvas::ui
