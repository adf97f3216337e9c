// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file StyleEvaluation.h
/// (Engine-facing.) The style-quality evaluation of issue #13 as a Job: every style given, on
/// every picture of an evaluation set, against what optimisation reaches on the same picture.
/// Per (style, picture): the style's result (its network, or whatever its default method is),
/// the optimisation reference (cached on disk: it is the slow part), their texture distances to
/// the style picture and the content kept (engine/style/StyleQuality.h). Per style: the mean
/// texture share of the reference and the content kept by both. `ganvas-cli style-eval` and the
/// tests drive it; it never touches a document.

#include "core/engine/jobs/Job.h"
#include "core/engine/style/StyleQuality.h"
#include "core/models/ModelCatalogue.h"
#include "core/style/StyleRequest.h"

#include <QImage>
#include <QString>
#include <QStringList>
#include <QVector>

#include <nlohmann/json.hpp>

#include <optional>

namespace ganvas::core {

struct StyleEvalRequest {
    QVector<ModelEntry> styles;   ///< each must ship a style picture
    QStringList images;           ///< evaluation pictures (paths); broken ones are reported and skipped
    int side = 256;               ///< each picture is measured at this longest side (64..1024)
    /// Optimisation references are kept here between runs (one PNG per style, picture and
    /// setting); empty = not cached.
    QString cacheDir;
    /// Iterations etc. of the reference (styleScale is set per style); it always runs as classic
    /// Gatys (marks = false) in fp32.
    OptimisationSettings reference;
    /// Settings of a style's own run where its method is optimisation, when they differ from the
    /// reference's (a quick schedule measured against the full one); unset = the reference's, and
    /// a picture style's own run is then its reference.
    std::optional<OptimisationSettings> own;
    /// Fast styles that ship their picture: the own run is the network's result refined by the
    /// optimisation (StyleRequest::refine) with the @ref own settings (or the reference's); its
    /// first preview is then the network's result.
    bool refine = false;
    QString device = QStringLiteral("cpu");
    QString precision = QStringLiteral("fp32"); ///< the styles' own runs (references always run in fp32)
};

struct StyleEvalRow {
    QString style, image;
    engine::TextureDistance content, result, reference; ///< distances to the style picture
    engine::ContentKept resultKept, referenceKept;
    double textureShare = 0; ///< result's share of what the reference reaches (1 = as close)
    double seconds = 0;      ///< the style's own run (not the reference's)
    /// The first preview the own run streamed (optimisation: its first pass, enlarged to the
    /// picture as the studio shows it), when it arrived and its share; null/0 when none came.
    QImage firstImage;
    double firstSeconds = 0;
    engine::TextureDistance first;
    double firstShare = 0;
    bool referenceCached = false;
    QImage resultImage, referenceImage, contentImage; ///< at the measured size
};

struct StyleEvalSummary {
    QString style;
    int pictures = 0;
    /// Shares of the distances summed over the pictures (robust where optimisation gains little
    /// on one picture); textureShare is the smaller of swdShare and covarianceShare.
    double textureShare = 0;
    double swdShare = 0, covarianceShare = 0;
    double structure = 0, edges = 0;      ///< result's content kept, mean
    double referenceStructure = 0, referenceEdges = 0;
    double seconds = 0;                   ///< mean time of the style's own run
    int firstPictures = 0;                ///< pictures whose own run streamed a preview
    double firstShare = 0, firstSeconds = 0; ///< that first preview's texture share and mean time
};


class StyleEvalJob : public engine::Job {
public:
    /// Throws std::invalid_argument when there is nothing to evaluate or a style has no picture.
    explicit StyleEvalJob(StyleEvalRequest request);
    std::string title() const override;
    torch::Device device() const override;
    void run(engine::JobContext& ctx) override;

    const QVector<StyleEvalRow>& rows() const { return m_rows; }
    QVector<StyleEvalSummary> summaries() const;
    /// Pictures that could not be read ("name: reason").
    const QStringList& skipped() const { return m_skipped; }
    /// Rows and summaries as JSON (what `style-eval --json` prints).
    nlohmann::json toJson() const;
    /// Every style (rows) on the first @p pictures pictures: the style picture, then per picture
    /// the style's result beside optimisation's; a header row with the pictures. @p cell px.
    QImage contactSheet(int pictures = 4, int cell = 128) const;

private:
    StyleEvalRequest m_request;
    QVector<StyleEvalRow> m_rows;
    QStringList m_skipped;
};

} // namespace ganvas::core
