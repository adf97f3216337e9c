// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/StyleGalleryPanel.h"

#include "core/document/Document.h"
#include "core/settings/ComputeSettings.h"
#include "ui/dialogs/MemoryPreflightDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cstring>

namespace ganvas::ui {

namespace {

constexpr int kThumb = 88;
constexpr int kPreviewSide = 256;

/// The style's own thumbnail (or picture), or @p shown when given (the canvas in that style).
QIcon thumbnailIcon(const core::ModelEntry& style, const QImage& shown = {})
{
    QImage image = shown;
    if (image.isNull() && !style.thumbnail.isEmpty())
        image.load(style.thumbnail);
    if (image.isNull() && !style.styleImage.isEmpty())
        image.load(style.styleImage);
    QPixmap pixmap(kThumb, kThumb);
    pixmap.fill(QColor(60, 60, 60));
    QPainter p(&pixmap);
    if (!image.isNull()) {
        const QImage scaled = image.scaled(kThumb, kThumb, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
        p.drawImage(0, 0, scaled, (scaled.width() - kThumb) / 2, (scaled.height() - kThumb) / 2, kThumb, kThumb);
    } else {
        p.setPen(Qt::white);
        p.drawText(pixmap.rect(), Qt::AlignCenter | Qt::TextWordWrap, style.name);
    }
    if (!style.isValid()) {
        p.fillRect(pixmap.rect(), QColor(120, 0, 0, 140));
        p.setPen(Qt::white);
        p.drawText(pixmap.rect(), Qt::AlignCenter, QStringLiteral("!"));
    }
    return QIcon(pixmap);
}

QString methodText(const core::ModelEntry& style)
{
    switch (core::defaultMethod(style)) {
    case core::StyleMethod::Network: return StyleGalleryPanel::tr("fast network");
    case core::StyleMethod::Classic: return StyleGalleryPanel::tr("classic filter (OpenCV)");
    default: return StyleGalleryPanel::tr("optimisation (Gatys)");
    }
}

/// @p area of the selection as a grey mask (white = selected), or null when nothing is selected.
QImage selectionMask(const core::Document& doc, const QRect& area)
{
    const auto& sel = doc.selection();
    if (sel.isEmpty())
        return {};
    const QImage a = sel.mask().copy(area); // Alpha8: coverage is the byte itself
    QImage grey(a.size(), QImage::Format_Grayscale8);
    for (int y = 0; y < a.height(); ++y)
        std::memcpy(grey.scanLine(y), a.constScanLine(y), static_cast<size_t>(a.width()));
    return grey;
}

} // namespace

core::JobId StyleGalleryPanel::submit(std::shared_ptr<engine::Job> job)
{
    // The panel hears its own jobs only, through their handles; the slots still tell its four
    // kinds of job apart by id.
    core::JobHandle* handle = m_runner->submit(std::move(job));
    const core::JobId id = handle->id();
    connect(handle, &core::JobHandle::preview, this,
            [this, id](const QImage& image, int pass) { onPreview(id, image, pass); });
    connect(handle, &core::JobHandle::finished, this, [this, id] { onFinished(id); });
    connect(handle, &core::JobHandle::failed, this, [this, id](const QString& message) { onFailed(id, message); });
    connect(handle, &core::JobHandle::cancelled, this, [this, id] { onCancelled(id); });
    return id;
}

StyleGalleryPanel::StyleGalleryPanel(core::JobRunner* runner, QWidget* parent) : QWidget(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("styleGallery"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    auto* top = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("styleSearch"));
    m_search->setPlaceholderText(tr("Search styles"));
    m_search->setClearButtonEnabled(true);
    m_category = new QComboBox(this);
    m_category->setObjectName(QStringLiteral("styleCategory"));
    top->addWidget(m_search, 1);
    top->addWidget(m_category);
    layout->addLayout(top);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("styleList"));
    m_list->setViewMode(QListView::IconMode);
    m_list->setIconSize(QSize(kThumb, kThumb));
    m_list->setGridSize(QSize(kThumb + 16, kThumb + 34));
    m_list->setResizeMode(QListView::Adjust);
    m_list->setMovement(QListView::Static);
    m_list->setWordWrap(true);
    m_list->setMouseTracking(true);
    m_list->setUniformItemSizes(true);
    m_list->setMinimumHeight(kThumb + 34 + 8);
    layout->addWidget(m_list, 2);
    m_empty = new QLabel(tr("No styles match."), this);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    layout->addWidget(m_empty);

    auto* tools = new QHBoxLayout;
    const auto tool = [this, tools](const QString& name, const QString& text, const QString& tip) {
        auto* b = new QToolButton(this);
        b->setObjectName(name);
        b->setText(text);
        b->setToolTip(tip);
        tools->addWidget(b);
        return b;
    };
    m_favourite = tool(QStringLiteral("styleFavourite"), QStringLiteral("★"), tr("Favourite: list this style first"));
    m_favourite->setCheckable(true);
    m_import = tool(QStringLiteral("styleImport"), tr("New from image…"), tr("Make a new style from a picture"));
    m_train = tool(QStringLiteral("styleTrain"), tr("Train…"),
                   tr("Train a fast network for the selected picture style (runs in the background)"));
    m_delete = tool(QStringLiteral("styleDelete"), tr("Delete"), tr("Delete the selected user style"));
    m_onCanvas = tool(QStringLiteral("styleOnCanvas"), tr("On my canvas"),
                      tr("Show each fast style on your canvas as its thumbnail (picture styles keep their picture)"));
    m_onCanvas->setCheckable(true);
    tools->addStretch(1);
    layout->addLayout(tools);

    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("stylePreview"));
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumSize(kPreviewSide * 3 / 4, kPreviewSide / 2);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setText(tr("Select a style to preview your canvas in it"));
    m_preview->setWordWrap(true);
    layout->addWidget(m_preview, 3);

    auto* form = new QFormLayout;
    auto* strengthRow = new QHBoxLayout;
    m_strength = new QSlider(Qt::Horizontal, this);
    m_strength->setObjectName(QStringLiteral("styleStrength"));
    m_strength->setRange(0, 100);
    m_strength->setValue(QSettings().value(QStringLiteral("styles/strength"), 100).toInt());
    m_strengthLabel = new QLabel(this);
    m_strengthLabel->setMinimumWidth(36);
    strengthRow->addWidget(m_strength, 1);
    strengthRow->addWidget(m_strengthLabel);
    form->addRow(tr("Strength"), strengthRow);
    m_colour = new QComboBox(this);
    m_colour->setObjectName(QStringLiteral("styleColour"));
    m_colour->addItem(tr("Style's colours"), QStringLiteral("style"));
    m_colour->addItem(tr("Keep my colours (luminance)"), QStringLiteral("luminance"));
    m_colour->addItem(tr("Keep my colours (histogram)"), QStringLiteral("histogram"));
    form->addRow(tr("Colours"), m_colour);
    m_method = new QComboBox(this);
    m_method->setObjectName(QStringLiteral("styleMethod"));
    m_method->addItem(tr("Fast"), QStringLiteral("auto"));
    m_method->addItem(tr("Fast, then refine"), QStringLiteral("refine"));
    m_method->addItem(tr("Optimise"), QStringLiteral("optimisation"));
    m_method->setToolTip(tr("Fast: the style's trained network, in a fraction of a second. Fast, then refine: its "
                            "result goes on the canvas at once and an optimisation against the style's picture "
                            "sharpens its marks in the background, streaming each pass (Accept now keeps what you "
                            "see). Optimise: the optimisation alone."));
    m_method->setCurrentIndex(std::max(
        0, m_method->findData(QSettings().value(QStringLiteral("styles/method"), QStringLiteral("refine")).toString())));
    form->addRow(tr("Method"), m_method);
    m_refine = new QComboBox(this);
    m_refine->setObjectName(QStringLiteral("styleRefinement"));
    m_refine->addItem(tr("Quick (seconds)"), QStringLiteral("quick"));
    m_refine->addItem(tr("Full (minutes, best)"), QStringLiteral("full"));
    m_refine->setToolTip(tr("Optimisation only. Quick spends its passes where they are cheap and reaches most of "
                            "the full result in a fraction of the time; both stream their passes onto the canvas."));
    form->addRow(tr("Optimisation"), m_refine);
    layout->addLayout(form);

    m_brush = new QCheckBox(tr("Style brush: start hidden, paint where it shows"), this);
    m_brush->setObjectName(QStringLiteral("styleBrush"));
    m_brush->setToolTip(tr("The styled layer gets an empty mask and the mask is selected for painting: "
                           "paint with white to bring the style in, black to take it out."));
    layout->addWidget(m_brush);

    m_live = new QCheckBox(tr("Live: show the canvas in this style while painting"), this);
    m_live->setObjectName(QStringLiteral("styleLive"));
    m_live->setToolTip(tr("Fast styles only. Each change is re-stylised shortly after the stroke ends; "
                          "nothing is added to the picture until you apply."));
    layout->addWidget(m_live);

    auto* buttons = new QHBoxLayout;
    m_apply = new QPushButton(tr("Apply as new layer"), this);
    m_apply->setObjectName(QStringLiteral("styleApply"));
    m_accept = new QPushButton(tr("Accept now"), this);
    m_accept->setObjectName(QStringLiteral("styleAccept"));
    m_accept->setToolTip(tr("Stop the optimisation and keep the image as it is now"));
    buttons->addWidget(m_apply, 1);
    buttons->addWidget(m_accept);
    layout->addLayout(buttons);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("styleStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(300);
    connect(&m_liveTimer, &QTimer::timeout, this, &StyleGalleryPanel::startLive);
    connect(m_live, &QCheckBox::toggled, this, &StyleGalleryPanel::setLive);
    m_previewTimer.setSingleShot(true);
    m_previewTimer.setInterval(250);
    connect(&m_previewTimer, &QTimer::timeout, this, &StyleGalleryPanel::startPreview);
    connect(m_search, &QLineEdit::textChanged, this, &StyleGalleryPanel::rebuildList);
    connect(m_category, &QComboBox::currentIndexChanged, this, &StyleGalleryPanel::rebuildList);
    connect(m_list, &QListWidget::currentItemChanged, this, [this] {
        m_hoverId.clear();
        updateButtons();
        schedulePreview();
        if (isLive()) {
            if (liveUsable()) {
                markLiveDirty(m_document ? m_document->rect() : QRect());
            } else {
                m_live->setChecked(false);
            }
        }
    });
    connect(m_list, &QListWidget::itemEntered, this, [this](QListWidgetItem* item) {
        m_hoverId = item->data(Qt::UserRole).toString();
        schedulePreview();
    });
    connect(m_strength, &QSlider::valueChanged, this, [this](int v) {
        m_strengthLabel->setText(tr("%1 %").arg(v));
        QSettings().setValue(QStringLiteral("styles/strength"), v);
        schedulePreview();
    });
    connect(m_colour, &QComboBox::currentIndexChanged, this, &StyleGalleryPanel::schedulePreview);
    connect(m_colour, &QComboBox::currentIndexChanged, this, [this] {
        if (isLive() && m_document)
            markLiveDirty(m_document->rect());
    });
    connect(m_strength, &QSlider::valueChanged, this, [this] {
        if (isLive() && m_document)
            markLiveDirty(m_document->rect());
    });
    connect(m_method, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue(QStringLiteral("styles/method"), m_method->currentData());
        updateButtons();
    });
    m_refine->setCurrentIndex(std::max(0, m_refine->findData(QSettings().value(QStringLiteral("styles/refinement")).toString())));
    connect(m_refine, &QComboBox::currentIndexChanged, this,
            [this] { QSettings().setValue(QStringLiteral("styles/refinement"), m_refine->currentData()); });
    connect(m_apply, &QPushButton::clicked, this, &StyleGalleryPanel::applySelected);
    connect(m_accept, &QPushButton::clicked, this, [this] {
        if (m_applyTask)
            m_applyTask->acceptNow();
    });
    connect(m_favourite, &QToolButton::clicked, this, &StyleGalleryPanel::toggleFavourite);
    connect(m_import, &QToolButton::clicked, this, &StyleGalleryPanel::importDialog);
    connect(m_train, &QToolButton::clicked, this, &StyleGalleryPanel::trainDialog);
    connect(m_onCanvas, &QToolButton::toggled, this, &StyleGalleryPanel::setCanvasThumbnails);
    connect(m_delete, &QToolButton::clicked, this, &StyleGalleryPanel::deleteSelected);

    m_strengthLabel->setText(tr("%1 %").arg(m_strength->value()));
    reload();
}

StyleGalleryPanel::~StyleGalleryPanel()
{
    if (!m_runner)
        return;
    if (m_previewJob)
        m_runner->cancel(m_previewJob);
    if (m_applyJob)
        m_runner->cancel(m_applyJob);
    if (m_liveJob)
        m_runner->cancel(m_liveJob);
}

void StyleGalleryPanel::setDocument(core::Document* document)
{
    if (m_applyJob && m_runner) {
        m_runner->cancel(m_applyJob);
        m_applyJob = 0;
        m_applyTask.reset();
    }
    m_live->setChecked(false);
    m_document = document;
    if (m_onCanvas->isChecked())
        renderCanvasThumbnails();
    if (m_document)
        connect(m_document, &core::Document::pixelsChanged, this, [this](const QRect& area) {
            if (!m_previewImage.isNull() || m_previewJob)
                schedulePreview();
            if (isLive())
                markLiveDirty(area);
        });
    updateButtons();
}

void StyleGalleryPanel::reload()
{
    m_library.scan();
    const QString current = m_category->currentData().toString();
    {
        const QSignalBlocker block(m_category);
        m_category->clear();
        m_category->addItem(tr("All styles"), QString());
        m_category->addItem(tr("★ Favourites"), QStringLiteral("__favourites__"));
        for (const QString& c : m_library.categories())
            m_category->addItem(c, c);
        const int index = m_category->findData(current);
        m_category->setCurrentIndex(index < 0 ? 0 : index);
    }
    rebuildList();
}

void StyleGalleryPanel::rebuildList()
{
    const QString keep = selectedId();
    const QString category = m_category->currentData().toString();
    const bool favourites = category == QLatin1String("__favourites__");
    const auto styles = m_library.filter(m_search->text().trimmed(), favourites ? QString() : category, favourites);
    const auto favs = core::StyleLibrary::favourites();
    const QSignalBlocker block(m_list);
    m_list->clear();
    for (const auto& s : styles) {
        auto* item = new QListWidgetItem(thumbnailIcon(s, m_canvasThumbs.value(s.id)),
                                         (favs.contains(s.id) ? QStringLiteral("★ ") : QString()) + s.name, m_list);
        item->setData(Qt::UserRole, s.id);
        QString tip = QStringLiteral("<b>%1</b><br>%2<br><i>%3</i>").arg(s.name.toHtmlEscaped(), methodText(s),
                                                                         s.category.toHtmlEscaped());
        if (!s.description.isEmpty())
            tip += QStringLiteral("<br>") + s.description.toHtmlEscaped();
        if (!s.isValid())
            tip += QStringLiteral("<br><span style='color:#c00'>%1</span>").arg(s.error.toHtmlEscaped());
        item->setToolTip(tip);
        if (s.id == keep)
            m_list->setCurrentItem(item);
    }
    m_empty->setVisible(styles.isEmpty());
    m_empty->setText(m_library.styles().isEmpty()
                         ? tr("No styles installed yet. Styles live in %1/styles; New from image… makes one from a picture.")
                               .arg(core::ModelCatalogue::userModelRoot())
                         : tr("No styles match."));
    updateButtons();
}

void StyleGalleryPanel::setCanvasThumbnails(bool on)
{
    if (m_onCanvas->isChecked() != on) {
        m_onCanvas->setChecked(on); // comes back here through toggled()
        return;
    }
    if (on) {
        renderCanvasThumbnails();
        return;
    }
    cancelCanvasThumbnails();
    m_canvasThumbs.clear();
    rebuildList();
}

void StyleGalleryPanel::cancelCanvasThumbnails()
{
    if (m_runner)
        for (auto it = m_thumbJobs.cbegin(); it != m_thumbJobs.cend(); ++it)
            m_runner->cancel(it.key());
    m_thumbJobs.clear();
}

void StyleGalleryPanel::renderCanvasThumbnails()
{
    cancelCanvasThumbnails();
    m_canvasThumbs.clear();
    rebuildList();
    if (!m_document || !m_runner)
        return;
    // One small job per fast style over a snapshot of the layers (tile handles: cheap here; the
    // compositing and scaling run on the worker). Picture styles would each need an optimisation.
    const auto layers = m_document->layers();
    for (const auto& style : m_library.styles()) {
        if (!style.isValid() || core::defaultMethod(style) == core::StyleMethod::Optimisation)
            continue;
        auto request = baseRequest(style);
        request.method = core::defaultMethod(style); // its network, whatever Method says for Apply
        request.layers = layers;
        request.area = m_document->rect();
        request.maxSide = 2 * kThumb;
        request.strength = 1.0;
        request.colour = QStringLiteral("style");
        request.transient = true;
        try {
            auto task = std::make_shared<core::StyleTask>(request);
            m_thumbJobs.insert(submit(task->job()), task);
        } catch (const std::exception& e) {
            setStatus(QString::fromStdString(e.what()));
        }
    }
}

int StyleGalleryPanel::styleCount() const
{
    return m_library.styles().size();
}

int StyleGalleryPanel::visibleCount() const
{
    return m_list->count();
}

QString StyleGalleryPanel::selectedId() const
{
    const auto* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void StyleGalleryPanel::selectStyle(const QString& id)
{
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toString() == id)
            m_list->setCurrentRow(i);
}

void StyleGalleryPanel::setSearchText(const QString& text)
{
    m_search->setText(text);
}

void StyleGalleryPanel::setStrength(int percent)
{
    m_strength->setValue(percent);
}

void StyleGalleryPanel::setStyleBrush(bool on)
{
    m_brush->setChecked(on);
}

const core::ModelEntry* StyleGalleryPanel::selectedStyle() const
{
    return m_library.find(selectedId());
}

void StyleGalleryPanel::updateButtons()
{
    const auto* style = selectedStyle();
    const bool usable = style && style->isValid();
    m_apply->setEnabled(usable && m_document && !m_applyJob);
    m_accept->setVisible(m_applyJob != 0 && m_applyTask &&
                         (m_applyTask->method() == core::StyleMethod::Optimisation || m_applyTask->request().refine));
    m_favourite->setEnabled(style != nullptr);
    m_favourite->setChecked(style && core::StyleLibrary::favourites().contains(style->id));
    m_delete->setEnabled(style && core::StyleLibrary::isUserStyle(*style));
    m_train->setEnabled(style && !style->styleImage.isEmpty() && core::StyleLibrary::isUserStyle(*style) &&
                        core::defaultMethod(*style) == core::StyleMethod::Optimisation);
    m_method->setEnabled(usable && !style->styleImage.isEmpty() && core::defaultMethod(*style) != core::StyleMethod::Optimisation);
    m_refine->setEnabled(usable && (core::defaultMethod(*style) == core::StyleMethod::Optimisation ||
                                    (m_method->isEnabled() && m_method->currentData().toString() != QLatin1String("auto"))));
    m_live->setEnabled(liveUsable() || isLive());
}

void StyleGalleryPanel::setMethod(const QString& method)
{
    const int index = m_method->findData(method);
    if (index >= 0)
        m_method->setCurrentIndex(index);
}

void StyleGalleryPanel::setStatus(const QString& text)
{
    m_status->setText(text);
    Q_EMIT statusMessage(text);
}

core::StyleRequest StyleGalleryPanel::baseRequest(const core::ModelEntry& style) const
{
    core::StyleRequest r;
    r.style = style;
    r.strength = m_strength->value() / 100.0;
    r.colour = m_colour->currentData().toString();
    if (m_method->isEnabled() && m_method->currentData().toString() == QLatin1String("optimisation"))
        r.method = core::StyleMethod::Optimisation;
    const auto compute = core::currentCompute();
    r.device = compute.device;
    r.precision = compute.precision;
    return r;
}

void StyleGalleryPanel::schedulePreview()
{
    if (isVisible() || m_previewJob)
        m_previewTimer.start();
}

void StyleGalleryPanel::startPreview()
{
    if (!m_document)
        return;
    const QString id = m_hoverId.isEmpty() ? selectedId() : m_hoverId;
    const auto* style = m_library.find(id);
    if (!style || !style->isValid())
        return;
    if (m_previewJob)
        m_runner->cancel(m_previewJob); // stale: a newer choice wins
    // The canvas (or the selected part of it) as the user sees it, small: a snapshot of the
    // layers (tile handles), composited and scaled down on the worker.
    auto request = baseRequest(*style);
    request.layers = m_document->layers();
    request.area = m_document->selection().bounds(m_document->size());
    request.maxSide = kPreviewSide;
    request.optimisation.iterations = 15;
    request.optimisation.startSide = 128;
    request.optimisation.maxWholeSide = kPreviewSide;
    request.optimisation.previewEvery = 5;
    request.transient = true;
    try {
        m_previewTask = std::make_shared<core::StyleTask>(request);
    } catch (const std::exception& e) {
        setStatus(QString::fromStdString(e.what()));
        return;
    }
    m_previewJob = submit(m_previewTask->job());
    setStatus(tr("Previewing %1…").arg(style->name));
}

bool StyleGalleryPanel::preflight(core::StyleRequest* request)
{
    // Memory pre-flight (docs/RELIABILITY.md): before anything is submitted, compare the job's
    // estimated peak with what the device has free, and offer what would make it fit.
    const auto estimate = core::estimateStyleMemory(*request);
    const int64_t available = core::availableMemory(request->device);
    if (core::fitsInMemory(estimate, available))
        return true;
    QVector<MemoryPreflightDialog::Option> options;
    const bool network = (request->method == core::StyleMethod::Auto ? core::defaultMethod(request->style)
                                                                     : request->method) == core::StyleMethod::Network;
    int tile = 0;
    if (network)
        for (int t : {1024, 768, 512, 256}) {
            auto smaller = *request;
            smaller.tileSize = t;
            if (t < request->tileSize && core::fitsInMemory(core::estimateStyleMemory(smaller), available)) {
                tile = t;
                break;
            }
        }
    if (tile > 0)
        options.push_back({QStringLiteral("tiles"), tr("Use smaller tiles"),
                           tr("Smaller tiles: %1 px instead of %2 px (a little slower).").arg(tile).arg(request->tileSize)});
    const QSize size = core::styleWorkSize(*request);
    const int side = std::max(size.width(), size.height());
    const double scale = core::scaleToFitMemory(
        [&](double s) {
            auto r = *request;
            r.maxSide = std::max(16, static_cast<int>(side * s));
            return core::estimateStyleMemory(r).bytes;
        },
        available);
    const int downSide = std::max(16, static_cast<int>(side * scale));
    if (scale > 0 && downSide < side)
        options.push_back({QStringLiteral("downscale"), tr("Downscale to fit"),
                           tr("Downscale: stylise at %1 % of the size and enlarge the result back (softer).")
                               .arg(qRound(100.0 * downSide / side))});
    if (request->device.startsWith(QLatin1String("cuda")) &&
        core::fitsInMemory(estimate, core::availableMemory(QStringLiteral("cpu"))))
        options.push_back({QStringLiteral("cpu"), tr("Switch to CPU"), tr("CPU: enough memory there, but slower.")});
    const QString choice = MemoryPreflightDialog::ask(this, tr("Apply style"), estimate, available, request->device, options);
    if (choice == QLatin1String("tiles")) {
        request->tileSize = tile;
    } else if (choice == QLatin1String("downscale")) {
        request->maxSide = downSide; // onFinished enlarges the result back to the area
    } else if (choice == QLatin1String("cpu")) {
        request->device = QStringLiteral("cpu");
    } else {
        setStatus(tr("Not applied: not enough memory. Nothing was changed."));
        return false;
    }
    return true;
}

bool StyleGalleryPanel::applySelected()
{
    const auto* style = selectedStyle();
    if (!m_document || !style) {
        setStatus(tr("Select a style first."));
        return false;
    }
    if (!style->isValid()) {
        setStatus(tr("'%1' cannot be used: %2").arg(style->name, style->error));
        return false;
    }
    if (m_applyJob) {
        setStatus(tr("A style is already being applied."));
        return false;
    }
    const int layer = m_document->currentLayer();
    // Only the selected part is stylised (and only its bounding box is processed); the pixels
    // are read from a snapshot of the layers on the worker.
    const QRect area = m_document->selection().bounds(m_document->size());
    auto request = baseRequest(*style);
    request.layers = m_document->layers();
    request.layer = layer;
    request.area = area;
    request.mask = selectionMask(*m_document, area);
    const auto method = request.method == core::StyleMethod::Auto ? core::defaultMethod(*style) : request.method;
    // Fast, then refine: the network's result comes onto the canvas at once (the job's first
    // preview) and the optimisation refines it from there.
    request.refine = method == core::StyleMethod::Network && m_method->isEnabled() &&
                     m_method->currentData().toString() == QLatin1String("refine");
    if ((method == core::StyleMethod::Optimisation || request.refine) &&
        m_refine->currentData().toString() == QLatin1String("quick"))
        request.optimisation = core::quickOptimisation();
    if (!preflight(&request))
        return false;
    try {
        m_applyTask = std::make_shared<core::StyleTask>(request);
    } catch (const std::exception& e) {
        setStatus(QString::fromStdString(e.what()));
        return false;
    }
    m_applyRect = area;
    m_applyLayer = layer;
    m_applyBrush = m_brush->isChecked();
    m_applyJob = submit(m_applyTask->job());
    setStatus(tr("Applying %1 to “%2”…").arg(style->name, m_document->layer(layer).name));
    updateButtons();
    return true;
}

void StyleGalleryPanel::onPreview(core::JobId id, const QImage& image, int pass)
{
    if (id != m_previewJob && id != m_applyJob)
        return;
    if (id == m_applyJob) {
        Q_EMIT applyPreview(image, m_applyRect);
        if (pass < 0 && m_applyTask) // StyleRequest::refine: the network's result, before the passes
            setStatus(tr("%1 is on the canvas; refining its marks in the background (Accept now keeps what you see)…")
                          .arg(m_applyTask->request().style.name));
    }
    m_preview->setPixmap(QPixmap::fromImage(
        image.scaled(m_preview->size().boundedTo(QSize(kPreviewSide, kPreviewSide)), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void StyleGalleryPanel::onFinished(core::JobId id)
{
    if (const auto task = m_thumbJobs.take(id)) {
        const QString styleId = task->request().style.id;
        m_canvasThumbs.insert(styleId, task->result());
        for (int i = 0; i < m_list->count(); ++i)
            if (auto* item = m_list->item(i); item->data(Qt::UserRole).toString() == styleId)
                item->setIcon(thumbnailIcon(task->request().style, task->result()));
        return;
    }
    if (id == m_previewJob) {
        m_previewImage = m_previewTask->result();
        m_preview->setPixmap(QPixmap::fromImage(m_previewImage.scaled(
            m_preview->size().boundedTo(QSize(kPreviewSide, kPreviewSide)), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        setStatus(tr("Preview: %1").arg(m_previewTask->request().style.name));
        m_previewJob = 0;
        m_previewTask.reset();
        Q_EMIT previewReady(m_previewImage);
        return;
    }
    if (id == m_applyJob) {
        Q_EMIT applyPreview(QImage(), QRect());
        if (isLive() && !m_liveImage.isNull() && m_document)
            Q_EMIT liveOverlay(m_liveImage, m_document->rect());
        const auto job = m_applyTask;
        m_applyJob = 0;
        m_applyTask.reset();
        updateButtons();
        if (!m_document || m_applyLayer >= m_document->layerCount())
            return;
        const auto& r = job->request();
        QImage full(m_document->size(), QImage::Format_ARGB32_Premultiplied);
        full.fill(Qt::transparent);
        {
            QPainter p(&full);
            p.setCompositionMode(QPainter::CompositionMode_Source);
            // A pre-flight "Downscale to fit" ran at a smaller size: enlarged back to the area.
            QImage result = job->result();
            if (result.size() != m_applyRect.size())
                result = result.scaled(m_applyRect.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
            p.drawImage(m_applyRect.topLeft(), result);
        }
        QImage mask;
        if (m_applyBrush) {
            mask = QImage(m_document->size(), QImage::Format_Grayscale8);
            mask.fill(0);
        }
        const QString name = tr("Style: %1 (%2 %)").arg(r.style.name).arg(qRound(r.strength * 100));
        QJsonObject provenance{{"style", r.style.id},
                               {"strength", r.strength},
                               {"colour", r.colour},
                               {"method", job->method() == core::StyleMethod::Network        ? "network"
                                          : job->method() == core::StyleMethod::Classic      ? "classic"
                                                                                             : "optimisation"},
                               {"source_layer", m_applyLayer}};
        if (job->method() == core::StyleMethod::Optimisation || r.refine)
            provenance[QStringLiteral("refinement")] = r.optimisation.passIterations.isEmpty() ? QStringLiteral("full")
                                                                                               : QStringLiteral("quick");
        if (r.refine)
            provenance[QStringLiteral("refined")] = true;
        m_document->setCurrentLayer(m_applyLayer);
        m_document->addResultLayer(name, full, mask, tr("Apply style %1").arg(r.style.name), provenance);
        QString added = m_applyBrush ? tr("%1 added, hidden: paint on its mask to bring the style in").arg(name)
                                     : tr("%1 added").arg(name);
        if (r.refine)
            added += r.optimisation.passIterations.isEmpty() ? tr(" (refined by full optimisation)")
                                                             : tr(" (refined by quick optimisation)");
        else if (job->method() == core::StyleMethod::Optimisation)
            added += r.optimisation.passIterations.isEmpty() ? tr(" (full optimisation)") : tr(" (quick optimisation)");
        setStatus(added);
        Q_EMIT applied(r.style.id, m_applyBrush);
        return;
    }
    if (id == m_liveJob) {
        const QImage result = m_liveTask->result();
        m_liveJob = 0;
        m_liveTask.reset();
        if (!isLive() || !m_document)
            return;
        if (m_liveImage.size() != m_document->size()) {
            m_liveImage = QImage(m_document->size(), QImage::Format_ARGB32_Premultiplied);
            m_liveImage.fill(Qt::transparent);
        }
        {
            QPainter p(&m_liveImage);
            p.setCompositionMode(QPainter::CompositionMode_Source);
            p.drawImage(m_liveRect.topLeft(), result);
        }
        Q_EMIT liveOverlay(m_liveImage, m_document->rect());
        if (!m_liveDirty.isEmpty())
            m_liveTimer.start();
        return;
    }
    if (m_training.contains(id)) {
        const QString folder = m_training.take(id);
        setStatus(tr("Training finished: %1 is now a fast style").arg(QFileInfo(folder).fileName()));
        reload();
    }
}

void StyleGalleryPanel::onFailed(core::JobId id, const QString& message)
{
    if (m_thumbJobs.remove(id))
        return; // that style keeps its own picture
    if (id == m_previewJob) {
        m_previewJob = 0;
        m_previewTask.reset();
        setStatus(tr("Preview failed: %1").arg(message));
    } else if (id == m_applyJob) {
        Q_EMIT applyPreview(QImage(), QRect());
        m_applyJob = 0;
        m_applyTask.reset();
        updateButtons();
        setStatus(tr("Applying the style failed: %1").arg(message));
        Q_EMIT applyFailed(message);
    } else if (id == m_liveJob) {
        m_liveJob = 0;
        m_liveTask.reset();
        m_live->setChecked(false);
        setStatus(tr("Live mode stopped: %1").arg(message));
    } else if (m_training.contains(id)) {
        m_training.remove(id);
        setStatus(tr("Training failed: %1").arg(message));
    }
}

void StyleGalleryPanel::onCancelled(core::JobId id)
{
    if (m_thumbJobs.remove(id))
        return;
    if (id == m_previewJob) {
        m_previewJob = 0;
        m_previewTask.reset();
    } else if (id == m_applyJob) {
        Q_EMIT applyPreview(QImage(), QRect());
        m_applyJob = 0;
        m_applyTask.reset();
        updateButtons();
        setStatus(tr("Style cancelled; nothing was changed."));
    } else if (id == m_liveJob) {
        // Superseded: what it covered is still dirty and goes into the next live job.
        m_liveJob = 0;
        m_liveTask.reset();
        if (isLive())
            m_liveTimer.start();
    } else if (m_training.contains(id)) {
        const QString folder = m_training.take(id);
        // Stopped while the photos were still being read: nothing was trained or kept.
        setStatus(core::hasStyleTrainingCheckpoint(folder)
                      ? tr("Training stopped; a checkpoint was kept: Train… again resumes it.")
                      : tr("Training stopped before its first checkpoint; nothing was changed."));
    }
}

void StyleGalleryPanel::toggleFavourite()
{
    const auto* style = selectedStyle();
    if (!style)
        return;
    core::StyleLibrary::setFavourite(style->id, m_favourite->isChecked());
    rebuildList();
}

QString StyleGalleryPanel::importStyle(const QString& path, const QString& name)
{
    QString error;
    const QString folder = core::StyleLibrary::importStyleImage(path, name, &error);
    if (folder.isEmpty()) {
        setStatus(tr("Import failed: %1").arg(error));
        return {};
    }
    // Show it: clear a search or category that would hide the new style.
    {
        const QSignalBlocker block(m_search);
        m_search->clear();
    }
    m_category->setCurrentIndex(0);
    reload();
    const QString id = core::ModelCatalogue::readEntry(folder).id;
    selectStyle(id);
    setStatus(tr("New style “%1”: applied by optimisation; Train… makes a fast version.").arg(id));
    return id;
}

void StyleGalleryPanel::importDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("New style from picture"), QString(),
                                                      tr("Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp)"));
    if (path.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New style"), tr("Name:"), QLineEdit::Normal,
                                               QFileInfo(path).completeBaseName(), &ok);
    if (ok)
        importStyle(path, name);
}

void StyleGalleryPanel::trainDialog()
{
    const auto* style = selectedStyle();
    if (!style || style->styleImage.isEmpty())
        return;
    QSettings settings;
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Photos to train on (any folder of pictures: more variety trains a better style)"),
        settings.value(QStringLiteral("styles/contentFolder")).toString());
    if (dir.isEmpty())
        return;
    settings.setValue(QStringLiteral("styles/contentFolder"), dir);
    const QString folder = style->folder;
    try {
        auto job = core::makeStyleTrainingJob(*style, dir, 300); // the shipped presets' length
        m_training.insert(submit(job), folder);
        setStatus(tr("Training “%1” in the background on the pictures in %2 (see Jobs).")
                      .arg(style->name, QDir::toNativeSeparators(dir)));
    } catch (const std::exception& e) {
        setStatus(tr("Cannot train: %1").arg(QString::fromStdString(e.what())));
    }
}

void StyleGalleryPanel::deleteSelected()
{
    const auto* style = selectedStyle();
    if (!style || !core::StyleLibrary::isUserStyle(*style))
        return;
    if (QMessageBox::question(this, tr("Delete style"), tr("Delete the style “%1” and its files?").arg(style->name)) !=
        QMessageBox::Yes)
        return;
    QString error;
    if (!core::StyleLibrary::deleteUserStyle(*style, &error))
        setStatus(error);
    reload();
}

bool StyleGalleryPanel::isLive() const
{
    return m_live->isChecked();
}

bool StyleGalleryPanel::liveUsable() const
{
    const auto* style = selectedStyle();
    return style && style->isValid() && core::defaultMethod(*style) != core::StyleMethod::Optimisation;
}

void StyleGalleryPanel::setLive(bool on)
{
    if (m_live->isChecked() != on) {
        m_live->setChecked(on); // comes back here through toggled()
        return;
    }
    if (on && (!m_document || !liveUsable())) {
        setStatus(tr("Live mode needs a fast style (a trained network or a classic look)."));
        m_live->setChecked(false);
        return;
    }
    if (!on) {
        m_liveTimer.stop();
        if (m_liveJob && m_runner)
            m_runner->cancel(m_liveJob);
        m_liveDirty = QRect();
        m_liveImage = QImage();
        Q_EMIT liveOverlay(QImage(), QRect());
        return;
    }
    markLiveDirty(m_document->rect());
}

void StyleGalleryPanel::markLiveDirty(const QRect& area)
{
    if (!m_document)
        return;
    m_liveDirty = m_liveDirty.united(area).intersected(m_document->rect());
    m_liveTimer.start(); // debounced: restarts while strokes keep coming
}

void StyleGalleryPanel::startLive()
{
    if (!isLive() || !m_document || m_liveDirty.isEmpty() || !m_runner)
        return;
    if (m_liveJob) {
        // Stale: fold what it covered back into the dirty area and start again with everything.
        m_liveDirty = m_liveDirty.united(m_liveRect);
        m_runner->cancel(m_liveJob);
        return; // its cancelled() restarts the timer
    }
    const auto* style = selectedStyle();
    if (!style)
        return;
    // Context around the change so the network sees the neighbourhood (no seams at the border).
    m_liveRect = m_liveDirty.adjusted(-48, -48, 48, 48).intersected(m_document->rect());
    m_liveDirty = QRect();
    auto request = baseRequest(*style);
    request.method = core::defaultMethod(*style);
    request.layers = m_document->layers();
    request.area = m_liveRect;
    request.transient = true;
    try {
        m_liveTask = std::make_shared<core::StyleTask>(request);
    } catch (const std::exception& e) {
        setStatus(QString::fromStdString(e.what()));
        m_live->setChecked(false);
        return;
    }
    m_liveJob = submit(m_liveTask->job());
}

} // namespace ganvas::ui
