// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file LatentStudioPanel.h
/// The Latent Space dock (issue #5): pick an installed generator, explore its latent space with a
/// seed, truncation and GANSpace direction sliders (each with a lock and a −2/0/+2 strip), keep
/// every settled result in a history strip with its lineage, blend two results (A/B), breed two
/// history items into nine children, project the canvas (or the selection) into the latent space,
/// and place the current image on the canvas as a new layer (one undo step). "Train…" opens the
/// generator training dialog.
///
/// Threads: the generator is loaded on a helper thread and every image is rendered by a
/// core::LatentRenderer (latest request wins) or, for projection, as a core::JobRunner job; this
/// panel lives on the GUI thread and never renders itself. At most one render per tag is in
/// flight from here, so each result is known to belong to the request that produced it.

#include "core/gan/GeneratorSession.h"
#include "core/jobs/JobRunner.h"
#include "core/models/ModelCatalogue.h"

#include <QHash>
#include <QImage>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>
#include <QVector>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QGroupBox;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSlider;
class QSpinBox;
class QToolButton;

namespace ganvas::core {
class Document;
class UpscaleTask;
} // namespace ganvas::core

namespace ganvas::ui {

class GanTrainDialog;

class LatentStudioPanel : public QWidget {
    Q_OBJECT
public:
    /// One settled result in the history strip.
    struct HistoryRecord {
        int id = 0;                ///< shown as "#id", 1-based, never reused while the model stays
        core::Latent latent;       ///< what was shown (base moved by the offsets)
        core::Latent base;
        QVector<double> offsets;   ///< direction slider values, standard deviations
        qint64 seed = -1;          ///< seed of base, -1 when it came from elsewhere
        double truncation = 1.0;
        QVector<int> parents;      ///< ids of the parents of a bred child
        QString origin;            ///< "seed", "edit", "child", "blend", "projection"
    };

    /// @p runner (required) runs projection, placement and every slider render.
    explicit LatentStudioPanel(core::JobRunner* runner, QWidget* parent = nullptr);
    ~LatentStudioPanel() override;

    void setDocument(core::Document* document);
    /// The catalogue's "generator" entries (after every rescan). Keeps the current generator when
    /// it is still there, else loads the first usable one.
    void setGenerators(const QVector<core::ModelEntry>& generators);

    int generatorCount() const;
    QString currentGeneratorId() const;
    /// Selects and loads a generator (asynchronously: generatorReady() or status on failure).
    bool selectGenerator(const QString& id);
    /// The loaded generator (null while none or while loading).
    std::shared_ptr<core::GeneratorModel> model() const { return m_model; }

    /// What the main preview shows: the base latent moved by the direction offsets.
    core::Latent currentLatent() const { return m_current; }
    /// The last rendered main image at the model's resolution (null before the first render).
    QImage currentImage() const { return m_image; }
    /// The latent @ref currentImage was rendered from.
    core::Latent currentImageLatent() const { return m_imageLatent; }
    qint64 seed() const;
    void setSeed(qint64 seed);
    double truncation() const;
    void setTruncation(double psi);
    QVector<double> offsets() const { return m_offsets; }
    /// Draws a new seed at random (locked directions keep their values, the others go to 0).
    void randomise();

    int directionCount() const;
    QSlider* directionSlider(int k) const;
    QCheckBox* directionLock(int k) const;
    /// The −2/0/+2 strip of direction @p k (null image before it was rendered).
    QImage directionStrip(int k) const;

    int historyCount() const { return m_history.size(); }
    const HistoryRecord& historyRecord(int row) const { return m_history.at(row); }
    QListWidget* historyList() const { return m_historyList; }
    QString historyToolTip(int row) const;
    void restoreHistory(int row);

    /// Interpolation endpoints from the current result.
    void setEndpointA();
    void setEndpointB();
    /// Shows interpolateLatents(A, B, t) (t in [0,1]); false when A or B is not set.
    bool setBlend(double t);

    /// Breeds history rows @p a and @p b into nine children (rendered asynchronously:
    /// childrenReady()).
    bool breed(int a, int b);
    /// Breeds the two selected history items.
    bool breedSelected();
    int childCount() const { return m_children.size(); }
    QListWidget* childList() const { return m_childList; }
    /// Makes child @p index current and adds it to the history with its parents.
    void adoptChild(int index);

    /// Projects the selection's bounding area of the composite (or the whole canvas) into the
    /// latent space as a job. False (with a status) when nothing can be projected.
    bool projectCanvas();
    bool isProjecting() const { return m_projectionJob != 0; }
    void cancelProjection();

    /// Places the current image, enlarged to @p side px (square; the selection's bounding box when
    /// there is a selection) on a new layer: one undo step. False when there is nothing to place.
    /// When an upscaler is installed and the side is at least twice the generator's resolution,
    /// the image is enlarged by the ESRGAN network first (the smallest installed slim scale that
    /// reaches the side, then Lanczos to the exact size) in a background job, and the layer is
    /// added when it finished (placed()); otherwise at once with Lanczos. The status says which.
    bool placeOnCanvas(int side);
    bool isPlacing() const { return m_placeJob != 0; }
    /// The installed upscalers placeOnCanvas() may use (the catalogue's usable "upscaler" entries).
    void setUpscalers(const QVector<core::ModelEntry>& upscalers);
    /// The side the "Place on canvas" spin box holds.
    int placeSide() const;

    /// Opens (or raises) the training dialog.
    GanTrainDialog* openTrainDialog();
    QString statusText() const;

Q_SIGNALS:
    /// The generator @p id was loaded and its first image was requested.
    void generatorReady(const QString& id);
    void generatorFailed(const QString& id, const QString& message);
    /// The main preview shows a newly rendered image (model resolution).
    void imageRendered(const QImage& image);
    void historyChanged(int count);
    void childrenReady(int count);
    /// A direction strip was rendered.
    void stripRendered(int direction);
    void projectionEnded(bool ok);
    void placed(const QString& layerName);
    void statusMessage(const QString& text);
    /// A generator was trained: the catalogue should be scanned again.
    void modelsChanged();

private:
    struct RenderSlot {
        bool busy = false;
        quint64 busyGeneration = 0;
        QVector<core::Latent> busyLatents;
        bool hasPending = false;
        QVector<core::Latent> pendingLatents;
        double pendingTruncation = 1.0;
    };

    void buildUi();
    void startLoad(const core::ModelEntry& entry);
    void onLoaded(quint64 generation, const QString& id, std::shared_ptr<core::GeneratorModel> model,
                  const QString& error);
    void rebuildDirections(bool recreate = true);
    void updateInfo();
    void updateButtons();
    void setStatus(const QString& text);

    void requestRender(const QString& tag, const QVector<core::Latent>& latents, double truncation);
    void sendRender(const QString& tag, RenderSlot& slot);
    void onRendered(const QString& tag, const QVector<QImage>& images);
    void onRenderFailed(const QString& tag, const QString& message);
    void deliver(const QString& tag, const QVector<core::Latent>& latents, const QVector<QImage>& images);

    /// Recomputes the current latent from base and offsets and asks for its image.
    void showCurrent();
    void setBaseFromSeed(qint64 seed);
    /// Shows @p latent exactly; locked directions keep their slider values (the base is shifted
    /// so that base moved by them is @p latent).
    void adoptLatent(const core::Latent& latent, const QString& origin, const QVector<int>& parents);
    void setSlidersSilently();
    /// Adds the current result to the history unless it is the last one already.
    void settle();
    void scheduleSettle();
    void scheduleStrips();
    void renderStrips();
    void showImage(const QImage& image);
    void setHistoryIcon(int row, const QImage& image);
    int historyRow(int id) const;
    /// The largest centred square of the selection (or canvas), inside the canvas.
    QRect selectionSquare() const;

    /// A placement waiting for its image: where it goes and what it records.
    struct Placement {
        QRect target, clip;
        QImage mask;
        QImage source; ///< the generated image, at the generator's resolution
        QString name;
        QJsonObject provenance;
    };
    /// The slim upscaler for enlarging a @p from px image to @p to px: the smallest installed
    /// scale that reaches it, else the largest installed. Empty id when none is installed.
    core::ModelEntry placeUpscaler(int from, int to) const;
    /// Resizes @p image to the placement's size (Lanczos) and adds the layer (one undo step).
    bool finishPlacement(const Placement& placement, const QImage& image, const QString& upscalerId);
    void endPlaceJob();

    /// Follows a projection (or a placement) job through its handle: its previews, and its end
    /// while it is still the current one.
    void watchProjection(core::JobHandle* job);
    void projectionFinished(const core::ProjectionTask& task);
    /// Failed (@p error) or cancelled (empty).
    void projectionStopped(const QString& error);
    void watchPlacement(core::JobHandle* job);

    QPointer<core::JobRunner> m_runner;
    QPointer<core::Document> m_document;
    QVector<core::ModelEntry> m_generators;
    std::shared_ptr<core::GeneratorModel> m_model;
    QString m_modelId;
    quint64 m_generation = 0; ///< bumped whenever the model changes: older results are stale
    bool m_loading = false;
    core::LatentRenderer* m_renderer;
    QHash<QString, RenderSlot> m_slots;

    core::Latent m_base, m_current;
    QVector<double> m_offsets;
    qint64 m_seed = -1;
    QString m_origin;
    QVector<int> m_parents;
    QImage m_image;
    core::Latent m_imageLatent;
    QVector<QImage> m_strips;

    QVector<HistoryRecord> m_history;
    int m_nextHistoryId = 1;
    QHash<int, core::Latent> m_historyIconPending; ///< history id -> latent awaiting its icon
    core::Latent m_endA, m_endB;
    QVector<core::Latent> m_children;
    QVector<int> m_childParents;
    quint64 m_breedSeed = 1;

    QVector<core::ModelEntry> m_upscalers;
    core::JobId m_placeJob = 0;
    std::shared_ptr<core::UpscaleTask> m_placeTask;
    Placement m_placement;

    core::JobId m_projectionJob = 0;
    std::shared_ptr<core::ProjectionTask> m_projection;

    QTimer m_settleTimer;
    QTimer m_stripTimer;
    bool m_showAllDirections = false;

    QComboBox* m_generator;
    QLabel* m_info;
    QLabel* m_empty;
    QWidget* m_content;
    QLabel* m_preview;
    QSpinBox* m_seedSpin;
    QPushButton* m_randomise;
    QSlider* m_truncation;
    QLabel* m_truncationLabel;
    QGroupBox* m_directionBox;
    QGridLayout* m_directionGrid;
    QToolButton* m_more;
    QVector<QLabel*> m_dirLabels;
    QVector<QSlider*> m_dirSliders;
    QVector<QCheckBox*> m_dirLocks;
    QVector<QLabel*> m_dirStrips;
    QListWidget* m_historyList;
    QPushButton* m_setA;
    QPushButton* m_setB;
    QSlider* m_blend;
    QPushButton* m_breed;
    QSlider* m_mutation;
    QLabel* m_mutationLabel;
    QListWidget* m_childList;
    QPushButton* m_project;
    QPushButton* m_cancelProject;
    QSpinBox* m_placeSize;
    QPushButton* m_place;
    QPushButton* m_train;
    QLabel* m_status;
    QPointer<GanTrainDialog> m_trainDialog;
};

} // namespace ganvas::ui
