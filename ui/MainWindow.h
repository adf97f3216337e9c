// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file MainWindow.h
/// The studio window: canvas in the middle; docks for the Style Gallery, Latent Space, Layers and
/// Jobs; File/Edit/View/Tools/Help menus with the standard shortcuts. Window geometry and dock
/// layout are kept in QSettings. Owns the job runner and the model catalogue.

#include "core/models/ModelCatalogue.h"

#include <QMainWindow>

#include <memory>

class QDockWidget;
class QMenu;
class QLabel;
class QUndoView;

namespace ganvas::engine {
class Job;
}

namespace ganvas::core {
class AutosaveSession;
class Document;
class JobRunner;
class UpscaleTask;
} // namespace ganvas::core

namespace ganvas::ui {

class BrushPanel;
class CanvasView;
class ColourPanel;
class JobsPanel;
class LatentStudioPanel;
class LayersPanel;
class StyleGalleryPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    core::JobRunner* jobRunner() const { return m_runner; }
    core::Document* document() const { return m_document.get(); }
    CanvasView* canvas() const { return m_canvas; }
    JobsPanel* jobsPanel() const { return m_jobs; }
    StyleGalleryPanel* styleGallery() const { return m_styles; }
    LatentStudioPanel* latentStudio() const { return m_latent; }
    QDockWidget* dock(const QString& objectName) const;
    BrushPanel* brushPanel() const { return m_brushes; }
    ColourPanel* colourPanel() const { return m_colours; }
    /// Every action that has a shortcut-settable object name (menus and tools).
    QList<QAction*> namedActions() const;

    /// Replaces the document (no unsaved-changes check: issue #3 adds it).
    /// @p blank: the document starts empty (autosave needs no snapshot of it).
    void setDocument(std::unique_ptr<core::Document> document, bool blank = false);
    /// Opens an OpenRaster project or an image file as the document; on failure shows why and
    /// keeps the current one. Asks about unsaved changes first.
    bool openImage(const QString& path);
    /// Saves to @p path as OpenRaster in a background job and waits for it (the window stays
    /// responsive); on success the document is clean and remembers the path.
    bool saveTo(const QString& path);
    /// Offers to save unsaved changes. Returns false when the user cancels.
    bool maybeSave();
    /// Writes the flattened image at @p size (empty: the canvas size) with its provenance.
    /// With @p upscaler (an installed upscaler entry; empty id: none) the picture is enlarged by
    /// the network in a background job (progress and Cancel in the Jobs dock; the window stays
    /// responsive while this waits) and, if @p size differs from the result, resampled to it; the
    /// file is written only when the job finished, and records the upscaler's id.
    bool exportTo(const QString& path, QSize size = {}, int quality = 92, const core::ModelEntry& upscaler = {});
    /// Image ▸ AI Upscale: enlarges the flattened picture with @p upscaler in a background job
    /// and opens the result as a new, unsaved document (the current one is offered for saving
    /// first, like Open). False when cancelled, refused or failed (the document is then unchanged).
    bool upscaleImage(const core::ModelEntry& upscaler);
    /// Enlarges the current layer's content (its non-transparent bounding box) with @p upscaler
    /// onto a new layer above it, centred where the content was and clipped to the canvas: one
    /// undo step; the original layer is kept. False (with a status) when it cannot run.
    bool upscaleLayer(const core::ModelEntry& upscaler);
    /// Adds the clipboard's image as a new layer.
    bool pasteAsLayer();
    /// Looks for work a crashed Ganvas left behind and offers to recover it (newest first).
    /// Returns true when a document was recovered.
    bool offerRecovery();
    /// The autosave journal of the current document (empty when autosave could not start).
    QString autosaveJournal() const;

public Q_SLOTS:
    void newDocument();
    void openDialog();
    void exportDialog();
    /// Asks for the factor and model, then upscaleImage().
    void upscaleImageDialog();
    /// Asks for the factor and model, then upscaleLayer().
    void upscaleLayerDialog();
    bool save();
    bool saveAs();
    void runBenchmark();
    void showAbout();
    void reloadModels();
    void configureShortcuts();
    /// Settings ▸ Preferences…: device, threads, precision, limits, the default canvas.
    void showPreferences();
    /// Tab: hides every dock, or brings back the ones that were shown.
    void toggleDocks();

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createDocks();
    void createActions();
    void restoreWindowState();
    void updateTitle();
    /// The status bar's device · threads · precision, from core::currentCompute().
    void updateComputeStatus();
    void loadBrushes();
    QAction* addNamedAction(QMenu* menu, const QString& name, const QString& text, const QKeySequence& key);
    /// The installed upscalers that can be used (broken ones left out).
    QVector<core::ModelEntry> usableUpscalers() const;
    /// The message box shown when an AI upscale command finds no model installed.
    void explainNoUpscalers(const QString& title);
    /// False (with a message box titled @p title) when a pasted or dropped picture is larger
    /// than the configured pixel limit (core::configuredMaxPixels()).
    bool withinPixelLimit(QSize size, const QString& title);
    /// Builds the upscaling task for @p image on a helper thread (loading the network and
    /// converting the picture), waiting in a local event loop. Null with @p error on failure.
    /// Memory pre-flight first (MemoryPreflightDialog): returns nullptr with an empty @p error
    /// when the user cancelled it.
    std::unique_ptr<core::UpscaleTask> prepareUpscale(const core::ModelEntry& upscaler, const QImage& image, QString* error);
    /// The memory pre-flight of enlarging a @p size picture: true when it fits or the user chose
    /// a way that does (*input: a smaller size to enlarge, *device: the CPU); false when cancelled
    /// (the status bar says so).
    bool upscalePreflight(const core::ModelEntry& upscaler, QSize size, bool alpha, QSize* input, QString* device);
    enum class JobEnd { Finished, Failed, Cancelled };
    /// Runs @p job, showing the Jobs dock, and waits for its end in a local event loop (the window
    /// stays responsive). @p error receives the failure message.
    JobEnd runAndWait(const std::shared_ptr<engine::Job>& job, QString* error);

    core::JobRunner* m_runner;
    core::ModelCatalogue m_catalogue;
    std::unique_ptr<core::Document> m_document;
    std::unique_ptr<core::AutosaveSession> m_autosave;
    CanvasView* m_canvas;
    JobsPanel* m_jobs = nullptr;
    LayersPanel* m_layers = nullptr;
    StyleGalleryPanel* m_styles = nullptr;
    LatentStudioPanel* m_latent = nullptr;
    BrushPanel* m_brushes = nullptr;
    ColourPanel* m_colours = nullptr;
    QUndoView* m_history = nullptr;
    QList<QDockWidget*> m_hiddenByTab;
    bool m_saving = false;
    bool m_opening = false; ///< a .ora open job is running (its wait loop is re-entrant)
    bool m_upscaling = false; ///< an AI upscale is waiting for its job
    bool m_exporting = false; ///< an export is waiting for its job
    QLabel* m_statusDevice = nullptr;
    QLabel* m_statusZoom = nullptr;
};

} // namespace ganvas::ui
