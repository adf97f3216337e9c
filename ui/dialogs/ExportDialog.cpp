// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/ExportDialog.h"

#include "core/document/Document.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

#include <cmath>

namespace ganvas::ui {

ExportDialog::ExportDialog(QSize canvas, const QString& suggestedPath, QWidget* parent) : QDialog(parent), m_canvas(canvas)
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
    });
    connect(m_width, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_updating)
            return;
        m_updating = true;
        m_height->setValue(qMax(1, qRound(double(v) * m_canvas.height() / m_canvas.width())));
        m_scale->setValue(qRound(100.0 * v / m_canvas.width()));
        m_updating = false;
    });
    connect(m_height, &QSpinBox::valueChanged, this, [this](int v) {
        if (m_updating)
            return;
        m_updating = true;
        m_width->setValue(qMax(1, qRound(double(v) * m_canvas.width() / m_canvas.height())));
        m_scale->setValue(qRound(100.0 * v / m_canvas.height()));
        m_updating = false;
    });

    auto* form = new QFormLayout(this);
    form->addRow(tr("File"), pathRow);
    form->addRow(tr("Scale"), m_scale);
    form->addRow(tr("Width"), m_width);
    form->addRow(tr("Height"), m_height);
    form->addRow(tr("Quality"), m_quality);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
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
