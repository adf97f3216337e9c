// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/LayersPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QListWidget>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

namespace ganvas::ui {

template <typename F>
void LayersPanel::later(F op)
{
    QMetaObject::invokeMethod(this, [doc = m_document, op] {
        if (doc)
            op(doc.data());
    }, Qt::QueuedConnection);
}

LayersPanel::LayersPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("layersPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);

    auto* props = new QFormLayout;
    m_blend = new QComboBox(this);
    m_blend->setObjectName(QStringLiteral("blendMode"));
    for (core::BlendMode m : core::kAllBlendModes)
        m_blend->addItem(core::blendModeName(m), static_cast<int>(m));
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setObjectName(QStringLiteral("layerOpacity"));
    m_opacity->setRange(0, 100);
    m_lock = new QCheckBox(tr("Locked"), this);
    m_lock->setObjectName(QStringLiteral("layerLock"));
    props->addRow(tr("Blend"), m_blend);
    props->addRow(tr("Opacity"), m_opacity);
    m_editMask = new QCheckBox(tr("Edit mask"), this);
    m_editMask->setObjectName(QStringLiteral("editMask"));
    m_editMask->setToolTip(tr("Paint into the layer mask: white shows the layer, black and the eraser hide it"));
    connect(m_editMask, &QCheckBox::toggled, this, &LayersPanel::editMaskToggled);
    props->addRow(QString(), m_lock);
    props->addRow(QString(), m_editMask);
    layout->addLayout(props);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("layerList"));
    m_list->setIconSize(QSize(40, 40));
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    layout->addWidget(m_list);

    auto* buttons = new QHBoxLayout;
    const auto addButton = [&](const char* name, const QString& text, const QString& tip, auto op) {
        auto* b = new QToolButton(this);
        b->setObjectName(QString::fromLatin1(name));
        b->setText(text);
        b->setToolTip(tip);
        connect(b, &QToolButton::clicked, this, [this, op] {
            if (m_document)
                later(op);
        });
        buttons->addWidget(b);
    };
    addButton("addLayer", QStringLiteral("+"), tr("New layer"), [](core::Document* d) { d->addLayer(tr("Layer %1").arg(d->layerCount() + 1)); });
    addButton("duplicateLayer", tr("Dup"), tr("Duplicate layer"), [](core::Document* d) { d->duplicateLayer(d->currentLayer()); });
    addButton("deleteLayer", QStringLiteral("−"), tr("Delete layer"), [](core::Document* d) { d->removeLayer(d->currentLayer()); });
    addButton("raiseLayer", QStringLiteral("▲"), tr("Move layer up"), [](core::Document* d) {
        if (d->currentLayer() + 1 < d->layerCount())
            d->moveLayer(d->currentLayer(), d->currentLayer() + 1);
    });
    addButton("lowerLayer", QStringLiteral("▼"), tr("Move layer down"), [](core::Document* d) {
        if (d->currentLayer() > 0)
            d->moveLayer(d->currentLayer(), d->currentLayer() - 1);
    });
    addButton("mergeDown", QStringLiteral("⤓"), tr("Merge down"), [](core::Document* d) { d->mergeDown(d->currentLayer()); });
    addButton("flatten", QStringLiteral("▤"), tr("Flatten image"), [](core::Document* d) { d->flatten(); });
    addButton("toggleMask", QStringLiteral("◐"), tr("Add or remove a layer mask"), [](core::Document* d) {
        const int i = d->currentLayer();
        d->layer(i).hasMask ? d->removeLayerMask(i) : d->addLayerMask(i);
    });
    buttons->addStretch(1);
    layout->addLayout(buttons);

    connect(m_list, &QListWidget::itemChanged, this, &LayersPanel::itemChanged);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (m_rebuilding || !m_document || row < 0)
            return;
        m_document->setCurrentLayer(m_document->layerCount() - 1 - row);
        showCurrentProperties();
    });
    connect(m_blend, &QComboBox::activated, this, [this](int i) {
        const auto mode = static_cast<core::BlendMode>(m_blend->itemData(i).toInt());
        later([mode](core::Document* d) { d->setLayerBlendMode(d->currentLayer(), mode); });
    });
    // One undo step per drag, not per pixel of slider travel.
    const auto commitOpacity = [this] {
        const double v = m_opacity->value() / 100.0;
        later([v](core::Document* d) { d->setLayerOpacity(d->currentLayer(), v); });
    };
    connect(m_opacity, &QSlider::sliderReleased, this, commitOpacity);
    connect(m_opacity, &QSlider::valueChanged, this, [this, commitOpacity] {
        if (!m_rebuilding && !m_opacity->isSliderDown())
            commitOpacity();
    });
    connect(m_lock, &QCheckBox::clicked, this, [this](bool locked) {
        later([locked](core::Document* d) { d->setLayerLocked(d->currentLayer(), locked); });
    });
}

bool LayersPanel::isEditingMask() const
{
    return m_editMask->isChecked();
}

QToolButton* LayersPanel::button(const QString& objectName) const
{
    return findChild<QToolButton*>(objectName);
}

void LayersPanel::setDocument(core::Document* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    if (m_document) {
        connect(m_document, &core::Document::layersChanged, this, &LayersPanel::rebuild);
        connect(m_document, &core::Document::currentLayerChanged, this, &LayersPanel::rebuild);
    }
    rebuild();
}

int LayersPanel::currentIndex() const
{
    return m_document ? m_document->currentLayer() : -1;
}

void LayersPanel::rebuild()
{
    m_rebuilding = true;
    m_list->clear();
    if (m_document) {
        for (int i = m_document->layerCount() - 1; i >= 0; --i) {
            const auto& layer = m_document->layer(i);
            auto* item = new QListWidgetItem(layer.name, m_list);
            item->setData(Qt::UserRole, i);
            item->setFlags(item->flags() | Qt::ItemIsUserCheckable | Qt::ItemIsEditable);
            item->setCheckState(layer.visible ? Qt::Checked : Qt::Unchecked);
            item->setIcon(QIcon(QPixmap::fromImage(layer.pixels.thumbnail(40))));
            QString tip = tr("%1 — %2, %3 % opacity").arg(layer.name, core::blendModeName(layer.blend)).arg(qRound(layer.opacity * 100));
            if (layer.locked)
                tip += tr(", locked");
            if (layer.hasMask)
                tip += tr(", has a mask");
            item->setToolTip(tip);
        }
        m_list->setCurrentRow(m_document->layerCount() - 1 - m_document->currentLayer());
    }
    showCurrentProperties();
    m_rebuilding = false;
}

void LayersPanel::showCurrentProperties()
{
    const bool had = m_rebuilding;
    m_rebuilding = true;
    const bool ok = m_document && currentIndex() >= 0;
    for (QWidget* w : std::initializer_list<QWidget*>{m_blend, m_opacity, m_lock})
        w->setEnabled(ok);
    if (ok) {
        const auto& layer = m_document->layer(currentIndex());
        m_blend->setCurrentIndex(m_blend->findData(static_cast<int>(layer.blend)));
        m_opacity->setValue(qRound(layer.opacity * 100));
        m_lock->setChecked(layer.locked);
    }
    const bool hasMask = ok && m_document->layer(currentIndex()).hasMask;
    m_editMask->setEnabled(hasMask);
    if (!hasMask && m_editMask->isChecked())
        m_editMask->setChecked(false); // emits: the canvas stops painting into a mask that is gone
    m_rebuilding = had;
}

void LayersPanel::itemChanged(QListWidgetItem* item)
{
    if (m_rebuilding || !m_document)
        return;
    const int index = item->data(Qt::UserRole).toInt();
    const bool visible = item->checkState() == Qt::Checked;
    const QString name = item->text();
    later([index, visible, name](core::Document* d) {
        if (index >= d->layerCount())
            return;
        if (d->layer(index).visible != visible)
            d->setLayerVisible(index, visible);
        if (d->layer(index).name != name)
            d->renameLayer(index, name);
    });
}

void LayersPanel::setEditingMask(bool editing)
{
    m_editMask->setChecked(editing);
}

} // namespace ganvas::ui
