// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/ColourPanel.h"

#include <QColorDialog>
#include <QHBoxLayout>
#include <QToolButton>
#include <QVBoxLayout>

namespace ganvas::ui {

namespace {
QString swatchStyle(const QColor& c)
{
    return QStringLiteral("QToolButton { background: %1; border: 1px solid palette(shadow); }").arg(c.name());
}
} // namespace

ColourPanel::ColourPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("colourPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);

    auto* swatches = new QHBoxLayout;
    m_fgButton = new QToolButton(this);
    m_fgButton->setObjectName(QStringLiteral("foreground"));
    m_fgButton->setFixedSize(32, 32);
    m_fgButton->setToolTip(tr("Foreground colour"));
    m_bgButton = new QToolButton(this);
    m_bgButton->setObjectName(QStringLiteral("background"));
    m_bgButton->setFixedSize(24, 24);
    m_bgButton->setToolTip(tr("Background colour"));
    auto* swapButton = new QToolButton(this);
    swapButton->setObjectName(QStringLiteral("swapColours"));
    swapButton->setText(QStringLiteral("⇄"));
    swapButton->setToolTip(tr("Swap foreground and background (X)"));
    connect(swapButton, &QToolButton::clicked, this, &ColourPanel::swap);
    swatches->addWidget(m_fgButton);
    swatches->addWidget(m_bgButton);
    swatches->addWidget(swapButton);
    swatches->addStretch(1);
    layout->addLayout(swatches);

    m_picker = new QColorDialog(this);
    m_picker->setObjectName(QStringLiteral("colourPicker"));
    m_picker->setWindowFlags(Qt::Widget);
    m_picker->setOptions(QColorDialog::NoButtons | QColorDialog::DontUseNativeDialog);
    layout->addWidget(m_picker);
    connect(m_picker, &QColorDialog::currentColorChanged, this, [this](const QColor& c) {
        if (!m_updating)
            setForeground(c);
    });

    m_recentRow = new QHBoxLayout;
    m_recentRow->setSpacing(2);
    layout->addLayout(m_recentRow);
    layout->addStretch(1);
    refreshSwatches();
}

void ColourPanel::setForeground(const QColor& colour)
{
    if (!colour.isValid() || colour == m_foreground)
        return;
    m_foreground = colour;
    refreshSwatches();
    Q_EMIT foregroundChanged(colour);
}

void ColourPanel::setBackground(const QColor& colour)
{
    m_background = colour;
    refreshSwatches();
}

void ColourPanel::swap()
{
    std::swap(m_foreground, m_background);
    refreshSwatches();
    Q_EMIT foregroundChanged(m_foreground);
}

void ColourPanel::resetColours()
{
    m_background = Qt::white;
    m_foreground = Qt::black;
    refreshSwatches();
    Q_EMIT foregroundChanged(m_foreground);
}

void ColourPanel::addRecent(const QColor& colour)
{
    m_recent.removeAll(colour);
    m_recent.prepend(colour);
    if (m_recent.size() > kMaxRecent)
        m_recent.resize(kMaxRecent);
    while (QLayoutItem* item = m_recentRow->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const QColor& c : std::as_const(m_recent)) {
        auto* b = new QToolButton(this);
        b->setFixedSize(18, 18);
        b->setStyleSheet(swatchStyle(c));
        b->setToolTip(c.name());
        connect(b, &QToolButton::clicked, this, [this, c] { setForeground(c); });
        m_recentRow->addWidget(b);
    }
    m_recentRow->addStretch(1);
}

void ColourPanel::refreshSwatches()
{
    m_fgButton->setStyleSheet(swatchStyle(m_foreground));
    m_bgButton->setStyleSheet(swatchStyle(m_background));
    m_updating = true;
    m_picker->setCurrentColor(m_foreground);
    m_updating = false;
}

} // namespace ganvas::ui
