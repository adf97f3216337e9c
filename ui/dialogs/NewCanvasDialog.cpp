// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/NewCanvasDialog.h"

#include "core/document/Document.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSettings>
#include <QSpinBox>

namespace ganvas::ui {

namespace {
struct Preset {
    const char* name;
    int w, h, dpi;
};
const Preset kPresets[] = {
    {QT_TRANSLATE_NOOP("NewCanvasDialog", "Screen 1920 × 1080"), 1920, 1080, 96},
    {QT_TRANSLATE_NOOP("NewCanvasDialog", "Screen 4K 3840 × 2160"), 3840, 2160, 96},
    {QT_TRANSLATE_NOOP("NewCanvasDialog", "Square 1024 × 1024"), 1024, 1024, 96},
    {QT_TRANSLATE_NOOP("NewCanvasDialog", "Square 4096 × 4096"), 4096, 4096, 300},
    {QT_TRANSLATE_NOOP("NewCanvasDialog", "A4 portrait, 300 DPI"), 2480, 3508, 300},
    {QT_TRANSLATE_NOOP("NewCanvasDialog", "A3 portrait, 300 DPI"), 3508, 4961, 300},
    {QT_TRANSLATE_NOOP("NewCanvasDialog", "US Letter, 300 DPI"), 2550, 3300, 300},
    {QT_TRANSLATE_NOOP("NewCanvasDialog", "Custom"), 0, 0, 0},
};
} // namespace

QStringList NewCanvasDialog::presetNames()
{
    QStringList names;
    for (const auto& p : kPresets)
        names << tr(p.name);
    return names;
}

NewCanvasDialog::NewCanvasDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("newCanvasDialog"));
    setWindowTitle(tr("New Canvas"));
    m_preset = new QComboBox(this);
    m_preset->addItems(presetNames());
    m_width = new QSpinBox(this);
    m_height = new QSpinBox(this);
    for (QSpinBox* s : {m_width, m_height}) {
        s->setRange(1, core::Document::kMaxEdge);
        s->setSuffix(tr(" px"));
    }
    m_dpi = new QSpinBox(this);
    m_dpi->setRange(1, 2400);
    m_background = new QComboBox(this);
    m_background->addItem(tr("White"), QColor(Qt::white));
    m_background->addItem(tr("Black"), QColor(Qt::black));
    m_background->addItem(tr("Transparent"), QColor(Qt::transparent));

    auto* form = new QFormLayout(this);
    form->addRow(tr("Preset"), m_preset);
    form->addRow(tr("Width"), m_width);
    form->addRow(tr("Height"), m_height);
    form->addRow(tr("Resolution (DPI)"), m_dpi);
    form->addRow(tr("Background"), m_background);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings().setValue(QStringLiteral("newCanvas/preset"), m_preset->currentIndex());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);

    connect(m_preset, &QComboBox::currentIndexChanged, this, &NewCanvasDialog::applyPreset);
    const auto toCustom = [this] {
        const Preset& p = kPresets[m_preset->currentIndex()];
        if (p.w && (m_width->value() != p.w || m_height->value() != p.h || m_dpi->value() != p.dpi))
            m_preset->setCurrentIndex(m_preset->count() - 1);
    };
    connect(m_width, &QSpinBox::valueChanged, this, toCustom);
    connect(m_height, &QSpinBox::valueChanged, this, toCustom);
    m_width->setValue(1920);
    m_height->setValue(1080);
    m_dpi->setValue(96);
    m_preset->setCurrentIndex(qBound(0, QSettings().value(QStringLiteral("newCanvas/preset"), 0).toInt(), m_preset->count() - 1));
    applyPreset(m_preset->currentIndex());
}

void NewCanvasDialog::applyPreset(int index)
{
    const Preset& p = kPresets[index];
    if (!p.w)
        return;
    const QSignalBlocker bw(m_width), bh(m_height);
    m_width->setValue(p.w);
    m_height->setValue(p.h);
    m_dpi->setValue(p.dpi);
}

QSize NewCanvasDialog::canvasSize() const
{
    return {m_width->value(), m_height->value()};
}

int NewCanvasDialog::dpi() const
{
    return m_dpi->value();
}

QColor NewCanvasDialog::background() const
{
    return m_background->currentData().value<QColor>();
}

} // namespace ganvas::ui
