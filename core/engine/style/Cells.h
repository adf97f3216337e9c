// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Cells after the style network (ADR 0016): the large shapes a feed-forward network with a small
// receptive field does not draw — a Cubist picture's facets, a stained-glass window's panes and
// their lead lines. The content picture is cut into compact cells that follow its edges (SLIC,
// Achanta et al. 2012); inside each cell the network's result is replaced by a plane fitted to
// it (facets) or by its mean colour (panes), keeping a share of the network's own marks.

#include <nlohmann/json_fwd.hpp>
#include <torch/torch.h>

namespace ganvas::engine {

struct CellOptions {
    enum class Shape { None, Facets, Panes };
    Shape shape = Shape::None;
    /// Cells across the picture's longer side (so a preview and the full-size result agree).
    double across = 24;
    /// Share of the network's own marks kept inside a cell: 0 flat, 1 the network's result.
    double texture = 0.3;
    /// Width of the dark lines between cells, as a share of a cell's side (0: none).
    double lines = 0;
    /// How much a cell's shape follows the picture's colours rather than staying compact:
    /// 0 compact (almost a Voronoi cell), 1 follows every edge.
    double follow = 0.5;
    /// How far the cells' seeds stray from a regular (hexagonal) layout: 0 a honeycomb, 1 irregular.
    double jitter = 0.7;
    /// Facets: the fitted plane's slope multiplied by this (1 as fitted, more reads as turned planes).
    double relief = 1;

    bool enabled() const { return shape != Shape::None; }
    /// Reads {"shape":"facets"|"panes"|"none","across":n,"texture":t,"lines":w,"follow":f,
    /// "jitter":j,"relief":r}. Throws std::invalid_argument naming the bad key (limits: across
    /// 2..400, relief 0..4, the others 0..1).
    static CellOptions fromJson(const nlohmann::json& cells);
    nlohmann::json toJson() const;
};

/// Cuts @p rgb ([1,3,H,W] in 0..1, CPU or not) into compact cells of about @p cellSide pixels
/// that follow its colours as @p follow says, seeded as @p jitter says; returns the labels as an
/// int32 [H,W] CPU tensor whose values are 0..cells-1, each cell one 4-connected piece.
/// Deterministic.
torch::Tensor segmentCells(const torch::Tensor& rgb, double cellSide, double follow, double jitter = 0.7,
                           int iterations = 6);

/// @p styled (the network's result, [1,3,H,W] 0..1) painted cell by cell over the cells of
/// @p content (the same size); the result is on @p styled's device, float, 0..1.
torch::Tensor paintCells(const torch::Tensor& styled, const torch::Tensor& content, const CellOptions& options);

} // namespace ganvas::engine
