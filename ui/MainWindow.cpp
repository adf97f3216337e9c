// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/MainWindow.h"

#include "core/app/RuntimeReport.h"
#include "core/bench/BenchmarkJob.h"
#include "core/document/Document.h"
#include "core/io/ImageIO.h"
#include "core/jobs/JobRunner.h"
#include "core/settings/ComputeSettings.h"
#include "ui/canvas/CanvasView.h"
#include "ui/dialogs/AboutDialog.h"
#include "ui/panels/JobsPanel.h"
#include "ui/panels/LayersPanel.h"
#include "ui/panels/ModelListPanel.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QImageReader>
#include <QImageWriter>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QUndoStack>

static void initGanvasResources()
{
    Q_INIT_RESOURCE(ganvas);
}

namespace ganvas::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), m_runner(new core::JobRunner(this))
{
    initGanvasResources();
    setObjectName(QStringLiteral("mainWindow"));
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
    const auto compute = core::currentCompute();
    m_statusDevice->setText(tr("%1 · %2 threads · %3").arg(compute.device).arg(compute.threads).arg(compute.precision));
    connect(m_canvas, &CanvasView::zoomChanged, this,
            [this](qreal zoom) { m_statusZoom->setText(tr("%1 %").arg(qRound(zoom * 100))); });

    reloadModels();
    setDocument(std::make_unique<core::Document>(QSize(1024, 768)));
    restoreWindowState();
}

MainWindow::~MainWindow()
{
    // Stop workers before the document and panels they report to go away.
    m_runner->cancelAll();
    m_runner->waitForIdle(30000);
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
    m_styles = new ModelListPanel(
        QStringLiteral("style"),
        tr("No styles installed yet.\n\nStyle presets live in folders under %1/styles (or the bundled resources).")
            .arg(core::ModelCatalogue::userModelRoot()),
        this);
    m_generators = new ModelListPanel(
        QStringLiteral("generator"),
        tr("No generators installed yet.\n\nGenerators live in folders under %1/generators (or the bundled resources).")
            .arg(core::ModelCatalogue::userModelRoot()),
        this);
    m_layers = new LayersPanel(this);
    m_jobs = new JobsPanel(m_runner, this);

    auto* styleDock = addDock(QStringLiteral("styleGalleryDock"), tr("Style Gallery"), m_styles, Qt::RightDockWidgetArea);
    auto* latentDock = addDock(QStringLiteral("latentSpaceDock"), tr("Latent Space"), m_generators, Qt::RightDockWidgetArea);
    addDock(QStringLiteral("layersDock"), tr("Layers"), m_layers, Qt::LeftDockWidgetArea);
    addDock(QStringLiteral("jobsDock"), tr("Jobs"), m_jobs, Qt::LeftDockWidgetArea);
    tabifyDockWidget(styleDock, latentDock);
    styleDock->raise();
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* newAct = file->addAction(tr("&New"), this, &MainWindow::newDocument);
    newAct->setShortcut(QKeySequence::New);
    QAction* openAct = file->addAction(tr("&Open…"), this, &MainWindow::openDialog);
    openAct->setShortcut(QKeySequence::Open);
    QAction* exportAct = file->addAction(tr("&Export…"), this, &MainWindow::exportDialog);
    exportAct->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
    exportAct->setObjectName(QStringLiteral("actionExport"));
    file->addSeparator();
    QAction* quitAct = file->addAction(tr("&Quit"), this, &QWidget::close);
    quitAct->setShortcut(QKeySequence::Quit);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = edit->addAction(tr("&Undo"));
    undo->setObjectName(QStringLiteral("actionUndo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = edit->addAction(tr("&Redo"));
    redo->setObjectName(QStringLiteral("actionRedo"));
    redo->setShortcuts({QKeySequence::Redo, QKeySequence(tr("Ctrl+Shift+Z"))});
    connect(undo, &QAction::triggered, this, [this] { m_document->undoStack()->undo(); });
    connect(redo, &QAction::triggered, this, [this] { m_document->undoStack()->redo(); });

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* zoomIn = view->addAction(tr("Zoom &In"), m_canvas, &CanvasView::zoomIn);
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(tr("Ctrl+="))});
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), m_canvas, &CanvasView::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    view->addAction(tr("&Fit to Window"), m_canvas, &CanvasView::zoomToFit)->setShortcut(QKeySequence(tr("Ctrl+0")));
    view->addAction(tr("&Actual Size (100 %)"), m_canvas, &CanvasView::zoomActualSize)
        ->setShortcut(QKeySequence(tr("Ctrl+1")));
    view->addSeparator();
    for (auto* d : findChildren<QDockWidget*>())
        view->addAction(d->toggleViewAction());

    QMenu* tools = menuBar()->addMenu(tr("&Tools"));
    QAction* bench = tools->addAction(tr("Run &Benchmark"), this, &MainWindow::runBenchmark);
    bench->setObjectName(QStringLiteral("actionBenchmark"));
    tools->addAction(tr("&Reload Models"), this, &MainWindow::reloadModels);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About Ganvas"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::setDocument(std::unique_ptr<core::Document> document)
{
    m_canvas->setDocument(nullptr);
    m_layers->setDocument(nullptr);
    m_document = std::move(document);
    m_canvas->setDocument(m_document.get());
    m_layers->setDocument(m_document.get());
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
    setDocument(std::make_unique<core::Document>(QSize(1024, 768)));
}

bool MainWindow::openImage(const QString& path)
{
    QString error;
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
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Image"), QString(),
                                                      tr("Images (%1)").arg(patterns.join(QLatin1Char(' '))));
    if (!path.isEmpty())
        openImage(path);
}

void MainWindow::exportDialog()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Image"), QString(),
                                                      tr("PNG (*.png);;JPEG (*.jpg *.jpeg);;WebP (*.webp);;TIFF (*.tif *.tiff)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!core::saveImage(m_document->composite(), path, &error, 95))
        QMessageBox::warning(this, tr("Export"), error);
    else
        statusBar()->showMessage(tr("Exported %1").arg(QFileInfo(path).fileName()), 5000);
}

void MainWindow::runBenchmark()
{
    auto results = std::make_shared<QVector<core::BenchFigure>>();
    core::BenchRequest request;
    const core::JobId id = m_runner->submit(core::makeBenchmarkJob(request, results));
    // Show the figures when this job (and only this one) finishes.
    auto* context = new QObject(this);
    connect(m_runner, &core::JobRunner::finished, context, [this, id, results, context](core::JobId done) {
        if (done != id)
            return;
        context->deleteLater();
        QStringList lines;
        for (const auto& f : *results)
            lines << QStringLiteral("%1: %2 %3").arg(f.name).arg(f.value, 0, 'f', 2).arg(f.unit);
        auto* box = new QMessageBox(QMessageBox::Information, tr("Benchmark"), lines.join(QLatin1Char('\n')),
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("benchmarkResults"));
        box->open();
    });
    connect(m_runner, &core::JobRunner::failed, context, [id, context](core::JobId done) {
        if (done == id)
            context->deleteLater();
    });
    connect(m_runner, &core::JobRunner::cancelled, context, [id, context](core::JobId done) {
        if (done == id)
            context->deleteLater();
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
    m_styles->setModels(m_catalogue.entries(QStringLiteral("style")));
    m_generators->setModels(m_catalogue.entries(QStringLiteral("generator")));
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1400, 900);
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray()))
        resizeDocks({dock(QStringLiteral("layersDock")), dock(QStringLiteral("styleGalleryDock"))}, {320, 300},
                    Qt::Horizontal);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    m_runner->cancelAll();
    event->accept();
}

} // namespace ganvas::ui
