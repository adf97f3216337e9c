// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/ExportDialog.h"

#include "core/document/Document.h"
#include "core/upscale/UpscaleTask.h"
#include "ui/dialogs/UpscaleDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include <algorithm>
#include <cmath>

namespace ganvas::ui {

namespace {

const int kMultipliers[] = {1, 2, 3, 4, 8};

} // namespace

ExportDialog::ExportDialog(QSize canvas, const QString& suggestedPath, QWidget* parent)
    : ExportDialog(canvas, suggestedPath, core::installedUpscalers(), parent)
{
}

ExportDialog::ExportDialog(QSize canvas, const QString& suggestedPath, const QVector<core::ModelEntry>& upscalers,
                           QWidget* parent)
    : QDialog(parent), m_canvas(canvas), m_upscalers(upscalers)
{
    setObjectName(QStringLiteral("exportDialog"));
    setWindowTitle(tr("Export Image"));
    m_path = new QLineEdit(suggestedPath, this);
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Export Image"), m_path->text(),
                                                       tr("PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp);;TIFF (*.tif *.tiff)"));
        if (!p.isEmpty())
            m_path->setText(p);
    });
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);

    m_multiplier = new QComboBox(this);
    m_multiplier->setObjectName(QStringLiteral("exportMultiplier"));
    for (int m : kMultipliers)
        m_multiplier->addItem(tr("%1×").arg(m), m);
    m_multiplier->addItem(tr("Custom"), 0);
    m_multiplier->setToolTip(tr("Output size as a multiple of the canvas"));

    m_scale = new QSpinBox(this);
    m_scale->setRange(1, 800);
    m_scale->setSuffix(QStringLiteral(" %"));
    m_scale->setValue(100);
    m_width = new QSpinBox(this);
    m_height = new QSpinBox(this);
    for (QSpinBox* s : {m_width, m_height}) {
        s->setRange(1, core::Document::kMaxEdge * 8);
        s->setSuffix(tr(" px"));
    }
    m_width->setValue(canvas.width());
    m_height->setValue(canvas.height());
    m_ai = new QCheckBox(tr("AI upscale (ESRGAN)"), this);
    m_ai->setObjectName(QStringLiteral("exportAiUpscale"));
    m_aiModel = new QComboBox(this);
    m_aiModel->setObjectName(QStringLiteral("exportAiModel"));
    m_aiModel->setToolTip(tr("Larger ESRGAN networks restore finer detail but take longer"));
    m_aiHint = new QLabel(this);
    m_aiHint->setObjectName(QStringLiteral("exportAiHint"));
    m_aiHint->setWordWrap(true);
    auto* aiRow = new QHBoxLayout;
    aiRow->addWidget(m_ai);
    aiRow->addWidget(m_aiModel, 1);

    m_quality = new QSpinBox(this);
    m_quality->setRange(1, 100);
    m_quality->setValue(92);
    m_quality->setToolTip(tr("For JPEG and WebP; PNG and TIFF are lossless"));

    // Scale, width and height stay consistent (aspect ratio kept).
    connect(m_scale, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_updating)
            return;
        m_updating = true;
        m_width->setValue(qMax(1, qRound(m_canvas.width() * v / 100.0)));
        m_height->setValue(qMax(1, qRound(m_canvas.height() * v / 100.0)));
        m_updating = false;
        syncMultiplier();
    });
    connect(m_width, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_updating)
            return;
        m_updating = true;
        m_height->setValue(qMax(1, qRound(double(v) * m_canvas.height() / m_canvas.width())));
        m_scale->setValue(qRound(100.0 * v / m_canvas.width()));
        m_updating = false;
        syncMultiplier();
    });
    connect(m_height, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_updating)
            return;
        m_updating = true;
        m_width->setValue(qMax(1, qRound(double(v) * m_canvas.width() / m_canvas.height())));
        m_scale->setValue(qRound(100.0 * v / m_canvas.height()));
        m_updating = false;
        syncMultiplier();
    });
    connect(m_multiplier, &QComboBox::currentIndexChanged, this, [this] {
        const int m = m_multiplier->currentData().toInt();
        if (m > 0 && !m_updating) {
            m_updating = true;
            m_scale->setValue(100 * m);
            m_width->setValue(m_canvas.width() * m);
            m_height->setValue(m_canvas.height() * m);
            m_updating = false;
        }
        updateAi();
    });
    connect(m_ai, &QCheckBox::toggled, this, &ExportDialog::updateAi);

    auto* form = new QFormLayout(this);
    form->addRow(tr("File"), pathRow);
    form->addRow(tr("Multiplier"), m_multiplier);
    form->addRow(tr("Scale"), m_scale);
    form->addRow(tr("Width"), m_width);
    form->addRow(tr("Height"), m_height);
    form->addRow(tr("Enlarge with"), aiRow);
    form->addRow(m_aiHint);
    form->addRow(tr("Quality"), m_quality);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    syncMultiplier();
    updateAi();
}

void ExportDialog::syncMultiplier()
{
    int index = m_multiplier->findData(0);
    for (int m : kMultipliers)
        if (qint64(m_width->value()) == qint64(m_canvas.width()) * m &&
            qint64(m_height->value()) == qint64(m_canvas.height()) * m)
            index = m_multiplier->findData(m);
    const QSignalBlocker block(m_multiplier);
    m_multiplier->setCurrentIndex(index);
    updateAi();
}

void ExportDialog::updateAi()
{
    const int m = multiplier();
    UpscaleDialog::fillVariants(m_aiModel, m_upscalers, m);
    const bool anyInstalled = std::any_of(m_upscalers.begin(), m_upscalers.end(),
                                          [](const core::ModelEntry& e) { return e.isValid(); });
    QString why; // why AI upscaling is not available at this multiplier
    if (!anyInstalled)
        why = core::upscalerInstallHint();
    else if (m < 2)
        why = tr("Choose a multiplier of 2× or more to enlarge with AI.");
    else if (m_aiModel->count() == 0)
        why = tr("No AI upscaler for %1× is installed. %2").arg(m).arg(core::upscalerInstallHint());
    if (!why.isEmpty() && m_ai->isChecked()) {
        const QSignalBlocker block(m_ai);
        m_ai->setChecked(false);
    }
    m_ai->setEnabled(why.isEmpty());
    m_ai->setToolTip(why.isEmpty() ? tr("Enlarge with an ESRGAN network instead of resampling: sharper edges and "
                                        "more detail. Runs in the background (see the Jobs dock).")
                                   : why);
    const bool ai = m_ai->isChecked();
    m_aiModel->setEnabled(ai);
    m_aiModel->setVisible(m_aiModel->count() > 0);
    // The network sets the size: multiplier × canvas.
    for (QSpinBox* s : {m_scale, m_width, m_height})
        s->setEnabled(!ai);
    // Say how to install when nothing is, or when the chosen multiplier has no model.
    const bool showHint = !anyInstalled || (m >= 2 && m_aiModel->count() == 0);
    m_aiHint->setText(showHint ? why : QString());
    m_aiHint->setVisible(showHint);
}

int ExportDialog::multiplier() const
{
    return m_multiplier->currentData().toInt();
}

void ExportDialog::setMultiplier(int multiplier)
{
    const int index = m_multiplier->findData(multiplier);
    if (index >= 0)
        m_multiplier->setCurrentIndex(index);
}

bool ExportDialog::aiUpscale() const
{
    return m_ai->isEnabled() && m_ai->isChecked() && !upscaler().id.isEmpty();
}

core::ModelEntry ExportDialog::upscaler() const
{
    if (!m_ai->isChecked())
        return {};
    return UpscaleDialog::find(m_upscalers, m_aiModel->currentData().toString(), multiplier());
}

QString ExportDialog::path() const
{
    return m_path->text();
}

void ExportDialog::setPath(const QString& path)
{
    m_path->setText(path);
}

QSize ExportDialog::outputSize() const
{
    return {m_width->value(), m_height->value()};
}

int ExportDialog::quality() const
{
    return m_quality->value();
}

} // namespace ganvas::ui
