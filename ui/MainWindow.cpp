// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/MainWindow.h"

#include "core/app/RuntimeReport.h"
#include "core/bench/BenchmarkJob.h"
#include "core/brush/BrushSettings.h"
#include "core/document/Document.h"
#include "core/io/ExportJob.h"
#include "core/io/ImageIO.h"
#include "core/io/OraFile.h"
#include "core/io/Provenance.h"
#include "core/jobs/JobRunner.h"
#include "core/journal/AutosaveSession.h"
#include "core/journal/Journal.h"
#include "core/journal/JournalPlayer.h"
#include "core/settings/ComputeSettings.h"
#include "core/upscale/UpscaleTask.h"
#include "ui/canvas/CanvasView.h"
#include "ui/dialogs/AboutDialog.h"
#include "ui/dialogs/ExportDialog.h"
#include "ui/dialogs/MemoryPreflightDialog.h"
#include "ui/dialogs/NewCanvasDialog.h"
#include "ui/dialogs/PreferencesDialog.h"
#include "ui/dialogs/ShortcutsDialog.h"
#include "ui/dialogs/UpscaleDialog.h"
#include "ui/panels/BrushPanel.h"
#include "ui/panels/ColourPanel.h"
#include "ui/panels/JobsPanel.h"
#include "ui/panels/LatentStudioPanel.h"
#include "ui/panels/LayersPanel.h"
#include "ui/panels/StyleGalleryPanel.h"

#include <QAbstractButton>
#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QPainter>
#include <QJsonArray>
#include <QClipboard>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QMimeData>
#include <QDockWidget>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QInputDialog>
#include <QImageWriter>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QScopeGuard>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>
#include <QUndoView>

static void initGanvasResources()
{
    Q_INIT_RESOURCE(ganvas);
}

namespace ganvas::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_runner(new core::JobRunner(this))
{
    initGanvasResources();
    setObjectName(QStringLiteral("mainWindow"));
    setAcceptDrops(true);
    setWindowIcon(QIcon(QStringLiteral(":/ganvas/icons/ganvas.svg")));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

    m_canvas = new CanvasView(this);
    setCentralWidget(m_canvas);

    createDocks();
    createActions();

    m_statusDevice = new QLabel(this);
    m_statusZoom = new QLabel(this);
    statusBar()->addPermanentWidget(m_statusZoom);
    statusBar()->addPermanentWidget(m_statusDevice);
    updateComputeStatus();
    connect(m_canvas, &CanvasView::zoomChanged, this,
            [this](qreal) { m_statusZoom->setText(tr("%1 %").arg(qRound(m_canvas->devicePixelZoom() * 100))); });

    connect(m_canvas, &CanvasView::message, this, [this](const QString& text) { statusBar()->showMessage(text, 4000); });
    connect(m_canvas, &CanvasView::colourPicked, m_colours, &ColourPanel::setForeground);
    connect(m_canvas, &CanvasView::strokeStarted, m_colours, &ColourPanel::addRecent);
    connect(m_colours, &ColourPanel::foregroundChanged, m_canvas, &CanvasView::setColour);
    connect(m_brushes, &BrushPanel::brushChanged, m_canvas, &CanvasView::setBrush);
    connect(m_layers, &LayersPanel::editMaskToggled, m_canvas, &CanvasView::setEditingMask);
    connect(m_styles, &StyleGalleryPanel::statusMessage, this, [this](const QString& text) {
        statusBar()->showMessage(text, 8000);
    });
    connect(m_styles, &StyleGalleryPanel::applyPreview, m_canvas, &CanvasView::setOverlay);
    connect(m_styles, &StyleGalleryPanel::liveOverlay, m_canvas, &CanvasView::setOverlay);
    // Style brush: the new layer's mask is what the artist paints next.
    connect(m_styles, &StyleGalleryPanel::applied, this, [this](const QString&, bool styleBrush) {
        if (styleBrush)
            m_layers->setEditingMask(true);
    });
    connect(m_canvas, &CanvasView::brushSizeChanged, m_brushes, &BrushPanel::showSize);
    connect(m_latent, &LatentStudioPanel::statusMessage, this, [this](const QString& text) {
        statusBar()->showMessage(text, 8000);
    });
    // A generator trained in the studio shows up in the generator list.
    connect(m_latent, &LatentStudioPanel::modelsChanged, this, &MainWindow::reloadModels);

    loadBrushes();
    reloadModels();
    setDocument(std::make_unique<core::Document>(QSize(1024, 768)), true);
    ShortcutsDialog::applySaved(namedActions());
    restoreWindowState();
}

MainWindow::~MainWindow()
{
    // Stop workers before the document and panels they report to go away.
    m_runner->cancelAll();
    m_runner->waitForIdle(30000);
    // Leaving normally: the work was saved or deliberately discarded, nothing to recover.
    if (m_autosave)
        m_autosave->discard();
}

QString MainWindow::autosaveJournal() const
{
    return m_autosave ? m_autosave->journalPath() : QString();
}

bool MainWindow::offerRecovery()
{
    const auto orphans = core::AutosaveSession::findOrphans();
    for (const auto& orphan : orphans) {
        QMessageBox box(QMessageBox::Question, tr("Recover unsaved work"),
                        tr("Ganvas did not close properly. Recover the work from %1%2?")
                            .arg(QLocale().toString(orphan.lastWrite, QLocale::ShortFormat),
                                 orphan.file.isEmpty() ? QString() : tr(" (%1)").arg(QFileInfo(orphan.file).fileName())),
                        QMessageBox::Yes | QMessageBox::No, this);
        box.setObjectName(QStringLiteral("recoveryQuestion"));
        box.button(QMessageBox::Yes)->setText(tr("Recover"));
        box.button(QMessageBox::No)->setText(tr("Discard"));
        if (box.exec() != QMessageBox::Yes) {
            core::AutosaveSession::removeOrphan(orphan);
            continue;
        }
        auto result = core::replayJournal(orphan.journal);
        if (!result.document) {
            QMessageBox::warning(this, tr("Recover unsaved work"), result.error);
            continue; // keep the folder: the journal may still be useful to someone
        }
        setDocument(std::move(result.document));
        core::AutosaveSession::removeOrphan(orphan);
        statusBar()->showMessage(tr("Recovered %n change(s).", nullptr, result.records - 1), 8000);
        return true;
    }
    return false;
}

QDockWidget* MainWindow::dock(const QString& objectName) const
{
    return findChild<QDockWidget*>(objectName);
}

void MainWindow::createDocks()
{
    const auto addDock = [this](const QString& name, const QString& title, QWidget* widget, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(widget);
        addDockWidget(area, d);
        return d;
    };
    // Long panels scroll inside their dock rather than forcing a tall window.
    const auto scrolling = [this](QWidget* widget) {
        auto* scroll = new QScrollArea(this);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidget(widget);
        return scroll;
    };
    m_styles = new StyleGalleryPanel(m_runner, this);
    m_latent = new LatentStudioPanel(m_runner, this);
    m_layers = new LayersPanel(this);
    m_jobs = new JobsPanel(m_runner, this);
    m_brushes = new BrushPanel(this);
    m_colours = new ColourPanel(this);
    m_history = new QUndoView(this);
    m_history->setObjectName(QStringLiteral("historyView"));
    m_history->setEmptyLabel(tr("<opened>"));

    auto* styleDock =
        addDock(QStringLiteral("styleGalleryDock"), tr("Style Gallery"), scrolling(m_styles), Qt::RightDockWidgetArea);
    auto* latentDock =
        addDock(QStringLiteral("latentSpaceDock"), tr("Latent Space"), scrolling(m_latent), Qt::RightDockWidgetArea);
    addDock(QStringLiteral("layersDock"), tr("Layers"), m_layers, Qt::LeftDockWidgetArea);
    addDock(QStringLiteral("jobsDock"), tr("Jobs"), m_jobs, Qt::LeftDockWidgetArea);
    auto* brushDock = addDock(QStringLiteral("brushesDock"), tr("Brushes"), scrolling(m_brushes), Qt::RightDockWidgetArea);
    auto* colourDock = addDock(QStringLiteral("colourDock"), tr("Colour"), scrolling(m_colours), Qt::RightDockWidgetArea);
    auto* historyDock = addDock(QStringLiteral("historyDock"), tr("History"), m_history, Qt::RightDockWidgetArea);
    tabifyDockWidget(brushDock, colourDock);
    tabifyDockWidget(colourDock, historyDock);
    brushDock->raise();
    tabifyDockWidget(styleDock, latentDock);
    styleDock->raise();
}

QAction* MainWindow::addNamedAction(QMenu* menu, const QString& name, const QString& text, const QKeySequence& key)
{
    QAction* action = menu->addAction(text);
    action->setObjectName(name);
    if (!key.isEmpty())
        action->setShortcut(key);
    return action;
}

QList<QAction*> MainWindow::namedActions() const
{
    QList<QAction*> out;
    for (QAction* a : findChildren<QAction*>())
        if (a->objectName().startsWith(QLatin1String("action")))
            out << a;
    return out;
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    connect(addNamedAction(file, "actionNew", tr("&New"), QKeySequence::New), &QAction::triggered, this,
            &MainWindow::newDocument);
    connect(addNamedAction(file, "actionOpen", tr("&Open…"), QKeySequence::Open), &QAction::triggered, this,
            &MainWindow::openDialog);
    connect(addNamedAction(file, "actionSave", tr("&Save"), QKeySequence::Save), &QAction::triggered, this,
            &MainWindow::save);
    connect(addNamedAction(file, "actionSaveAs", tr("Save &As…"), QKeySequence(tr("Ctrl+Shift+S"))), &QAction::triggered,
            this, &MainWindow::saveAs);
    connect(addNamedAction(file, "actionExport", tr("&Export…"), QKeySequence(tr("Ctrl+Shift+E"))), &QAction::triggered,
            this, &MainWindow::exportDialog);
    file->addSeparator();
    connect(addNamedAction(file, "actionQuit", tr("&Quit"), QKeySequence::Quit), &QAction::triggered, this,
            &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = addNamedAction(edit, "actionUndo", tr("&Undo"), QKeySequence::Undo);
    QAction* redo = addNamedAction(edit, "actionRedo", tr("&Redo"), QKeySequence(tr("Ctrl+Shift+Z")));
    redo->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence::Redo});
    connect(undo, &QAction::triggered, this, [this] { m_document->undoStack()->undo(); });
    connect(redo, &QAction::triggered, this, [this] { m_document->undoStack()->redo(); });
    edit->addSeparator();
    connect(addNamedAction(edit, "actionPaste", tr("&Paste as Layer"), QKeySequence::Paste), &QAction::triggered, this,
            &MainWindow::pasteAsLayer);
    edit->addSeparator();
    connect(addNamedAction(edit, "actionShortcuts", tr("Configure &Shortcuts…"), {}), &QAction::triggered, this,
            &MainWindow::configureShortcuts);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = addNamedAction(view, "actionZoomIn", tr("Zoom &In"), QKeySequence::ZoomIn);
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(tr("Ctrl+="))});
    connect(zoomIn, &QAction::triggered, m_canvas, &CanvasView::zoomIn);
    connect(addNamedAction(view, "actionZoomOut", tr("Zoom &Out"), QKeySequence::ZoomOut), &QAction::triggered, m_canvas,
            &CanvasView::zoomOut);
    connect(addNamedAction(view, "actionFit", tr("&Fit to Window"), QKeySequence(tr("Ctrl+0"))), &QAction::triggered,
            m_canvas, &CanvasView::zoomToFit);
    connect(addNamedAction(view, "actionActualSize", tr("&Actual Size (100 %)"), QKeySequence(tr("Ctrl+1"))),
            &QAction::triggered, m_canvas, &CanvasView::zoomActualSize);
    connect(addNamedAction(view, "actionRotateLeft", tr("Rotate &Left"), QKeySequence(tr("4"))), &QAction::triggered,
            m_canvas, [this] { m_canvas->rotateBy(-15); });
    connect(addNamedAction(view, "actionRotateRight", tr("Rotate &Right"), QKeySequence(tr("6"))), &QAction::triggered,
            m_canvas, [this] { m_canvas->rotateBy(15); });
    connect(addNamedAction(view, "actionResetRotation", tr("Reset Rotation"), QKeySequence(tr("5"))), &QAction::triggered,
            m_canvas, &CanvasView::resetRotation);
    QAction* mirror = addNamedAction(view, "actionMirror", tr("&Mirror View"), QKeySequence(tr("M")));
    mirror->setCheckable(true);
    connect(mirror, &QAction::toggled, m_canvas, &CanvasView::setMirrored);
    connect(addNamedAction(view, "actionToggleDocks", tr("Hide/Show &Docks"), QKeySequence(Qt::Key_Tab)),
            &QAction::triggered, this, &MainWindow::toggleDocks);
    view->addSeparator();
    for (auto* d : findChildren<QDockWidget*>())
        view->addAction(d->toggleViewAction());

    QMenu* image = menuBar()->addMenu(tr("&Image"));
    QAction* upscale = addNamedAction(image, "actionUpscaleImage", tr("AI &Upscale…"), {});
    upscale->setStatusTip(tr("Enlarge the picture 2×, 3×, 4× or 8× with an ESRGAN network into a new document"));
    connect(upscale, &QAction::triggered, this, &MainWindow::upscaleImageDialog);
    QAction* upscaleLayerAction = addNamedAction(image, "actionUpscaleLayer", tr("AI Upscale &Layer…"), {});
    upscaleLayerAction->setStatusTip(tr("Enlarge the current layer's content with an ESRGAN network onto a new layer"));
    connect(upscaleLayerAction, &QAction::triggered, this, &MainWindow::upscaleLayerDialog);

    QMenu* select = menuBar()->addMenu(tr("&Select"));
    connect(addNamedAction(select, "actionSelectAll", tr("Select &All"), QKeySequence::SelectAll), &QAction::triggered, this,
            [this] { m_document->selectAll(); });
    connect(addNamedAction(select, "actionDeselect", tr("&Deselect"), QKeySequence(tr("Ctrl+Shift+A"))),
            &QAction::triggered, this, [this] { m_document->deselect(); });
    connect(addNamedAction(select, "actionInvertSelection", tr("&Invert"), QKeySequence(tr("Ctrl+I"))), &QAction::triggered,
            this, [this] { m_document->invertSelection(); });
    connect(addNamedAction(select, "actionFeather", tr("&Feather…"), QKeySequence(tr("Shift+F6"))), &QAction::triggered,
            this, [this] {
                bool ok = false;
                const double radius = QInputDialog::getDouble(this, tr("Feather Selection"), tr("Radius (pixels)"), 8, 0.5,
                                                              500, 1, &ok);
                if (ok)
                    m_document->featherSelection(radius);
            });

    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    auto* toolGroup = new QActionGroup(this);
    const auto addTool = [&](const char* name, const QString& text, const QString& key, Tool tool) {
        QAction* a = addNamedAction(tools, QString::fromLatin1(name), text, QKeySequence(key));
        a->setCheckable(true);
        toolGroup->addAction(a);
        connect(a, &QAction::triggered, m_canvas, [this, tool] { m_canvas->setTool(tool); });
        return a;
    };
    addTool("actionBrush", tr("&Brush"), tr("B"), Tool::Brush)->setChecked(true);
    addTool("actionEraser", tr("&Eraser"), tr("E"), Tool::Eraser);
    addTool("actionEyedropper", tr("Eye&dropper"), tr("I"), Tool::Eyedropper);
    addTool("actionFill", tr("&Fill"), tr("F"), Tool::Fill);
    addTool("actionRectSelect", tr("&Rectangle Selection"), tr("Ctrl+R"), Tool::RectangleSelect);
    addTool("actionEllipseSelect", tr("E&llipse Selection"), tr("J"), Tool::EllipseSelect);
    addTool("actionLassoSelect", tr("&Lasso Selection"), tr("L"), Tool::LassoSelect);
    tools->addSeparator();
    connect(addNamedAction(tools, "actionSmaller", tr("Smaller Brush"), QKeySequence(tr("["))), &QAction::triggered,
            m_canvas, [this] { m_canvas->scaleBrushSize(1 / 1.25); });
    connect(addNamedAction(tools, "actionBigger", tr("Bigger Brush"), QKeySequence(tr("]"))), &QAction::triggered,
            m_canvas, [this] { m_canvas->scaleBrushSize(1.25); });
    connect(addNamedAction(tools, "actionSwapColours", tr("Swap Colours"), QKeySequence(tr("X"))), &QAction::triggered,
            m_colours, &ColourPanel::swap);
    connect(addNamedAction(tools, "actionResetColours", tr("Default Colours"), QKeySequence(tr("D"))),
            &QAction::triggered, m_colours, &ColourPanel::resetColours);
    tools->addSeparator();
    connect(addNamedAction(tools, "actionBenchmark", tr("Run &Benchmark"), {}), &QAction::triggered, this,
            &MainWindow::runBenchmark);
    connect(addNamedAction(tools, "actionReloadModels", tr("&Reload Models"), {}), &QAction::triggered, this,
            &MainWindow::reloadModels);

    QMenu* settings = menuBar()->addMenu(tr("Se&ttings"));
    QAction* preferences =
        addNamedAction(settings, "actionPreferences", tr("&Preferences…"), QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);
    connect(preferences, &QAction::triggered, this, &MainWindow::showPreferences);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = addNamedAction(help, "actionAbout", tr("&About Ganvas"), {});
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::updateComputeStatus()
{
    const auto compute = core::currentCompute();
    // The precision says why ("fp32: this CPU has no native bf16"); a forced, emulated bf16 says
    // what it costs (issue #18).
    m_statusDevice->setText(tr("%1 · %2 threads · %3")
                                .arg(compute.device)
                                .arg(compute.threads)
                                .arg(compute.warning.isEmpty() ? compute.precisionReason
                                                               : tr("%1 (emulated, slow)").arg(compute.precision)));
    m_statusDevice->setToolTip(compute.warning.isEmpty() ? compute.precisionReason : compute.warning);
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    updateComputeStatus();
    statusBar()->showMessage(
        dialog.needsRestart() ? tr("Preferences saved; the new number of CPU threads applies when Ganvas starts again.")
                              : tr("Preferences saved."),
        8000);
}

void MainWindow::loadBrushes()
{
    QString error;
    auto presets = core::loadBrushPresets(core::ModelCatalogue::bundledResourceRoot() + QStringLiteral("/brushes/presets.json"),
                                          &error);
    if (presets.isEmpty()) {
        statusBar()->showMessage(tr("Brush presets could not be read (%1); using a plain round brush.").arg(error));
        presets = {core::BrushSettings()};
    }
    for (const auto& p : presets)
        if (p.mode == core::BrushMode::Erase) {
            m_canvas->setEraser(p);
            break;
        }
    m_brushes->setPresets(presets);
    m_canvas->setTool(Tool::Brush);
}

void MainWindow::configureShortcuts()
{
    ShortcutsDialog dialog(namedActions(), this);
    dialog.exec();
}

void MainWindow::toggleDocks()
{
    const auto docks = findChildren<QDockWidget*>();
    if (m_hiddenByTab.isEmpty()) {
        for (QDockWidget* d : docks)
            if (d->isVisible()) {
                m_hiddenByTab << d;
                d->hide();
            }
    } else {
        for (QDockWidget* d : std::as_const(m_hiddenByTab))
            d->show();
        m_hiddenByTab.clear();
    }
}

void MainWindow::setDocument(std::unique_ptr<core::Document> document, bool blank)
{
    m_canvas->setDocument(nullptr);
    m_layers->setDocument(nullptr);
    m_styles->setDocument(nullptr);
    m_latent->setDocument(nullptr);
    m_history->setStack(nullptr);
    if (m_autosave)
        m_autosave->discard();
    m_autosave.reset();
    m_document = std::move(document);
    QString error;
    m_autosave = core::AutosaveSession::start(*m_document, blank, &error);
    if (!m_autosave)
        statusBar()->showMessage(tr("Autosave is off: %1").arg(error));
    m_canvas->setDocument(m_document.get());
    m_layers->setDocument(m_document.get());
    m_styles->setDocument(m_document.get());
    m_latent->setDocument(m_document.get());
    m_history->setStack(m_document->undoStack());
    connect(m_document->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    updateTitle();
}

void MainWindow::updateTitle()
{
    const QString name = m_document->filePath().isEmpty() ? tr("Untitled") : QFileInfo(m_document->filePath()).fileName();
    setWindowTitle(tr("%1[*] — Ganvas").arg(name));
    setWindowModified(m_document->isModified());
}

void MainWindow::newDocument()
{
    if (!maybeSave())
        return;
    NewCanvasDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    auto doc = std::make_unique<core::Document>(dialog.canvasSize(), dialog.background());
    doc->setDpi(dialog.dpi());
    setDocument(std::move(doc), true);
}

bool MainWindow::maybeSave()
{
    if (!m_document || !m_document->isModified())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Unsaved changes"),
                    tr("\"%1\" has changes that are not saved.").arg(m_document->filePath().isEmpty()
                                                                      ? tr("Untitled")
                                                                      : QFileInfo(m_document->filePath()).fileName()),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("unsavedChanges"));
    box.setInformativeText(tr("Save them before continuing?"));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save: return save();
    case QMessageBox::Discard: return true;
    default: return false;
    }
}

bool MainWindow::saveTo(const QString& path)
{
    if (m_saving)
        return false; // one save at a time (a second Ctrl+S while the first runs)
    // Encoding big layers takes seconds: the save runs as a background job (progress and Cancel
    // in the Jobs dock) on a snapshot of the document, while this loop keeps the window alive.
    m_saving = true;
    // File > Open or New may replace the document while this waits: the result belongs to the
    // document the save started from, never to whatever is open when it ends.
    const QPointer<core::Document> saved(m_document.get());
    const int savedIndex = m_document->undoStack()->index();
    auto error = std::make_shared<QString>();
    QEventLoop wait;
    bool ok = false, cancelled = false;
    core::JobHandle* job = m_runner->submit(core::makeOraSaveJob(*m_document, path, error));
    connect(job, &core::JobHandle::ended, &wait, [&](core::JobState state) {
        ok = state == core::JobState::Finished;
        cancelled = state == core::JobState::Cancelled;
        if (state == core::JobState::Failed)
            *error = job->error();
        wait.quit();
    });
    wait.exec();
    m_saving = false;
    if (cancelled) {
        statusBar()->showMessage(tr("Save cancelled; %1 was not changed.").arg(QFileInfo(path).fileName()), 5000);
        return false;
    }
    if (!ok) {
        QMessageBox::warning(this, tr("Save"), *error);
        return false;
    }
    if (saved.isNull() || saved.data() != m_document.get()) {
        statusBar()->showMessage(
            tr("Saved %1; the picture it holds was closed meanwhile, so the open one keeps its own name.")
                .arg(QFileInfo(path).fileName()),
            8000);
        return true;
    }
    m_document->setFilePath(path);
    // Only what was saved is clean: strokes made while the save ran are still unsaved.
    if (m_document->undoStack()->index() == savedIndex)
        m_document->undoStack()->setClean();
    if (core::Journal* journal = m_document->journal())
        journal->record({{"type", "saved"}, {"file", path}});
    updateTitle();
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

bool MainWindow::save()
{
    const QString path = m_document->filePath();
    if (path.endsWith(QLatin1String(".ora"), Qt::CaseInsensitive))
        return saveTo(path);
    return saveAs();
}

bool MainWindow::saveAs()
{
    QString suggestion = m_document->filePath();
    if (!suggestion.isEmpty())
        suggestion = QFileInfo(suggestion).path() + QLatin1Char('/') + QFileInfo(suggestion).completeBaseName() +
                     QStringLiteral(".ora");
    QString path = QFileDialog::getSaveFileName(this, tr("Save Project"), suggestion, tr("OpenRaster project (*.ora)"));
    if (path.isEmpty())
        return false;
    if (!path.endsWith(QLatin1String(".ora"), Qt::CaseInsensitive))
        path += QStringLiteral(".ora");
    return saveTo(path);
}

bool MainWindow::openImage(const QString& path)
{
    if (!maybeSave())
        return false;
    QString error;
    if (path.endsWith(QLatin1String(".ora"), Qt::CaseInsensitive)) {
        // Decoding a big project takes seconds: a background job (progress and Cancel in the
        // Jobs dock) while this window stays responsive; one open at a time.
        if (m_opening)
            return false;
        m_opening = true;
        auto result = std::make_shared<core::OraLoadResult>();
        const JobEnd end = runAndWait(core::makeOraLoadJob(path, result), &error);
        m_opening = false;
        if (end == JobEnd::Cancelled) {
            statusBar()->showMessage(tr("Opening %1 was cancelled.").arg(QFileInfo(path).fileName()), 5000);
            return false;
        }
        if (end != JobEnd::Finished || !result->document) {
            QMessageBox::warning(this, tr("Open"), error);
            return false;
        }
        setDocument(std::move(result->document));
        statusBar()->showMessage(tr("Opened %1").arg(QFileInfo(path).fileName()), 5000);
        return true;
    }
    const QImage image = core::loadImage(path, &error);
    if (image.isNull()) {
        QMessageBox::warning(this, tr("Open"), error);
        return false;
    }
    auto doc = std::make_unique<core::Document>(image, QFileInfo(path).completeBaseName());
    doc->setFilePath(path);
    setDocument(std::move(doc));
    statusBar()->showMessage(tr("Opened %1 (%2 x %3)").arg(QFileInfo(path).fileName()).arg(image.width()).arg(image.height()), 5000);
    return true;
}

void MainWindow::openDialog()
{
    QStringList patterns;
    for (const QByteArray& f : QImageReader::supportedImageFormats())
        patterns << QStringLiteral("*.") + QString::fromLatin1(f);
    patterns.prepend(QStringLiteral("*.ora"));
    const QString path = QFileDialog::getOpenFileName(this, tr("Open"), QString(),
                                                      tr("Projects and images (%1)").arg(patterns.join(QLatin1Char(' '))));
    if (!path.isEmpty())
        openImage(path);
}

void MainWindow::exportDialog()
{
    QString suggestion = m_document->filePath().isEmpty() ? tr("untitled.png") : m_document->filePath();
    suggestion = QFileInfo(suggestion).path() + QLatin1Char('/') + QFileInfo(suggestion).completeBaseName() +
                 QStringLiteral(".png");
    ExportDialog dialog(m_document->size(), suggestion, usableUpscalers(), this);
    if (dialog.exec() == QDialog::Accepted)
        exportTo(dialog.path(), dialog.outputSize(), dialog.quality(), dialog.upscaler());
}

bool MainWindow::exportTo(const QString& path, QSize size, int quality, const core::ModelEntry& upscaler)
{
    if (m_exporting) {
        statusBar()->showMessage(tr("An export is already running."), 5000);
        return false;
    }
    // Compositing, the AI upscale, resampling and encoding run in one background job on a
    // snapshot taken now (issue #16 defect 6: a 4096² export held the window for seconds):
    // strokes made meanwhile belong to the next export.
    core::ExportOptions options;
    options.path = path;
    options.size = size;
    options.quality = quality;
    options.text = core::provenanceText(*m_document);
    if (!upscaler.id.isEmpty()) {
        const auto compute = core::currentCompute();
        options.upscaler = upscaler;
        options.precision = compute.precision;
        options.device = compute.device;
        // The composite has an alpha channel (ARGB32_Premultiplied).
        if (!upscalePreflight(upscaler, m_document->size(), true, &options.upscaleInput, &options.device))
            return false;
        statusBar()->showMessage(tr("Upscaling %1× with %2 for %3…")
                                     .arg(core::upscalerScale(upscaler))
                                     .arg(upscaler.id, QFileInfo(path).fileName()));
    } else {
        statusBar()->showMessage(tr("Exporting %1…").arg(QFileInfo(path).fileName()));
    }
    m_exporting = true;
    const auto done = qScopeGuard([this] { m_exporting = false; });
    auto result = std::make_shared<core::ExportResult>();
    QString error;
    const JobEnd end = runAndWait(core::makeExportJob(*m_document, options, result), &error);
    if (end == JobEnd::Cancelled) {
        statusBar()->showMessage(tr("Export cancelled; %1 was not written.").arg(QFileInfo(path).fileName()), 5000);
        return false;
    }
    if (end == JobEnd::Failed) {
        statusBar()->clearMessage();
        QMessageBox::warning(this, tr("Export"),
                             upscaler.id.isEmpty() ? error : tr("AI upscaling failed: %1").arg(error));
        return false;
    }
    statusBar()->showMessage(
        upscaler.id.isEmpty()
            ? tr("Exported %1 (%2 x %3)").arg(QFileInfo(path).fileName()).arg(result->size.width()).arg(result->size.height())
            : tr("Exported %1 (%2 x %3, AI upscaled with %4)")
                  .arg(QFileInfo(path).fileName())
                  .arg(result->size.width())
                  .arg(result->size.height())
                  .arg(upscaler.id),
        5000);
    return true;
}

QVector<core::ModelEntry> MainWindow::usableUpscalers() const
{
    QVector<core::ModelEntry> out;
    for (const auto& e : m_catalogue.entries(QStringLiteral("upscaler")))
        if (e.isValid())
            out << e;
    return out;
}

bool MainWindow::upscalePreflight(const core::ModelEntry& upscaler, QSize size, bool alpha, QSize* input,
                                  QString* device)
{
    // Memory pre-flight (docs/RELIABILITY.md): nothing is loaded or allocated before the
    // estimate fits; "Downscale to fit" enlarges a smaller copy (a smaller result).
    *input = size;
    const int scale = core::upscalerScale(upscaler);
    const auto estimate = core::estimateUpscaleMemory(size, scale, alpha);
    const int64_t available = core::availableMemory(*device);
    if (core::fitsInMemory(estimate, available))
        return true;
    QVector<MemoryPreflightDialog::Option> options;
    const double fit = core::scaleToFitMemory(
        [&](double s) { return core::estimateUpscaleMemory(size * s, scale, alpha).bytes; }, available);
    const QSize smaller = (QSizeF(size) * fit).toSize();
    if (fit > 0 && !smaller.isEmpty())
        options.push_back({QStringLiteral("downscale"), tr("Downscale to fit"),
                           tr("Downscale: enlarge a %1 × %2 px copy instead (a %3 × %4 px result).")
                               .arg(smaller.width())
                               .arg(smaller.height())
                               .arg(smaller.width() * scale)
                               .arg(smaller.height() * scale)});
    if (device->startsWith(QLatin1String("cuda")) && core::fitsInMemory(estimate, core::availableMemory(QStringLiteral("cpu"))))
        options.push_back({QStringLiteral("cpu"), tr("Switch to CPU"), tr("CPU: enough memory there, but slower.")});
    const QString choice = MemoryPreflightDialog::ask(this, tr("AI Upscale"), estimate, available, *device, options);
    if (choice == QLatin1String("downscale")) {
        *input = smaller;
        return true;
    }
    if (choice == QLatin1String("cpu")) {
        *device = QStringLiteral("cpu");
        return true;
    }
    statusBar()->showMessage(tr("Not upscaled: not enough memory. Nothing was changed."), 8000);
    return false;
}

std::unique_ptr<core::UpscaleTask> MainWindow::prepareUpscale(const core::ModelEntry& upscaler, const QImage& image,
                                                             QString* error)
{
    auto compute = core::currentCompute();
    QSize input;
    if (!upscalePreflight(upscaler, image.size(), image.hasAlphaChannel(), &input, &compute.device)) {
        error->clear(); // cancelled: callers say so without an error box
        return nullptr;
    }
    // Cheap here: the task checks the size and takes the result's memory; its job verifies the
    // weights, loads the network and converts the picture on a worker.
    try {
        return std::make_unique<core::UpscaleTask>(
            upscaler, input == image.size() ? image : image.scaled(input, Qt::IgnoreAspectRatio, Qt::SmoothTransformation),
            compute.precision, compute.device);
    } catch (const std::exception& e) {
        *error = QString::fromStdString(e.what());
    }
    return nullptr;
}

MainWindow::JobEnd MainWindow::runAndWait(const std::shared_ptr<engine::Job>& job, QString* error)
{
    QEventLoop wait;
    JobEnd end = JobEnd::Failed;
    core::JobHandle* handle = m_runner->submit(job);
    connect(handle, &core::JobHandle::ended, &wait, [&](core::JobState state) {
        end = state == core::JobState::Finished    ? JobEnd::Finished
              : state == core::JobState::Cancelled ? JobEnd::Cancelled
                                                   : JobEnd::Failed;
        if (state == core::JobState::Failed)
            *error = handle->error();
        wait.quit();
    });
    if (auto* d = dock(QStringLiteral("jobsDock")))
        d->show(), d->raise();
    wait.exec();
    return end;
}

void MainWindow::explainNoUpscalers(const QString& title)
{
    QMessageBox box(QMessageBox::Information, title, core::upscalerInstallHint(), QMessageBox::Ok, this);
    box.setObjectName(QStringLiteral("noUpscalers"));
    box.exec();
}

void MainWindow::upscaleImageDialog()
{
    const auto upscalers = usableUpscalers();
    if (upscalers.isEmpty()) {
        explainNoUpscalers(tr("AI Upscale"));
        return;
    }
    UpscaleDialog dialog(m_document->size(), upscalers, this);
    if (dialog.exec() == QDialog::Accepted && !dialog.upscaler().id.isEmpty())
        upscaleImage(dialog.upscaler());
}

bool MainWindow::upscaleImage(const core::ModelEntry& upscaler)
{
    if (m_upscaling) {
        statusBar()->showMessage(tr("An AI upscale is already running."), 5000);
        return false;
    }
    // A new document replaces this one, as Open does: offer to save it first.
    if (!maybeSave())
        return false;
    const QImage image = m_document->composite();
    const int dpi = m_document->dpi();
    m_upscaling = true;
    const auto done = qScopeGuard([this] { m_upscaling = false; });
    QString error;
    const auto task = prepareUpscale(upscaler, image, &error);
    if (!task) {
        if (!error.isEmpty()) { // empty: the memory pre-flight was cancelled (message shown)
            statusBar()->clearMessage();
            QMessageBox::warning(this, tr("AI Upscale"), error);
        }
        return false;
    }
    const int scale = task->scale();
    if (qint64(image.width()) * scale > core::Document::kMaxEdge || qint64(image.height()) * scale > core::Document::kMaxEdge) {
        statusBar()->clearMessage();
        QMessageBox::warning(this, tr("AI Upscale"),
                             tr("%1 × %2 px enlarged %3× is larger than a canvas may be (%4 px on a side). Export it "
                                "with AI upscaling instead.")
                                 .arg(image.width())
                                 .arg(image.height())
                                 .arg(scale)
                                 .arg(core::Document::kMaxEdge));
        return false;
    }
    statusBar()->showMessage(tr("Upscaling the picture %1× with %2…").arg(scale).arg(upscaler.id));
    const JobEnd end = runAndWait(task->job(), &error);
    if (end == JobEnd::Cancelled) {
        statusBar()->showMessage(tr("AI upscale cancelled; the picture was not changed."), 5000);
        return false;
    }
    if (end == JobEnd::Failed) {
        statusBar()->clearMessage();
        QMessageBox::warning(this, tr("AI Upscale"), tr("AI upscaling failed: %1").arg(error));
        return false;
    }
    // Work done while the network ran is offered for saving too before it is replaced.
    if (!maybeSave()) {
        statusBar()->showMessage(tr("AI upscale discarded; the picture was not changed."), 5000);
        return false;
    }
    const QImage result = task->result();
    auto doc = std::make_unique<core::Document>(result, tr("Upscaled ×%1").arg(scale));
    doc->setDpi(dpi);
    // Not saved anywhere yet: closing asks about it.
    doc->undoStack()->resetClean();
    setDocument(std::move(doc));
    statusBar()->showMessage(tr("Upscaled %1× with %2: %3 × %4 px (a new, unsaved document)")
                                 .arg(scale)
                                 .arg(upscaler.id)
                                 .arg(result.width())
                                 .arg(result.height()),
                             8000);
    return true;
}

namespace {
/// The bounding box of the pixels of @p image that are not fully transparent.
QRect opaqueBounds(const QImage& image)
{
    const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
    int left = argb.width(), right = -1, top = argb.height(), bottom = -1;
    for (int y = 0; y < argb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        for (int x = 0; x < argb.width(); ++x)
            if (qAlpha(line[x]) != 0) {
                left = qMin(left, x);
                right = qMax(right, x);
                top = qMin(top, y);
                bottom = qMax(bottom, y);
            }
    }
    return right < 0 ? QRect() : QRect(QPoint(left, top), QPoint(right, bottom));
}
} // namespace

void MainWindow::upscaleLayerDialog()
{
    const auto upscalers = usableUpscalers();
    if (upscalers.isEmpty()) {
        explainNoUpscalers(tr("AI Upscale Layer"));
        return;
    }
    const QRect bounds = opaqueBounds(m_document->layer(m_document->currentLayer()).image());
    if (bounds.isEmpty()) {
        statusBar()->showMessage(tr("The current layer is empty: nothing to upscale."), 5000);
        return;
    }
    UpscaleDialog dialog(bounds.size(), upscalers, this);
    if (dialog.exec() == QDialog::Accepted && !dialog.upscaler().id.isEmpty())
        upscaleLayer(dialog.upscaler());
}

bool MainWindow::upscaleLayer(const core::ModelEntry& upscaler)
{
    if (m_upscaling) {
        statusBar()->showMessage(tr("An AI upscale is already running."), 5000);
        return false;
    }
    const int index = m_document->currentLayer();
    const QString layerName = m_document->layer(index).name;
    const QImage layerImage = m_document->layer(index).image();
    const QRect bounds = opaqueBounds(layerImage);
    if (bounds.isEmpty()) {
        statusBar()->showMessage(tr("The current layer is empty: nothing to upscale."), 5000);
        return false;
    }
    m_upscaling = true;
    const auto done = qScopeGuard([this] { m_upscaling = false; });
    QString error;
    const auto task = prepareUpscale(upscaler, layerImage.copy(bounds), &error);
    if (!task) {
        if (!error.isEmpty()) { // empty: the memory pre-flight was cancelled (message shown)
            statusBar()->clearMessage();
            QMessageBox::warning(this, tr("AI Upscale Layer"), error);
        }
        return false;
    }
    const int scale = task->scale();
    statusBar()->showMessage(tr("Upscaling the layer %1× with %2…").arg(scale).arg(upscaler.id));
    const auto* document = m_document.get();
    const JobEnd end = runAndWait(task->job(), &error);
    if (end == JobEnd::Cancelled || m_document.get() != document) {
        statusBar()->showMessage(tr("AI upscale cancelled; the picture was not changed."), 5000);
        return false;
    }
    if (end == JobEnd::Failed) {
        statusBar()->clearMessage();
        QMessageBox::warning(this, tr("AI Upscale Layer"), tr("AI upscaling failed: %1").arg(error));
        return false;
    }
    const QImage result = task->result();
    QRect target(QPoint(0, 0), result.size());
    target.moveCenter(bounds.center());
    QImage full(m_document->size(), QImage::Format_ARGB32_Premultiplied);
    full.fill(Qt::transparent);
    {
        QPainter p(&full);
        p.drawImage(target.topLeft(), result);
    }
    const QString name = tr("Upscaled ×%1: %2").arg(scale).arg(layerName);
    const QJsonObject provenance{{QStringLiteral("upscaler"), upscaler.id},
                                 {QStringLiteral("scale"), scale},
                                 {QStringLiteral("source_layer"), layerName},
                                 {QStringLiteral("source_bounds"),
                                  QJsonArray{bounds.x(), bounds.y(), bounds.width(), bounds.height()}}};
    m_document->addResultLayer(name, full, QImage(), tr("AI upscale layer %1").arg(layerName), provenance);
    statusBar()->showMessage(tr("%1 added (%2 × %3 px, centred on the original)").arg(name).arg(result.width()).arg(result.height()),
                             8000);
    return true;
}

bool MainWindow::withinPixelLimit(QSize size, const QString& title)
{
    // Files are checked from their header by core::loadImage; a pasted or dropped picture is
    // decoded already, but the same limit keeps it from becoming a layer (docs/RELIABILITY.md).
    if (qint64(size.width()) * size.height() <= core::configuredMaxPixels())
        return true;
    QMessageBox::warning(this, title,
                         tr("The picture is %1 x %2 pixels, more than the %3 megapixel limit (setting "
                            "limits/maxMegapixels).")
                             .arg(size.width())
                             .arg(size.height())
                             .arg(core::maxMegapixels()));
    return false;
}

bool MainWindow::pasteAsLayer()
{
    const QImage image = QApplication::clipboard()->image();
    if (image.isNull()) {
        statusBar()->showMessage(tr("The clipboard holds no image."), 4000);
        return false;
    }
    if (!withinPixelLimit(image.size(), tr("Paste")))
        return false;
    m_document->addLayer(tr("Pasted"), image);
    return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if ((!urls.isEmpty() && urls.first().isLocalFile()) || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        openImage(urls.first().toLocalFile());
        event->acceptProposedAction();
    } else if (event->mimeData()->hasImage()) {
        const QImage image = qvariant_cast<QImage>(event->mimeData()->imageData());
        if (withinPixelLimit(image.size(), tr("Drop")))
            m_document->addLayer(tr("Dropped"), image);
        event->acceptProposedAction();
    }
}

void MainWindow::runBenchmark()
{
    auto results = std::make_shared<QVector<core::BenchFigure>>();
    core::BenchRequest request;
    core::JobHandle* job = m_runner->submit(core::makeBenchmarkJob(request, results));
    // Show the figures when this job finishes.
    connect(job, &core::JobHandle::finished, this, [this, results] {
        QStringList lines;
        for (const auto& f : *results)
            lines << (!f.error.isEmpty()     ? tr("%1: failed: %2").arg(f.name, f.error)
                      : !f.skipped.isEmpty() ? tr("%1: skipped: %2").arg(f.name, f.skipped)
                                             : QStringLiteral("%1: %2 %3").arg(f.name).arg(f.value, 0, 'f', 2).arg(f.unit));
        auto* box = new QMessageBox(QMessageBox::Information, tr("Benchmark"), lines.join(QLatin1Char('\n')),
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("benchmarkResults"));
        box->open();
    });
    if (auto* d = dock(QStringLiteral("jobsDock")))
        d->show(), d->raise();
}

void MainWindow::showAbout()
{
    auto* dialog = new AboutDialog(core::runtimeReport(m_catalogue), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::reloadModels()
{
    m_catalogue.scan();
    m_styles->reload();
    m_latent->setGenerators(m_catalogue.entries(QStringLiteral("generator")));
    m_latent->setUpscalers(usableUpscalers());
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1400, 900);
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
        // The first start: the gallery is what the right-hand column is for. It gets most of the
        // height (measured at the default 1400 x 900: a preview large enough to judge and the
        // Apply controls without scrolling, ui.main_window checks it) and a width that shows four
        // thumbnails a row; the window has its size by now, so the proportions hold.
        // Once shown: before that the dock layout has no height to divide.
        QTimer::singleShot(0, this, [this] {
            resizeDocks({dock(QStringLiteral("layersDock")), dock(QStringLiteral("styleGalleryDock"))}, {290, 470},
                        Qt::Horizontal);
            resizeDocks({dock(QStringLiteral("styleGalleryDock")), dock(QStringLiteral("brushesDock"))}, {680, 170},
                        Qt::Vertical);
        });
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    m_runner->cancelAll();
    event->accept();
}

} // namespace ganvas::ui
