// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleGalleryPanel.h
/// The Style Gallery dock: a grid of style thumbnails with search, categories and favourites;
/// selecting (or hovering) a style shows the canvas, or the selection, in that style as a quick
/// low-resolution preview; Apply stylises the current layer (within the selection) at the chosen
/// strength on a worker and adds the result as a new layer in one undo step. "Style brush"
/// starts that layer fully masked so the artist paints where the style shows (two styles
/// applied this way blend by painting). Import a picture as a style, train a fast network for it
/// in the background, delete user styles.

#include "core/jobs/JobRunner.h"
#include "core/style/StyleRequest.h"
#include "core/style/StyleLibrary.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSlider;
class QToolButton;

namespace ganvas::core {
class Document;
}

namespace ganvas::ui {

class StyleGalleryPanel : public QWidget {
    Q_OBJECT
public:
    explicit StyleGalleryPanel(core::JobRunner* runner, QWidget* parent = nullptr);
    ~StyleGalleryPanel() override;

    void setDocument(core::Document* document);
    /// Re-reads the style folders (after install, import, training or delete).
    void reload();

    int styleCount() const;
    int visibleCount() const;
    /// Shows each fast style (network or classic) on the canvas as its thumbnail instead of its
    /// own picture: one small job per style, icons replaced as they finish. Off: the pictures.
    void setCanvasThumbnails(bool on);
    /// Styles whose thumbnail shows the canvas now.
    int canvasThumbnailCount() const { return static_cast<int>(m_canvasThumbs.size()); }
    /// Canvas thumbnails still being made.
    int pendingCanvasThumbnails() const { return static_cast<int>(m_thumbJobs.size()); }
    /// The canvas in style @p id as its thumbnail shows it (null when it does not).
    QImage canvasThumbnail(const QString& id) const { return m_canvasThumbs.value(id); }
    QString selectedId() const;
    void selectStyle(const QString& id);
    void setSearchText(const QString& text);
    void setStrength(int percent);
    void setStyleBrush(bool on);
    /// How Apply runs a fast style that ships its picture: "auto" (its network only), "refine"
    /// (the network's result at once, then refined by optimisation in the background) or
    /// "optimisation"; remembered. Picture styles always optimise.
    void setMethod(const QString& method);
    /// The last finished preview (null before the first).
    QImage previewImage() const { return m_previewImage; }
    /// Starts applying the selected style to the current layer; false (with a message in the
    /// status line) when nothing can be applied.
    bool applySelected();
    /// Imports @p path as a user style (no dialog). Returns the new style's id or empty.
    QString importStyle(const QString& path, const QString& name);
    bool isApplying() const { return m_applyJob != 0; }
    /// Live mode: the canvas is shown in the selected (fast) style, re-stylised region by region
    /// after each change (debounced; stale work cancelled), as an overlay that changes nothing.
    void setLive(bool on);
    bool isLive() const;
    /// The live overlay (document size), null when live mode is off.
    const QImage& liveImage() const { return m_liveImage; }

Q_SIGNALS:
    void previewReady(const QImage& image);
    /// A style result was added as a new (current) layer; @p styleBrush: it has an empty mask
    /// waiting to be painted.
    void applied(const QString& styleId, bool styleBrush);
    void applyFailed(const QString& message);
    /// A running apply job's latest preview over @p documentRect; a null image when it ended.
    void applyPreview(const QImage& image, const QRect& documentRect);
    void statusMessage(const QString& text);
    /// Live mode's picture of the whole canvas (null: show the canvas itself).
    void liveOverlay(const QImage& image, const QRect& documentRect);

private:
    void rebuildList();
    void schedulePreview();
    void startPreview();
    /// Submits @p job to the runner and routes its handle's reports to the slots below.
    core::JobId submit(std::shared_ptr<engine::Job> job);
    void onFinished(core::JobId id);
    void onFailed(core::JobId id, const QString& message);
    void onCancelled(core::JobId id);
    void onPreview(core::JobId id, const QImage& image, int pass);
    void updateButtons();
    const core::ModelEntry* selectedStyle() const;
    core::StyleRequest baseRequest(const core::ModelEntry& style) const;
    void importDialog();
    void trainDialog();
    void deleteSelected();
    void toggleFavourite();
    void setStatus(const QString& text);
    void markLiveDirty(const QRect& area);
    void startLive();
    bool liveUsable() const;
    /// Memory pre-flight of an apply: true to go on (with @p request possibly changed to
    /// smaller tiles, a downscaled size or the CPU), false when cancelled or refused.
    bool preflight(core::StyleRequest* request);

    QPointer<core::JobRunner> m_runner; ///< may go before this panel when the window closes
    QPointer<core::Document> m_document;
    core::StyleLibrary m_library;

    QLineEdit* m_search;
    QComboBox* m_category;
    QListWidget* m_list;
    QLabel* m_empty;
    QLabel* m_preview;
    QLabel* m_status;
    QSlider* m_strength;
    QLabel* m_strengthLabel;
    QComboBox* m_colour;
    QComboBox* m_method;
    QComboBox* m_refine; ///< optimisation: quick schedule or full (core::quickOptimisation)
    QCheckBox* m_brush;
    QCheckBox* m_live;
    QPushButton* m_apply;
    QPushButton* m_accept;
    QToolButton* m_favourite;
    QToolButton* m_import;
    QToolButton* m_train;
    QToolButton* m_delete;
    QToolButton* m_onCanvas;

    QTimer m_previewTimer;
    QString m_hoverId;
    core::JobId m_previewJob = 0;
    std::shared_ptr<core::StyleTask> m_previewTask;
    core::JobId m_applyJob = 0;
    std::shared_ptr<core::StyleTask> m_applyTask;
    QRect m_applyRect;
    int m_applyLayer = -1;
    bool m_applyBrush = false;
    QImage m_previewImage;
    QHash<core::JobId, QString> m_training; ///< training jobs -> style folder
    QHash<core::JobId, std::shared_ptr<core::StyleTask>> m_thumbJobs; ///< canvas thumbnails being made
    QHash<QString, QImage> m_canvasThumbs; ///< style id -> the canvas in that style, thumbnail-sized
    void renderCanvasThumbnails();
    void cancelCanvasThumbnails();
    QTimer m_liveTimer;
    QRect m_liveDirty;              ///< changed since the last live job started
    QRect m_liveRect;               ///< what the running live job covers
    core::JobId m_liveJob = 0;
    std::shared_ptr<core::StyleTask> m_liveTask;
    QImage m_liveImage;
};

} // namespace ganvas::ui
