// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/panels/LatentStudioPanel.h"

#include "core/document/Document.h"
#include "core/settings/ComputeSettings.h"
#include "core/upscale/UpscaleTask.h"
#include "ui/dialogs/GanTrainDialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cstring>

namespace ganvas::ui {

namespace {

constexpr int kPreviewSide = 256;
constexpr int kHistoryIcon = 64;
constexpr int kChildIcon = 64;
constexpr int kStripSide = 28;
constexpr int kDirectionsShown = 12;
constexpr int kMaxHistory = 200;
constexpr int kMaxProjectionSide = 512;
const QString kMainTag = QStringLiteral("main");
const QString kChildrenTag = QStringLiteral("children");

/// A number from config.json's "evaluation": the first of @p keys present; an object gives its
/// "mean" (the SWD is stored per level with a mean).
double evaluationFigure(const QJsonObject& evaluation, std::initializer_list<const char*> keys, bool* found)
{
    for (const char* key : keys) {
        const QJsonValue v = evaluation.value(QLatin1String(key));
        if (v.isDouble()) {
            *found = true;
            return v.toDouble();
        }
        if (v.isObject() && v.toObject().value(QLatin1String("mean")).isDouble()) {
            *found = true;
            return v.toObject().value(QLatin1String("mean")).toDouble();
        }
    }
    *found = false;
    return 0;
}

QImage placeholder(int side)
{
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(QColor(60, 60, 60));
    return image;
}

/// Alpha8 selection coverage as a grey mask (white = selected), the document's size.
QImage greyMask(const QImage& alpha)
{
    QImage grey(alpha.size(), QImage::Format_Grayscale8);
    for (int y = 0; y < alpha.height(); ++y)
        std::memcpy(grey.scanLine(y), alpha.constScanLine(y), static_cast<size_t>(alpha.width()));
    return grey;
}

bool allZero(const QVector<double>& values)
{
    return std::all_of(values.begin(), values.end(), [](double v) { return v == 0.0; });
}

} // namespace

LatentStudioPanel::LatentStudioPanel(core::JobRunner* runner, QWidget* parent)
    : QWidget(parent), m_runner(runner), m_renderer(new core::LatentRenderer(runner, this))
{
    Q_ASSERT(runner);
    setObjectName(QStringLiteral("latentStudio"));
    buildUi();

    connect(m_renderer, &core::LatentRenderer::rendered, this, &LatentStudioPanel::onRendered);
    connect(m_renderer, &core::LatentRenderer::failed, this, &LatentStudioPanel::onRenderFailed);
    // A slider moved by keyboard or code settles once it has been still for a moment; a mouse
    // drag settles on release.
    m_settleTimer.setSingleShot(true);
    m_settleTimer.setInterval(400);
    connect(&m_settleTimer, &QTimer::timeout, this, &LatentStudioPanel::settle);
    // The direction strips follow the main result lazily: not during a drag.
    m_stripTimer.setSingleShot(true);
    m_stripTimer.setInterval(200);
    connect(&m_stripTimer, &QTimer::timeout, this, &LatentStudioPanel::renderStrips);

    setGenerators({});
}

LatentStudioPanel::~LatentStudioPanel()
{
    if (m_projectionJob && m_runner)
        m_runner->cancel(m_projectionJob);
    if (m_placeJob && m_runner) {
        // The job writes into the task's image until it stops: the connection, which lives as long
        // as the job's handle, keeps the task alive until then.
        if (core::JobHandle* job = m_runner->handle(m_placeJob))
            connect(job, &core::JobHandle::ended, job, [task = m_placeTask] { Q_UNUSED(task); });
        m_runner->cancel(m_placeJob);
    }
}

void LatentStudioPanel::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    m_generator = new QComboBox(this);
    m_generator->setObjectName(QStringLiteral("latentGenerator"));
    m_generator->setToolTip(tr("The generator (GAN) whose latent space you explore"));
    layout->addWidget(m_generator);
    m_info = new QLabel(this);
    m_info->setObjectName(QStringLiteral("latentInfo"));
    m_info->setWordWrap(true);
    layout->addWidget(m_info);

    m_empty = new QLabel(
        tr("No generators installed yet.\n\nGenerators live in folders under %1/generators (or the bundled resources).")
            .arg(core::ModelCatalogue::userModelRoot()),
        this);
    m_empty->setObjectName(QStringLiteral("emptyState"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_empty);

    m_content = new QWidget(this);
    auto* content = new QVBoxLayout(m_content);
    content->setContentsMargins(0, 0, 0, 0);
    content->setSpacing(4);
    layout->addWidget(m_content);

    // ---- main preview, seed, truncation ---------------------------------------------------
    m_preview = new QLabel(m_content);
    m_preview->setObjectName(QStringLiteral("latentPreview"));
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setMinimumSize(128, 128);
    m_preview->setMaximumHeight(kPreviewSide + 4);
    m_preview->setFrameShape(QFrame::StyledPanel);
    content->addWidget(m_preview);

    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(new QLabel(tr("Seed"), m_content));
    m_seedSpin = new QSpinBox(m_content);
    m_seedSpin->setObjectName(QStringLiteral("latentSeed"));
    m_seedSpin->setRange(0, INT_MAX);
    m_seedSpin->setKeyboardTracking(false); // one image per typed number, not per digit
    m_seedSpin->setToolTip(tr("The same seed always gives the same image (as `ganvas-cli sample --seed`)"));
    seedRow->addWidget(m_seedSpin, 1);
    m_randomise = new QPushButton(tr("Randomise"), m_content);
    m_randomise->setObjectName(QStringLiteral("latentRandomise"));
    m_randomise->setToolTip(tr("A new random seed; locked directions keep their values"));
    seedRow->addWidget(m_randomise);
    content->addLayout(seedRow);

    auto* truncRow = new QHBoxLayout;
    auto* truncText = new QLabel(tr("Truncation"), m_content);
    truncText->setToolTip(tr("Lower values give more typical, less varied images (the truncation trick)"));
    truncRow->addWidget(truncText);
    m_truncation = new QSlider(Qt::Horizontal, m_content);
    m_truncation->setObjectName(QStringLiteral("latentTruncation"));
    m_truncation->setRange(10, 100);
    m_truncation->setValue(80);
    m_truncation->setToolTip(truncText->toolTip());
    truncRow->addWidget(m_truncation, 1);
    m_truncationLabel = new QLabel(m_content);
    m_truncationLabel->setMinimumWidth(32);
    truncRow->addWidget(m_truncationLabel);
    content->addLayout(truncRow);

    // ---- directions -----------------------------------------------------------------------
    m_directionBox = new QGroupBox(tr("Directions"), m_content);
    m_directionBox->setObjectName(QStringLiteral("latentDirections"));
    m_directionBox->setToolTip(tr("Principal directions of the generator's early features (GANSpace): each "
                                  "slider moves the image along one, in standard deviations. A locked slider "
                                  "keeps its value when the seed changes."));
    auto* dirLayout = new QVBoxLayout(m_directionBox);
    dirLayout->setContentsMargins(4, 4, 4, 4);
    m_directionGrid = new QGridLayout;
    m_directionGrid->setHorizontalSpacing(4);
    m_directionGrid->setVerticalSpacing(1);
    dirLayout->addLayout(m_directionGrid);
    m_more = new QToolButton(m_directionBox);
    m_more->setObjectName(QStringLiteral("latentMoreDirections"));
    m_more->setText(tr("More…"));
    m_more->setToolTip(tr("Show every direction"));
    dirLayout->addWidget(m_more, 0, Qt::AlignLeft);
    content->addWidget(m_directionBox);

    // ---- history ------------------------------------------------------------------------------
    auto* historyBox = new QGroupBox(tr("History"), m_content);
    auto* historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(4, 4, 4, 4);
    m_historyList = new QListWidget(historyBox);
    m_historyList->setObjectName(QStringLiteral("latentHistory"));
    m_historyList->setViewMode(QListView::IconMode);
    m_historyList->setFlow(QListView::LeftToRight);
    m_historyList->setWrapping(false);
    m_historyList->setMovement(QListView::Static);
    m_historyList->setIconSize(QSize(kHistoryIcon, kHistoryIcon));
    m_historyList->setGridSize(QSize(kHistoryIcon + 8, kHistoryIcon + 22));
    m_historyList->setFixedHeight(kHistoryIcon + 22 + m_historyList->horizontalScrollBar()->sizeHint().height() + 8);
    m_historyList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_historyList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    m_historyList->setToolTip(tr("Every settled result. Click one to go back to it; Ctrl+click two to breed them."));
    historyLayout->addWidget(m_historyList);
    content->addWidget(historyBox);

    // ---- blend and breed ------------------------------------------------------------------------
    auto* mixBox = new QGroupBox(tr("Blend and breed"), m_content);
    auto* mix = new QVBoxLayout(mixBox);
    mix->setContentsMargins(4, 4, 4, 4);
    auto* blendRow = new QHBoxLayout;
    m_setA = new QPushButton(tr("A"), mixBox);
    m_setA->setObjectName(QStringLiteral("latentSetA"));
    m_setA->setToolTip(tr("Use the current image as one end of the blend"));
    m_setB = new QPushButton(tr("B"), mixBox);
    m_setB->setObjectName(QStringLiteral("latentSetB"));
    m_setB->setToolTip(tr("Use the current image as the other end of the blend"));
    for (auto* b : {m_setA, m_setB})
        b->setMaximumWidth(40);
    m_blend = new QSlider(Qt::Horizontal, mixBox);
    m_blend->setObjectName(QStringLiteral("latentBlend"));
    m_blend->setRange(0, 100);
    m_blend->setToolTip(tr("Blend from A to B (spherical interpolation of the latents)"));
    blendRow->addWidget(m_setA);
    blendRow->addWidget(m_blend, 1);
    blendRow->addWidget(m_setB);
    mix->addLayout(blendRow);

    auto* breedRow = new QHBoxLayout;
    m_breed = new QPushButton(tr("Breed"), mixBox);
    m_breed->setObjectName(QStringLiteral("latentBreed"));
    m_breed->setToolTip(tr("Select two history items (Ctrl+click), then breed nine children from them"));
    breedRow->addWidget(m_breed);
    auto* mutationText = new QLabel(tr("Mutation"), mixBox);
    breedRow->addWidget(mutationText);
    m_mutation = new QSlider(Qt::Horizontal, mixBox);
    m_mutation->setObjectName(QStringLiteral("latentMutation"));
    m_mutation->setRange(0, 100);
    m_mutation->setValue(30);
    m_mutation->setToolTip(tr("How far the children wander from their parents"));
    breedRow->addWidget(m_mutation, 1);
    m_mutationLabel = new QLabel(mixBox);
    m_mutationLabel->setMinimumWidth(28);
    breedRow->addWidget(m_mutationLabel);
    mix->addLayout(breedRow);

    m_childList = new QListWidget(mixBox);
    m_childList->setObjectName(QStringLiteral("latentChildren"));
    m_childList->setViewMode(QListView::IconMode);
    m_childList->setFlow(QListView::LeftToRight);
    m_childList->setWrapping(true);
    m_childList->setMovement(QListView::Static);
    m_childList->setResizeMode(QListView::Adjust);
    m_childList->setIconSize(QSize(kChildIcon, kChildIcon));
    m_childList->setGridSize(QSize(kChildIcon + 6, kChildIcon + 6));
    m_childList->setSpacing(0);
    m_childList->setFixedSize(3 * (kChildIcon + 6) + 8, 3 * (kChildIcon + 6) + 8);
    m_childList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_childList->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_childList->setToolTip(tr("Click a child to continue from it"));
    m_childList->hide();
    mix->addWidget(m_childList, 0, Qt::AlignHCenter);
    content->addWidget(mixBox);

    // ---- canvas ---------------------------------------------------------------------------------
    auto* canvasBox = new QGroupBox(tr("Canvas"), m_content);
    auto* canvas = new QVBoxLayout(canvasBox);
    canvas->setContentsMargins(4, 4, 4, 4);
    auto* projectRow = new QHBoxLayout;
    m_project = new QPushButton(tr("Project canvas"), canvasBox);
    m_project->setObjectName(QStringLiteral("latentProject"));
    m_project->setToolTip(tr("Find the generator's closest image to the selection (or the whole canvas), "
                             "then edit it with the sliders"));
    m_cancelProject = new QPushButton(tr("Cancel"), canvasBox);
    m_cancelProject->setObjectName(QStringLiteral("latentCancelProjection"));
    m_cancelProject->hide();
    projectRow->addWidget(m_project, 1);
    projectRow->addWidget(m_cancelProject);
    canvas->addLayout(projectRow);
    auto* placeRow = new QHBoxLayout;
    m_place = new QPushButton(tr("Place on canvas"), canvasBox);
    m_place->setObjectName(QStringLiteral("latentPlace"));
    m_place->setToolTip(tr("Adds the current image as a new layer, enlarged: centred in the selection (filling "
                           "its bounding box) or in the canvas. From twice the generator's size on, an installed "
                           "ESRGAN upscaler enlarges it (in the background), otherwise Lanczos resampling."));
    m_placeSize = new QSpinBox(canvasBox);
    m_placeSize->setObjectName(QStringLiteral("latentPlaceSize"));
    m_placeSize->setRange(16, 4096);
    m_placeSize->setValue(256);
    m_placeSize->setSuffix(tr(" px"));
    m_placeSize->setToolTip(tr("Side of the placed image when nothing is selected"));
    placeRow->addWidget(m_place, 1);
    placeRow->addWidget(m_placeSize);
    canvas->addLayout(placeRow);
    content->addWidget(canvasBox);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("latentStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    m_train = new QPushButton(tr("Train…"), this);
    m_train->setObjectName(QStringLiteral("latentTrain"));
    m_train->setToolTip(tr("Train a new generator on a folder of your pictures (runs in the background)"));
    layout->addWidget(m_train, 0, Qt::AlignLeft);
    layout->addStretch(1);

    // ---- wiring ---------------------------------------------------------------------------------
    connect(m_generator, &QComboBox::activated, this, [this](int index) {
        selectGenerator(m_generator->itemData(index).toString());
    });
    connect(m_seedSpin, &QSpinBox::valueChanged, this, [this](int value) {
        if (m_model)
            setBaseFromSeed(value);
    });
    connect(m_randomise, &QPushButton::clicked, this, &LatentStudioPanel::randomise);
    connect(m_truncation, &QSlider::valueChanged, this, [this](int v) {
        m_truncationLabel->setText(QLocale().toString(v / 100.0, 'f', 2));
        if (!m_model)
            return;
        showCurrent();
        if (!m_truncation->isSliderDown())
            scheduleSettle();
    });
    m_truncationLabel->setText(QLocale().toString(m_truncation->value() / 100.0, 'f', 2));
    connect(m_truncation, &QSlider::sliderReleased, this, &LatentStudioPanel::settle);
    connect(m_more, &QToolButton::clicked, this, [this] {
        m_showAllDirections = !m_showAllDirections;
        rebuildDirections(false);
        scheduleStrips();
    });
    connect(m_historyList, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        if (m_historyList->selectedItems().size() == 1 && QApplication::keyboardModifiers() == Qt::NoModifier)
            restoreHistory(m_historyList->row(item));
    });
    connect(m_historyList, &QListWidget::itemSelectionChanged, this, &LatentStudioPanel::updateButtons);
    connect(m_setA, &QPushButton::clicked, this, &LatentStudioPanel::setEndpointA);
    connect(m_setB, &QPushButton::clicked, this, &LatentStudioPanel::setEndpointB);
    connect(m_blend, &QSlider::valueChanged, this, [this](int v) {
        if (m_endA.isEmpty() || m_endB.isEmpty() || !m_model)
            return;
        adoptLatent(core::interpolateLatents(m_endA, m_endB, v / 100.0), QStringLiteral("blend"), {});
        showCurrent();
        if (!m_blend->isSliderDown())
            scheduleSettle();
    });
    connect(m_blend, &QSlider::sliderReleased, this, &LatentStudioPanel::settle);
    connect(m_mutation, &QSlider::valueChanged, this,
            [this](int v) { m_mutationLabel->setText(QLocale().toString(v / 100.0, 'f', 2)); });
    m_mutationLabel->setText(QLocale().toString(m_mutation->value() / 100.0, 'f', 2));
    connect(m_breed, &QPushButton::clicked, this, &LatentStudioPanel::breedSelected);
    connect(m_childList, &QListWidget::itemClicked, this,
            [this](QListWidgetItem* item) { adoptChild(m_childList->row(item)); });
    connect(m_project, &QPushButton::clicked, this, &LatentStudioPanel::projectCanvas);
    connect(m_cancelProject, &QPushButton::clicked, this, &LatentStudioPanel::cancelProjection);
    connect(m_place, &QPushButton::clicked, this, [this] { placeOnCanvas(m_placeSize->value()); });
    connect(m_train, &QPushButton::clicked, this, &LatentStudioPanel::openTrainDialog);
}

// ---- generators ---------------------------------------------------------------------------------

void LatentStudioPanel::setDocument(core::Document* document)
{
    if (m_projectionJob && m_runner)
        m_runner->cancel(m_projectionJob); // it would project a canvas that is gone
    if (m_placeJob && m_runner && document != m_document)
        m_runner->cancel(m_placeJob); // it would place on a canvas that is gone
    m_document = document;
    updateButtons();
}

void LatentStudioPanel::setGenerators(const QVector<core::ModelEntry>& generators)
{
    m_generators = generators;
    const QString keep = m_modelId;
    {
        const QSignalBlocker block(m_generator);
        m_generator->clear();
        for (const auto& g : generators) {
            m_generator->addItem(g.name.isEmpty() ? g.id : g.name, g.id);
            const int row = m_generator->count() - 1;
            if (g.isValid()) {
                m_generator->setItemData(row, tr("%1\nLicence: %2\n%3").arg(g.name, g.license, g.folder),
                                         Qt::ToolTipRole);
            } else {
                m_generator->setItemData(row, tr("This generator cannot be used: %1").arg(g.error), Qt::ToolTipRole);
                m_generator->setItemData(row, 0, Qt::UserRole - 1); // disabled
            }
        }
    }
    const bool empty = generators.isEmpty();
    m_empty->setVisible(empty);
    m_generator->setVisible(!empty);
    m_info->setVisible(!empty);
    m_content->setVisible(!empty);

    int index = m_generator->findData(keep);
    if (index >= 0 && generators.at(index).isValid()) {
        m_generator->setCurrentIndex(index);
        return; // still loaded (or loading)
    }
    index = -1;
    for (int i = 0; i < generators.size(); ++i)
        if (generators.at(i).isValid()) {
            index = i;
            break;
        }
    if (index < 0) {
        ++m_generation;
        m_model.reset();
        m_modelId.clear();
        m_loading = false;
        m_info->setText(empty ? QString() : tr("No usable generator: hover over one to see why."));
        rebuildDirections();
        updateButtons();
        return;
    }
    selectGenerator(generators.at(index).id);
}

int LatentStudioPanel::generatorCount() const
{
    return m_generators.size();
}

QString LatentStudioPanel::currentGeneratorId() const
{
    return m_modelId;
}

bool LatentStudioPanel::selectGenerator(const QString& id)
{
    const auto it = std::find_if(m_generators.begin(), m_generators.end(),
                                 [&](const core::ModelEntry& e) { return e.id == id; });
    if (it == m_generators.end())
        return false;
    {
        const QSignalBlocker block(m_generator);
        m_generator->setCurrentIndex(m_generator->findData(id));
    }
    if (!it->isValid()) {
        setStatus(tr("'%1' cannot be used: %2").arg(it->name, it->error));
        return false;
    }
    if (id == m_modelId && (m_model || m_loading))
        return true;
    startLoad(*it);
    return true;
}

void LatentStudioPanel::startLoad(const core::ModelEntry& entry)
{
    if (m_projectionJob && m_runner)
        m_runner->cancel(m_projectionJob);
    const quint64 generation = ++m_generation;
    m_model.reset();
    m_modelId = entry.id;
    m_loading = true;
    m_image = QImage();
    m_imageLatent.clear();
    m_history.clear();
    m_historyList->clear();
    m_historyIconPending.clear();
    m_children.clear();
    m_childList->clear();
    m_childList->hide();
    m_endA.clear();
    m_endB.clear();
    m_nextHistoryId = 1;
    m_offsets.clear();
    m_strips.clear();
    m_base.clear();
    m_current.clear();
    m_preview->setPixmap(QPixmap());
    m_preview->setText(tr("Loading %1…").arg(entry.name));
    m_info->setText(QString());
    rebuildDirections();
    updateButtons();
    Q_EMIT historyChanged(0);

    // The bundled models load in well under a second, but computing missing directions takes
    // about one: a job of the runner keeps the window alive either way.
    auto load = std::make_shared<core::GeneratorLoad>();
    core::JobHandle* job = m_runner->submit(core::makeGeneratorLoadJob(entry.folder, entry.name, load));
    const QString id = entry.id;
    connect(job, &core::JobHandle::ended, this, [this, generation, id, load, job](core::JobState state) {
        onLoaded(generation, id, load->model, state == core::JobState::Cancelled ? tr("cancelled") : job->error());
    });
}

void LatentStudioPanel::onLoaded(quint64 generation, const QString& id, std::shared_ptr<core::GeneratorModel> model,
                                 const QString& error)
{
    if (generation != m_generation)
        return; // another generator was chosen meanwhile
    m_loading = false;
    if (!model) {
        m_modelId.clear();
        m_preview->setText(tr("Could not load the generator"));
        setStatus(tr("Could not load the generator: %1").arg(error));
        updateButtons();
        Q_EMIT generatorFailed(id, error);
        return;
    }
    m_model = std::move(model);
    m_offsets = QVector<double>(m_model->info().directionCount, 0.0);
    m_strips = QVector<QImage>(m_model->info().directionCount);
    rebuildDirections();
    updateInfo();
    updateButtons();
    setStatus(tr("%1 loaded").arg(m_model->info().name));
    setBaseFromSeed(m_seedSpin->value());
    Q_EMIT generatorReady(id);
}

void LatentStudioPanel::updateInfo()
{
    if (!m_model) {
        m_info->clear();
        return;
    }
    const auto& info = m_model->info();
    QStringList parts;
    parts << tr("%1 px").arg(info.resolution);
    bool found = false;
    const double swd = evaluationFigure(info.evaluation, {"swd_x1e3_mean", "swd_mean", "swd"}, &found);
    if (found)
        parts << tr("SWD %1").arg(QLocale().toString(swd, 'f', 1));
    const bool randomFeatures = !info.evaluation.value(QStringLiteral("feature_space")).toString().contains(
                                    QLatin1String("torchscript"));
    const double fid = evaluationFigure(info.evaluation, {"fid", "rf_fid"}, &found);
    if (found)
        parts << (randomFeatures ? tr("RF-FID %1") : tr("FID %1")).arg(QLocale().toString(fid, 'f', 1));
    const double diversity = evaluationFigure(info.evaluation, {"diversity_ms_ssim", "diversity"}, &found);
    if (found)
        parts << tr("diversity %1").arg(QLocale().toString(diversity, 'f', 2));
    m_info->setText(parts.join(QStringLiteral(" · ")));
    QString tip = tr("%1\nLatent size %2, %n direction(s)", nullptr, info.directionCount)
                      .arg(info.name)
                      .arg(info.latentDim);
    if (!info.license.isEmpty())
        tip += tr("\nLicence: %1").arg(info.license);
    if (!info.evaluation.isEmpty())
        tip += tr("\n\nSWD: sliced Wasserstein distance to the training images (×10³, lower is better).\n"
                  "RF-FID: Fréchet distance measured in a fixed random-feature network, not in Inception: "
                  "it is NOT comparable with published FID figures, only with other Ganvas generators.\n"
                  "Diversity: mean MS-SSIM between random pairs of images (lower is more varied).");
    m_info->setToolTip(tip);
}

// ---- directions ---------------------------------------------------------------------------------

void LatentStudioPanel::rebuildDirections(bool recreate)
{
    const int count = m_model ? m_model->info().directionCount : 0;
    // Rows are made per model (their labels carry its explained variance); "More…" only changes
    // which are visible.
    if (recreate || m_dirSliders.size() != count) {
        for (auto* w : m_dirLabels)
            delete w;
        for (auto* w : m_dirSliders)
            delete w;
        for (auto* w : m_dirLocks)
            delete w;
        for (auto* w : m_dirStrips)
            delete w;
        m_dirLabels.clear();
        m_dirSliders.clear();
        m_dirLocks.clear();
        m_dirStrips.clear();
        for (int k = 0; k < count; ++k) {
            const double explained = k < m_model->info().explained.size() ? m_model->info().explained.at(k) : 0.0;
            auto* label = new QLabel(m_directionBox);
            label->setObjectName(QStringLiteral("directionLabel%1").arg(k));
            label->setProperty("explained", explained);
            auto* lock = new QCheckBox(tr("Lock"), m_directionBox);
            lock->setObjectName(QStringLiteral("directionLock%1").arg(k));
            lock->setToolTip(tr("Keep this direction's value when the seed changes, on Randomise and for bred "
                                "children"));
            auto* slider = new QSlider(Qt::Horizontal, m_directionBox);
            slider->setObjectName(QStringLiteral("direction%1").arg(k));
            slider->setRange(-30, 30); // tenths of a standard deviation
            slider->setPageStep(5);
            slider->setToolTip(tr("−3 to +3 standard deviations along direction %1").arg(k + 1));
            auto* strip = new QLabel(m_directionBox);
            strip->setObjectName(QStringLiteral("directionStrip%1").arg(k));
            strip->setFixedSize(3 * kStripSide + 4, kStripSide);
            strip->setToolTip(tr("The image at −2, 0 and +2 along direction %1").arg(k + 1));
            m_directionGrid->addWidget(label, 2 * k, 0);
            m_directionGrid->addWidget(lock, 2 * k, 1);
            m_directionGrid->addWidget(slider, 2 * k + 1, 0);
            m_directionGrid->addWidget(strip, 2 * k + 1, 1);
            connect(slider, &QSlider::valueChanged, this, [this, k, label, explained](int v) {
                label->setText(tr("Direction %1 (%2 %): %3")
                                   .arg(k + 1)
                                   .arg(QLocale().toString(explained * 100, 'f', 1))
                                   .arg(QLocale().toString(v / 10.0, 'f', 1)));
                if (!m_model || k >= m_offsets.size())
                    return;
                m_offsets[k] = v / 10.0;
                showCurrent();
                if (!m_dirSliders.at(k)->isSliderDown())
                    scheduleSettle();
            });
            connect(slider, &QSlider::sliderReleased, this, [this] {
                m_settleTimer.stop();
                settle();
            });
            label->setText(tr("Direction %1 (%2 %): %3")
                               .arg(k + 1)
                               .arg(QLocale().toString(explained * 100, 'f', 1))
                               .arg(QLocale().toString(0.0, 'f', 1)));
            m_dirLabels << label;
            m_dirSliders << slider;
            m_dirLocks << lock;
            m_dirStrips << strip;
        }
    }
    for (int k = 0; k < count; ++k) {
        const bool shown = m_showAllDirections || k < kDirectionsShown;
        m_dirLabels[k]->setVisible(shown);
        m_dirLocks[k]->setVisible(shown);
        m_dirSliders[k]->setVisible(shown);
        m_dirStrips[k]->setVisible(shown);
    }
    m_more->setVisible(count > kDirectionsShown);
    m_more->setText(m_showAllDirections ? tr("Fewer") : tr("More… (%1)").arg(count));
    m_directionBox->setVisible(count > 0);
}

int LatentStudioPanel::directionCount() const
{
    return m_dirSliders.size();
}

QSlider* LatentStudioPanel::directionSlider(int k) const
{
    return k >= 0 && k < m_dirSliders.size() ? m_dirSliders.at(k) : nullptr;
}

QCheckBox* LatentStudioPanel::directionLock(int k) const
{
    return k >= 0 && k < m_dirLocks.size() ? m_dirLocks.at(k) : nullptr;
}

QImage LatentStudioPanel::directionStrip(int k) const
{
    return k >= 0 && k < m_strips.size() ? m_strips.at(k) : QImage();
}

void LatentStudioPanel::setSlidersSilently()
{
    for (int k = 0; k < m_dirSliders.size() && k < m_offsets.size(); ++k) {
        QSlider* s = m_dirSliders[k];
        const int v = qBound(-30, qRound(m_offsets[k] * 10), 30);
        if (s->value() == v)
            continue;
        const QSignalBlocker block(s);
        s->setValue(v);
        const double explained = m_dirLabels[k]->property("explained").toDouble();
        m_dirLabels[k]->setText(tr("Direction %1 (%2 %): %3")
                                    .arg(k + 1)
                                    .arg(QLocale().toString(explained * 100, 'f', 1))
                                    .arg(QLocale().toString(v / 10.0, 'f', 1)));
    }
}

void LatentStudioPanel::scheduleStrips()
{
    if (!m_dirSliders.isEmpty())
        m_stripTimer.start();
}

void LatentStudioPanel::renderStrips()
{
    if (!m_model || m_base.isEmpty())
        return;
    if (std::any_of(m_dirSliders.begin(), m_dirSliders.end(), [](QSlider* s) { return s->isSliderDown(); })) {
        m_stripTimer.start(); // still dragging: later
        return;
    }
    const int count = m_showAllDirections ? m_dirSliders.size() : qMin<int>(kDirectionsShown, m_dirSliders.size());
    for (int k = 0; k < count; ++k) {
        QVector<core::Latent> latents;
        for (double v : {-2.0, 0.0, 2.0}) {
            QVector<double> offsets = m_offsets;
            offsets[k] = v;
            latents << m_model->moved(m_base, offsets);
        }
        requestRender(QStringLiteral("dir%1").arg(k), latents, truncation());
    }
}

// ---- the current latent ---------------------------------------------------------------------------

qint64 LatentStudioPanel::seed() const
{
    return m_seedSpin->value();
}

void LatentStudioPanel::setSeed(qint64 seed)
{
    const int value = static_cast<int>(std::clamp<qint64>(seed, 0, INT_MAX));
    if (m_seedSpin->value() == value) {
        if (m_model)
            setBaseFromSeed(value); // back to the seed's own image
        return;
    }
    m_seedSpin->setValue(value); // valueChanged does the rest
}

double LatentStudioPanel::truncation() const
{
    return m_truncation->value() / 100.0;
}

void LatentStudioPanel::setTruncation(double psi)
{
    m_truncation->setValue(qBound(10, qRound(psi * 100), 100));
}

void LatentStudioPanel::randomise()
{
    int value = m_seedSpin->value();
    while (value == m_seedSpin->value())
        value = static_cast<int>(QRandomGenerator::global()->bounded(INT_MAX));
    m_seedSpin->setValue(value);
}

void LatentStudioPanel::setBaseFromSeed(qint64 seed)
{
    if (!m_model)
        return;
    m_settleTimer.stop();
    m_base = m_model->latentForSeed(seed);
    m_seed = seed;
    m_origin = QStringLiteral("seed");
    m_parents.clear();
    for (int k = 0; k < m_offsets.size(); ++k)
        if (k >= m_dirLocks.size() || !m_dirLocks[k]->isChecked())
            m_offsets[k] = 0;
    setSlidersSilently();
    showCurrent();
    settle();
}

void LatentStudioPanel::adoptLatent(const core::Latent& latent, const QString& origin, const QVector<int>& parents)
{
    QVector<double> locked(m_offsets.size(), 0.0);
    for (int k = 0; k < m_offsets.size(); ++k)
        if (k < m_dirLocks.size() && m_dirLocks[k]->isChecked())
            locked[k] = m_offsets[k];
    if (allZero(locked) || !m_model) {
        m_base = latent;
    } else {
        // moved() is linear in the offsets: shift the base back so that base moved by the locked
        // values is exactly the adopted latent.
        QVector<double> back = locked;
        for (double& v : back)
            v = -v;
        m_base = m_model->moved(latent, back);
    }
    m_offsets = locked;
    m_seed = -1;
    m_origin = origin;
    m_parents = parents;
    setSlidersSilently();
}

void LatentStudioPanel::showCurrent()
{
    if (!m_model || m_base.isEmpty())
        return;
    m_current = allZero(m_offsets) ? m_base : m_model->moved(m_base, m_offsets);
    if (!m_projectionJob)
        requestRender(kMainTag, {m_current}, truncation());
    scheduleStrips();
    updateButtons();
}

void LatentStudioPanel::scheduleSettle()
{
    m_settleTimer.start();
}

void LatentStudioPanel::settle()
{
    m_settleTimer.stop();
    if (!m_model || m_current.isEmpty())
        return;
    const double psi = truncation();
    if (!m_history.isEmpty() && m_history.last().latent == m_current && m_history.last().truncation == psi)
        return;
    HistoryRecord r;
    r.id = m_nextHistoryId++;
    r.latent = m_current;
    r.base = m_base;
    r.offsets = m_offsets;
    r.seed = m_seed;
    r.truncation = psi;
    r.parents = m_parents;
    r.origin = m_origin;
    m_history.push_back(r);
    auto* item = new QListWidgetItem(QStringLiteral("#%1").arg(r.id), m_historyList);
    item->setData(Qt::UserRole, r.id);
    item->setIcon(QIcon(QPixmap::fromImage(placeholder(kHistoryIcon))));
    item->setToolTip(historyToolTip(m_history.size() - 1));
    if (m_imageLatent == r.latent && !m_image.isNull() && m_truncation->value() == qRound(psi * 100)) {
        setHistoryIcon(m_history.size() - 1, m_image);
    } else {
        // The main render of this latent is on its way (or was replaced by a newer one): its own
        // small render makes sure the item gets a picture either way.
        m_historyIconPending.insert(r.id, r.latent);
        requestRender(QStringLiteral("h%1").arg(r.id), {r.latent}, psi);
    }
    while (m_history.size() > kMaxHistory) {
        m_historyIconPending.remove(m_history.first().id);
        m_history.removeFirst();
        delete m_historyList->takeItem(0);
    }
    m_historyList->scrollToItem(item);
    updateButtons();
    Q_EMIT historyChanged(m_history.size());
}

QString LatentStudioPanel::historyToolTip(int row) const
{
    if (row < 0 || row >= m_history.size())
        return {};
    const HistoryRecord& r = m_history.at(row);
    QStringList lines;
    if (r.origin == QLatin1String("child") && r.parents.size() == 2)
        lines << tr("#%1: child of #%2 × #%3").arg(r.id).arg(r.parents.at(0)).arg(r.parents.at(1));
    else if (r.origin == QLatin1String("projection"))
        lines << tr("#%1: projected from the canvas").arg(r.id);
    else if (r.origin == QLatin1String("blend"))
        lines << tr("#%1: blend of A and B").arg(r.id);
    else if (r.seed >= 0)
        lines << tr("#%1: seed %2").arg(r.id).arg(r.seed);
    else
        lines << tr("#%1").arg(r.id);
    int moved = 0;
    for (double v : r.offsets)
        moved += v != 0.0 ? 1 : 0;
    if (moved)
        lines << tr("%n direction(s) moved", nullptr, moved);
    lines << tr("truncation %1").arg(QLocale().toString(r.truncation, 'f', 2));
    return lines.join(QLatin1Char('\n'));
}

int LatentStudioPanel::historyRow(int id) const
{
    for (int i = 0; i < m_history.size(); ++i)
        if (m_history.at(i).id == id)
            return i;
    return -1;
}

void LatentStudioPanel::setHistoryIcon(int row, const QImage& image)
{
    if (row < 0 || row >= m_historyList->count())
        return;
    m_historyList->item(row)->setIcon(QIcon(QPixmap::fromImage(
        image.scaled(kHistoryIcon, kHistoryIcon, Qt::KeepAspectRatio, Qt::SmoothTransformation))));
}

void LatentStudioPanel::restoreHistory(int row)
{
    if (!m_model || row < 0 || row >= m_history.size())
        return;
    m_settleTimer.stop();
    const HistoryRecord r = m_history.at(row);
    m_base = r.base;
    m_offsets = r.offsets;
    m_offsets.resize(m_dirSliders.size());
    m_seed = r.seed;
    m_origin = r.origin;
    m_parents = r.parents;
    setSlidersSilently();
    {
        const QSignalBlocker a(m_truncation), b(m_seedSpin);
        m_truncation->setValue(qRound(r.truncation * 100));
        m_truncationLabel->setText(QLocale().toString(r.truncation, 'f', 2));
        if (r.seed >= 0)
            m_seedSpin->setValue(static_cast<int>(r.seed));
    }
    showCurrent();
    setStatus(tr("Back to #%1").arg(r.id));
}

// ---- blend and breed --------------------------------------------------------------------------------

void LatentStudioPanel::setEndpointA()
{
    if (m_current.isEmpty())
        return;
    m_endA = m_current;
    m_setA->setText(tr("A ✓"));
    const QSignalBlocker block(m_blend);
    m_blend->setValue(0);
    updateButtons();
}

void LatentStudioPanel::setEndpointB()
{
    if (m_current.isEmpty())
        return;
    m_endB = m_current;
    m_setB->setText(tr("B ✓"));
    const QSignalBlocker block(m_blend);
    m_blend->setValue(100);
    updateButtons();
}

bool LatentStudioPanel::setBlend(double t)
{
    if (m_endA.isEmpty() || m_endB.isEmpty() || !m_model)
        return false;
    const int v = qBound(0, qRound(t * 100), 100);
    {
        const QSignalBlocker block(m_blend);
        m_blend->setValue(v);
    }
    adoptLatent(core::interpolateLatents(m_endA, m_endB, v / 100.0), QStringLiteral("blend"), {});
    showCurrent();
    settle();
    return true;
}

bool LatentStudioPanel::breedSelected()
{
    QList<int> rows;
    for (QListWidgetItem* item : m_historyList->selectedItems())
        rows << m_historyList->row(item);
    std::sort(rows.begin(), rows.end());
    if (rows.size() != 2) {
        setStatus(tr("Select two history items to breed (Ctrl+click)."));
        return false;
    }
    return breed(rows.at(0), rows.at(1));
}

bool LatentStudioPanel::breed(int a, int b)
{
    if (!m_model || a < 0 || b < 0 || a >= m_history.size() || b >= m_history.size() || a == b) {
        setStatus(tr("Select two history items to breed (Ctrl+click)."));
        return false;
    }
    const HistoryRecord& pa = m_history.at(a);
    const HistoryRecord& pb = m_history.at(b);
    m_children = core::breedLatents(pa.latent, pb.latent, 9, m_mutation->value() / 100.0, m_breedSeed++);
    m_childParents = {pa.id, pb.id};
    m_childList->clear();
    for (int i = 0; i < m_children.size(); ++i) {
        auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(placeholder(kChildIcon))), QString(), m_childList);
        item->setToolTip(tr("Child %1 of #%2 × #%3: click to continue from it").arg(i + 1).arg(pa.id).arg(pb.id));
    }
    m_childList->show();
    requestRender(kChildrenTag, m_children, truncation());
    setStatus(tr("Breeding #%1 × #%2…").arg(pa.id).arg(pb.id));
    return true;
}

void LatentStudioPanel::adoptChild(int index)
{
    if (!m_model || index < 0 || index >= m_children.size())
        return;
    m_settleTimer.stop();
    adoptLatent(m_children.at(index), QStringLiteral("child"), m_childParents);
    showCurrent();
    settle();
    setStatus(tr("Continuing from a child of #%1 × #%2").arg(m_childParents.value(0)).arg(m_childParents.value(1)));
}

// ---- rendering --------------------------------------------------------------------------------------

void LatentStudioPanel::requestRender(const QString& tag, const QVector<core::Latent>& latents, double truncation)
{
    if (!m_model)
        return;
    RenderSlot& slot = m_slots[tag];
    slot.pendingLatents = latents;
    slot.pendingTruncation = truncation;
    slot.hasPending = true;
    if (!slot.busy)
        sendRender(tag, slot);
}

void LatentStudioPanel::sendRender(const QString& tag, RenderSlot& slot)
{
    if (!slot.hasPending || !m_model)
        return;
    slot.busy = true;
    slot.busyGeneration = m_generation;
    slot.busyLatents = slot.pendingLatents;
    slot.hasPending = false;
    slot.pendingLatents.clear();
    // One request per tag is in flight from here (the next waits in the slot): so the result that
    // comes back belongs to busyLatents, and a drag still only renders the latest position.
    m_renderer->request(m_model, tag, slot.busyLatents, slot.pendingTruncation);
}

void LatentStudioPanel::onRendered(const QString& tag, const QVector<QImage>& images)
{
    auto it = m_slots.find(tag);
    if (it == m_slots.end() || !it->busy)
        return;
    const bool current = it->busyGeneration == m_generation;
    const QVector<core::Latent> latents = it->busyLatents;
    it->busy = false;
    it->busyLatents.clear();
    if (current)
        deliver(tag, latents, images);
    // deliver() may have changed m_slots: look the slot up again.
    it = m_slots.find(tag);
    if (it != m_slots.end() && it->hasPending)
        sendRender(tag, *it);
    else if (it != m_slots.end() && tag.startsWith(QLatin1Char('h')))
        m_slots.erase(it); // history icons are one-off tags
}

void LatentStudioPanel::onRenderFailed(const QString& tag, const QString& message)
{
    auto it = m_slots.find(tag);
    if (it == m_slots.end() || !it->busy)
        return;
    const bool current = it->busyGeneration == m_generation;
    it->busy = false;
    it->busyLatents.clear();
    if (current)
        setStatus(tr("Rendering failed: %1").arg(message));
    if (it->hasPending)
        sendRender(tag, *it);
}

void LatentStudioPanel::deliver(const QString& tag, const QVector<core::Latent>& latents, const QVector<QImage>& images)
{
    if (images.isEmpty() || images.size() != latents.size())
        return;
    if (tag == kMainTag) {
        m_image = images.first();
        m_imageLatent = latents.first();
        if (!m_projectionJob)
            showImage(m_image);
        for (auto it = m_historyIconPending.begin(); it != m_historyIconPending.end();) {
            if (it.value() == m_imageLatent) {
                setHistoryIcon(historyRow(it.key()), m_image);
                it = m_historyIconPending.erase(it);
            } else {
                ++it;
            }
        }
        updateButtons();
        Q_EMIT imageRendered(m_image);
        return;
    }
    if (tag == kChildrenTag) {
        if (latents != m_children)
            return; // an older brood
        for (int i = 0; i < images.size() && i < m_childList->count(); ++i)
            m_childList->item(i)->setIcon(QIcon(QPixmap::fromImage(
                images.at(i).scaled(kChildIcon, kChildIcon, Qt::KeepAspectRatio, Qt::SmoothTransformation))));
        setStatus(tr("Nine children: click one to continue from it."));
        Q_EMIT childrenReady(images.size());
        return;
    }
    if (tag.startsWith(QLatin1String("dir"))) {
        bool ok = false;
        const int k = tag.mid(3).toInt(&ok);
        if (!ok || k < 0 || k >= m_dirStrips.size())
            return;
        QImage strip(3 * kStripSide + 4, kStripSide, QImage::Format_RGB32);
        strip.fill(palette().color(QPalette::Window));
        {
            QPainter p(&strip);
            for (int i = 0; i < images.size() && i < 3; ++i)
                p.drawImage(QRect(i * (kStripSide + 2), 0, kStripSide, kStripSide), images.at(i));
        }
        m_strips[k] = strip;
        m_dirStrips[k]->setPixmap(QPixmap::fromImage(strip));
        Q_EMIT stripRendered(k);
        return;
    }
    if (tag.startsWith(QLatin1Char('h'))) {
        bool ok = false;
        const int id = tag.mid(1).toInt(&ok);
        if (!ok || !m_historyIconPending.contains(id))
            return;
        m_historyIconPending.remove(id);
        setHistoryIcon(historyRow(id), images.first());
    }
}

void LatentStudioPanel::showImage(const QImage& image)
{
    if (image.isNull())
        return;
    const int side = qMin(kPreviewSide, qMax(64, qMin(m_preview->width(), m_preview->height()) - 4));
    // Small generators are shown with visible pixels, not blurred up.
    const Qt::TransformationMode mode = image.width() * 2 <= side ? Qt::FastTransformation : Qt::SmoothTransformation;
    m_preview->setPixmap(QPixmap::fromImage(image.scaled(side, side, Qt::KeepAspectRatio, mode)));
}

// ---- canvas -------------------------------------------------------------------------------------------

QRect LatentStudioPanel::selectionSquare() const
{
    const QRect bounds = m_document->selection().bounds(m_document->size());
    // Generators are square: the largest centred square of the area (no stretching).
    const int side = qMin(bounds.width(), bounds.height());
    QRect square(0, 0, side, side);
    square.moveCenter(bounds.center());
    return square.intersected(m_document->rect());
}

bool LatentStudioPanel::projectCanvas()
{
    if (!m_model || !m_document || !m_runner) {
        setStatus(tr("Load a generator first."));
        return false;
    }
    if (m_projectionJob) {
        setStatus(tr("A projection is already running."));
        return false;
    }
    const QRect area = selectionSquare();
    if (area.isEmpty()) {
        setStatus(tr("Nothing to project: the selection is empty."));
        return false;
    }
    // The area is composited and scaled in the job, from a snapshot of the layers taken now
    // (tile handles: cheap), not here on the GUI thread (issue #16 defect 6).
    auto target = [layers = m_document->layers(), area] {
        QImage image = core::Document::renderLayers(layers, area);
        if (image.width() > kMaxProjectionSide || image.height() > kMaxProjectionSide)
            image = image.scaled(kMaxProjectionSide, kMaxProjectionSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        return image;
    };
    try {
        m_projection = std::make_shared<core::ProjectionTask>(m_model, std::function<QImage()>(target));
    } catch (const std::exception& e) {
        setStatus(tr("Cannot project: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    m_settleTimer.stop();
    watchProjection(m_runner->submit(m_projection->job()));
    updateButtons();
    setStatus(tr("Projecting %1 × %2 px of the canvas into %3…")
                  .arg(area.width())
                  .arg(area.height())
                  .arg(m_model->info().name));
    return true;
}

void LatentStudioPanel::cancelProjection()
{
    if (m_projectionJob && m_runner)
        m_runner->cancel(m_projectionJob);
}

void LatentStudioPanel::setUpscalers(const QVector<core::ModelEntry>& upscalers)
{
    m_upscalers = upscalers;
}

core::ModelEntry LatentStudioPanel::placeUpscaler(int from, int to) const
{
    core::ModelEntry largest;
    for (int scale : {2, 3, 4, 8}) {
        const QString id = QStringLiteral("esrgan-slim-x%1").arg(scale);
        for (const auto& e : m_upscalers) {
            if (e.id != id || !e.isValid())
                continue;
            if (qint64(from) * scale >= to)
                return e;
            largest = e;
        }
    }
    return largest;
}

void LatentStudioPanel::watchProjection(core::JobHandle* job)
{
    const core::JobId id = job->id();
    m_projectionJob = id;
    // A cancelled projection may still report after the next one started: only the current one counts.
    connect(job, &core::JobHandle::preview, this, [this, id](const QImage& image) {
        if (id == m_projectionJob)
            showImage(image);
    });
    connect(job, &core::JobHandle::ended, this, [this, id, job](core::JobState state) {
        if (id != m_projectionJob)
            return;
        const auto task = m_projection;
        m_projectionJob = 0;
        m_projection.reset();
        if (state == core::JobState::Finished)
            projectionFinished(*task);
        else
            projectionStopped(state == core::JobState::Failed ? job->error() : QString());
    });
}

void LatentStudioPanel::projectionFinished(const core::ProjectionTask& task)
{
    const core::Latent latent = task.latent();
    if (!m_model || latent.size() != m_model->info().latentDim) {
        updateButtons();
        Q_EMIT projectionEnded(false);
        return;
    }
    // The projection searched without truncation, so it is shown without; every slider starts at 0
    // so that the sliders edit the projected picture.
    m_base = latent;
    m_offsets.fill(0.0);
    m_seed = -1;
    m_origin = QStringLiteral("projection");
    m_parents.clear();
    setSlidersSilently();
    {
        const QSignalBlocker block(m_truncation);
        m_truncation->setValue(100);
        m_truncationLabel->setText(QLocale().toString(1.0, 'f', 2));
    }
    showCurrent();
    settle();
    setStatus(tr("Projected (pixel error %1 %): move the sliders to edit it.")
                  .arg(QLocale().toString(task.pixelError() * 100, 'f', 1)));
    Q_EMIT projectionEnded(true);
}

void LatentStudioPanel::projectionStopped(const QString& error)
{
    showImage(m_image);
    updateButtons();
    setStatus(error.isEmpty() ? tr("Projection cancelled.") : tr("Projection failed: %1").arg(error));
    Q_EMIT projectionEnded(false);
}

void LatentStudioPanel::watchPlacement(core::JobHandle* job)
{
    const core::JobId id = job->id();
    m_placeJob = id;
    connect(job, &core::JobHandle::ended, this, [this, id, job](core::JobState state) {
        if (id != m_placeJob)
            return;
        Placement placement = m_placement;
        const auto task = m_placeTask;
        endPlaceJob();
        switch (state) {
        case core::JobState::Finished:
            finishPlacement(placement, task->result(),
                            placement.provenance.value(QStringLiteral("upscaler")).toString());
            break;
        case core::JobState::Failed:
            // The picture is still wanted: place it enlarged the plain way.
            placement.provenance.remove(QStringLiteral("upscaler"));
            placement.provenance[QStringLiteral("resize")] = QStringLiteral("lanczos");
            if (finishPlacement(placement, placement.source, QString()))
                setStatus(tr("AI enlargement failed (%1); %2 was placed enlarged with Lanczos instead.")
                              .arg(job->error(), placement.name));
            break;
        default: setStatus(tr("Placing cancelled: nothing was added.")); break;
        }
    });
}

int LatentStudioPanel::placeSide() const
{
    return m_placeSize->value();
}

bool LatentStudioPanel::placeOnCanvas(int side)
{
    if (!m_document || !m_model || m_image.isNull()) {
        setStatus(tr("Nothing to place yet."));
        return false;
    }
    if (m_placeJob) {
        setStatus(tr("An image is already being enlarged for the canvas."));
        return false;
    }
    const core::Selection& selection = m_document->selection();
    Placement p;
    p.clip = m_document->rect();
    if (!selection.isEmpty()) {
        // Fill the selection's bounding box (the square covering it, centred, clipped to it).
        p.clip = selection.bounds(m_document->size());
        const int s = qMax(p.clip.width(), p.clip.height());
        p.target = QRect(0, 0, s, s);
        p.target.moveCenter(p.clip.center());
    } else {
        side = qBound(16, side, 4096);
        p.target = QRect(0, 0, side, side);
        p.target.moveCenter(m_document->rect().center());
    }
    p.mask = selection.isEmpty() ? QImage() : greyMask(selection.mask());
    p.source = m_image;

    const auto& info = m_model->info();
    p.name = m_seed >= 0 ? tr("Generated: %1 #%2").arg(info.name).arg(m_seed)
                         : tr("Generated: %1 (%2)").arg(info.name, m_origin);
    QJsonArray latent, offsets;
    for (float v : m_imageLatent)
        latent.append(static_cast<double>(v));
    for (double v : m_offsets)
        offsets.append(v);
    p.provenance = QJsonObject{{"generator", info.id},
                               {"generator_name", info.name},
                               {"seed", m_seed},
                               {"truncation", truncation()},
                               {"offsets", offsets},
                               {"latent", latent},
                               {"origin", m_origin},
                               {"resolution", info.resolution},
                               {"size", QJsonArray{p.target.width(), p.target.height()}},
                               {"resize", "lanczos"}};

    // Twice the generator's resolution or more: a GAN-trained super-resolution network keeps
    // edges and texture that Lanczos blurs (issue #6).
    const int from = qMax(m_image.width(), m_image.height());
    const int to = qMax(p.target.width(), p.target.height());
    const core::ModelEntry upscaler = m_runner && to >= 2 * from ? placeUpscaler(from, to) : core::ModelEntry();
    if (!upscaler.id.isEmpty()) {
        try {
            const auto compute = core::currentCompute();
            m_placeTask = std::make_shared<core::UpscaleTask>(upscaler, m_image, compute.precision, compute.device);
        } catch (const std::exception& e) {
            m_placeTask.reset();
            const bool ok = finishPlacement(p, m_image, QString());
            if (ok)
                setStatus(tr("%1 was placed enlarged with Lanczos: the AI upscaler could not start (%2).")
                              .arg(p.name, QString::fromStdString(e.what())));
            return ok;
        }
        p.provenance[QStringLiteral("upscaler")] = upscaler.id;
        p.provenance[QStringLiteral("resize")] = QStringLiteral("esrgan+lanczos");
        m_placement = p;
        watchPlacement(m_runner->submit(m_placeTask->job()));
        updateButtons();
        setStatus(tr("Enlarging %1 to %2 × %3 px with AI (%4)…")
                      .arg(p.name)
                      .arg(p.target.width())
                      .arg(p.target.height())
                      .arg(upscaler.id));
        return true;
    }
    return finishPlacement(p, m_image, QString());
}

bool LatentStudioPanel::finishPlacement(const Placement& placement, const QImage& image, const QString& upscalerId)
{
    if (!m_document || image.isNull())
        return false;
    QImage enlarged;
    try {
        enlarged = core::resizeForCanvas(image, placement.target.size());
    } catch (const std::exception& e) {
        setStatus(tr("Cannot place the image: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    QImage full(m_document->size(), QImage::Format_ARGB32_Premultiplied);
    full.fill(Qt::transparent);
    {
        QPainter p(&full);
        p.setClipRect(placement.clip);
        p.drawImage(placement.target.topLeft(), enlarged);
    }
    m_document->addResultLayer(placement.name, full, placement.mask, tr("Place %1").arg(placement.name),
                               placement.provenance);
    setStatus(upscalerId.isEmpty() ? tr("%1 added (%2 × %3 px, enlarged with Lanczos)")
                                         .arg(placement.name)
                                         .arg(placement.target.width())
                                         .arg(placement.target.height())
                                   : tr("%1 added (%2 × %3 px, enlarged with AI: %4)")
                                         .arg(placement.name)
                                         .arg(placement.target.width())
                                         .arg(placement.target.height())
                                         .arg(upscalerId));
    Q_EMIT placed(placement.name);
    return true;
}

void LatentStudioPanel::endPlaceJob()
{
    m_placeJob = 0;
    m_placeTask.reset();
    m_placement = Placement();
    updateButtons();
}

// ---- misc ---------------------------------------------------------------------------------------------

GanTrainDialog* LatentStudioPanel::openTrainDialog()
{
    if (!m_trainDialog) {
        m_trainDialog = new GanTrainDialog(m_runner, this);
        connect(m_trainDialog, &GanTrainDialog::generatorTrained, this, [this](const QString& folder) {
            setStatus(tr("New generator trained: %1").arg(folder));
            Q_EMIT modelsChanged();
        });
    }
    m_trainDialog->show();
    m_trainDialog->raise();
    m_trainDialog->activateWindow();
    return m_trainDialog;
}

void LatentStudioPanel::updateButtons()
{
    const bool ready = m_model != nullptr;
    const bool projecting = m_projectionJob != 0;
    m_seedSpin->setEnabled(ready && !projecting);
    m_randomise->setEnabled(ready && !projecting);
    m_truncation->setEnabled(ready && !projecting);
    m_directionBox->setEnabled(ready && !projecting);
    m_setA->setEnabled(ready && !m_current.isEmpty() && !projecting);
    m_setB->setEnabled(ready && !m_current.isEmpty() && !projecting);
    m_blend->setEnabled(ready && !m_endA.isEmpty() && !m_endB.isEmpty() && !projecting);
    m_breed->setEnabled(ready && m_historyList->selectedItems().size() == 2 && !projecting);
    m_childList->setEnabled(!projecting);
    m_historyList->setEnabled(!projecting);
    m_project->setEnabled(ready && m_document && !projecting);
    m_cancelProject->setVisible(projecting);
    m_place->setEnabled(ready && m_document && !m_image.isNull() && !projecting && !m_placeJob);
}

void LatentStudioPanel::setStatus(const QString& text)
{
    m_status->setText(text);
    Q_EMIT statusMessage(text);
}

QString LatentStudioPanel::statusText() const
{
    return m_status->text();
}

} // namespace ganvas::ui
