// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/BrushPanel.h"

#include "ui/panels/CurveEditor.h"

#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QListWidget>
#include <QVBoxLayout>

namespace ganvas::ui {

BrushPanel::BrushPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("brushPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("brushList"));
    m_list->setMaximumHeight(150);
    layout->addWidget(m_list);
    auto* form = new QFormLayout;
    for (const auto& p : core::kBrushParameters) {
        auto* spin = new QDoubleSpinBox(this);
        const QString key = QString::fromLatin1(p.key);
        spin->setObjectName(key);
        spin->setRange(p.minimum, p.maximum);
        spin->setSingleStep(p.step);
        spin->setDecimals(p.step < 1 ? 2 : 0);
        spin->setKeyboardTracking(false);
        form->addRow(QCoreApplication::translate("BrushSettings", p.label), spin);
        m_spins.insert(key, spin);
        const auto field = p.field;
        connect(spin, &QDoubleSpinBox::valueChanged, this, [this, field](double v) {
            if (m_updating)
                return;
            m_current.*field = v;
            Q_EMIT brushChanged(m_current);
        });
    }
    m_pressureSize = new CurveEditor(this);
    m_pressureSize->setObjectName(QStringLiteral("pressureSizeCurve"));
    m_pressureOpacity = new CurveEditor(this);
    m_pressureOpacity->setObjectName(QStringLiteral("pressureOpacityCurve"));
    form->addRow(tr("Pressure → size"), m_pressureSize);
    form->addRow(tr("Pressure → flow"), m_pressureOpacity);
    connect(m_pressureSize, &CurveEditor::curveChanged, this, [this](const core::PressureCurve& c) {
        m_current.pressureSize = c;
        Q_EMIT brushChanged(m_current);
    });
    connect(m_pressureOpacity, &CurveEditor::curveChanged, this, [this](const core::PressureCurve& c) {
        m_current.pressureOpacity = c;
        Q_EMIT brushChanged(m_current);
    });
    layout->addLayout(form);
    layout->addStretch(1);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= m_presets.size())
            return;
        m_current = m_presets.at(row);
        showSettings();
        Q_EMIT brushChanged(m_current);
    });
}

void BrushPanel::setPresets(const QVector<core::BrushSettings>& presets)
{
    m_presets = presets;
    m_list->clear();
    for (const auto& p : presets) {
        auto* item = new QListWidgetItem(p.name, m_list);
        item->setData(Qt::UserRole, p.id);
    }
    if (!presets.isEmpty())
        m_list->setCurrentRow(0);
}

void BrushPanel::selectPreset(const QString& id)
{
    for (int i = 0; i < m_presets.size(); ++i)
        if (m_presets[i].id == id)
            m_list->setCurrentRow(i);
}

void BrushPanel::showSize(double size)
{
    m_current.size = size;
    m_updating = true;
    m_spins.value(QStringLiteral("size"))->setValue(size);
    m_updating = false;
}

void BrushPanel::showSettings()
{
    m_updating = true;
    for (const auto& p : core::kBrushParameters)
        m_spins.value(QString::fromLatin1(p.key))->setValue(m_current.*(p.field));
    m_pressureSize->setCurve(m_current.pressureSize);
    m_pressureOpacity->setCurve(m_current.pressureOpacity);
    m_updating = false;
}

} // namespace ganvas::ui
