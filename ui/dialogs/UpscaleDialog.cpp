// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/UpscaleDialog.h"

#include "core/document/Document.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QStandardItemModel>

namespace ganvas::ui {

QList<int> UpscaleDialog::scales()
{
    return {2, 3, 4, 8};
}

QStringList UpscaleDialog::variants()
{
    return {QStringLiteral("slim"), QStringLiteral("medium"), QStringLiteral("thick")};
}

QString UpscaleDialog::variantLabel(const QString& variant)
{
    if (variant == QLatin1String("slim"))
        return tr("Slim (fastest)");
    if (variant == QLatin1String("medium"))
        return tr("Medium");
    if (variant == QLatin1String("thick"))
        return tr("Thick (finest, slowest)");
    return variant;
}

core::ModelEntry UpscaleDialog::find(const QVector<core::ModelEntry>& upscalers, const QString& variant, int scale)
{
    const QString id = QStringLiteral("esrgan-%1-x%2").arg(variant).arg(scale);
    for (const auto& e : upscalers)
        if (e.id == id && e.isValid())
            return e;
    return {};
}

QStringList UpscaleDialog::installedVariants(const QVector<core::ModelEntry>& upscalers, int scale)
{
    QStringList out;
    for (const QString& v : variants())
        if (!find(upscalers, v, scale).id.isEmpty())
            out << v;
    return out;
}

void UpscaleDialog::fillVariants(QComboBox* combo, const QVector<core::ModelEntry>& upscalers, int scale)
{
    const QString keep = combo->currentData().toString();
    const QSignalBlocker block(combo);
    combo->clear();
    for (const QString& v : installedVariants(upscalers, scale)) {
        combo->addItem(variantLabel(v), v);
        combo->setItemData(combo->count() - 1, find(upscalers, v, scale).name, Qt::ToolTipRole);
    }
    const int index = combo->findData(keep);
    combo->setCurrentIndex(index >= 0 ? index : (combo->count() > 0 ? 0 : -1));
}

UpscaleDialog::UpscaleDialog(QSize canvas, const QVector<core::ModelEntry>& upscalers, QWidget* parent)
    : QDialog(parent), m_canvas(canvas), m_upscalers(upscalers)
{
    setObjectName(QStringLiteral("upscaleDialog"));
    setWindowTitle(tr("AI Upscale"));

    m_scale = new QComboBox(this);
    m_scale->setObjectName(QStringLiteral("upscaleScale"));
    auto* items = qobject_cast<QStandardItemModel*>(m_scale->model());
    int first = -1;
    for (int s : scales()) {
        m_scale->addItem(tr("%1×").arg(s), s);
        const int row = m_scale->count() - 1;
        QString why;
        if (installedVariants(upscalers, s).isEmpty())
            why = tr("No AI upscaler for %1× is installed. Run scripts/fetch-models.sh to install them.").arg(s);
        else if (qint64(canvas.width()) * s > core::Document::kMaxEdge ||
                 qint64(canvas.height()) * s > core::Document::kMaxEdge)
            why = tr("The result would be larger than %1 px on a side.").arg(core::Document::kMaxEdge);
        if (!why.isEmpty()) {
            if (items)
                items->item(row)->setEnabled(false);
            m_scale->setItemData(row, why, Qt::ToolTipRole);
        } else if (first < 0) {
            first = row;
        }
    }
    m_scale->setCurrentIndex(first >= 0 ? first : 0);

    m_model = new QComboBox(this);
    m_model->setObjectName(QStringLiteral("upscaleModel"));
    m_model->setToolTip(tr("Larger ESRGAN networks restore finer detail but take longer"));
    m_size = new QLabel(this);
    m_size->setObjectName(QStringLiteral("upscaleSize"));

    auto* note = new QLabel(tr("The whole picture, flattened, is enlarged into a new document; the current one is "
                               "left as it is."),
                            this);
    note->setWordWrap(true);

    auto* form = new QFormLayout(this);
    form->addRow(note);
    form->addRow(tr("Factor"), m_scale);
    form->addRow(tr("Model"), m_model);
    form->addRow(tr("Size"), m_size);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(tr("Upscale"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);

    connect(m_scale, &QComboBox::currentIndexChanged, this, &UpscaleDialog::update);
    connect(m_model, &QComboBox::currentIndexChanged, this, &UpscaleDialog::update);
    update();
}

void UpscaleDialog::update()
{
    const int s = m_scale->currentData().toInt();
    fillVariants(m_model, m_upscalers, s);
    const bool usable = !upscaler().id.isEmpty();
    m_size->setText(usable ? tr("%1 × %2 px → %3 × %4 px")
                                 .arg(m_canvas.width())
                                 .arg(m_canvas.height())
                                 .arg(qint64(m_canvas.width()) * s)
                                 .arg(qint64(m_canvas.height()) * s)
                           : m_scale->itemData(m_scale->currentIndex(), Qt::ToolTipRole).toString());
    m_ok->setEnabled(usable);
}

int UpscaleDialog::scale() const
{
    return upscaler().id.isEmpty() ? 0 : m_scale->currentData().toInt();
}

void UpscaleDialog::setScale(int scale)
{
    const int index = m_scale->findData(scale);
    if (index >= 0)
        m_scale->setCurrentIndex(index);
}

QString UpscaleDialog::variant() const
{
    return m_model->currentData().toString();
}

core::ModelEntry UpscaleDialog::upscaler() const
{
    const int s = m_scale->currentData().toInt();
    const auto* items = qobject_cast<const QStandardItemModel*>(m_scale->model());
    if (items && !items->item(m_scale->currentIndex())->isEnabled())
        return {};
    return find(m_upscalers, variant(), s);
}

} // namespace ganvas::ui
