// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine/style/Cells.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace ganvas::engine {

namespace {

double number(const nlohmann::json& j, const char* key, double lo, double hi, double fallback)
{
    if (!j.contains(key))
        return fallback;
    const auto& v = j[key];
    if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi)
        throw std::invalid_argument(std::string("architecture.cells.") + key + " must be a number in " +
                                    std::to_string(lo).substr(0, 4) + ".." + std::to_string(hi).substr(0, 5));
    return v.get<double>();
}

// SplitMix64's finaliser: a well-spread hash of a cell's grid position.
uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// Three channels of a [1,3,H,W] tensor as one contiguous CPU float buffer, channel-major.
std::vector<float> planes(const torch::Tensor& rgb)
{
    const auto t = rgb.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return {t.data_ptr<float>(), t.data_ptr<float>() + t.numel()};
}

} // namespace

CellOptions CellOptions::fromJson(const nlohmann::json& j)
{
    if (!j.is_object())
        throw std::invalid_argument("architecture.cells must be an object");
    CellOptions o;
    if (j.contains("shape")) {
        const auto& s = j["shape"];
        if (s == "facets")
            o.shape = Shape::Facets;
        else if (s == "panes")
            o.shape = Shape::Panes;
        else if (s == "none")
            o.shape = Shape::None;
        else
            throw std::invalid_argument("architecture.cells.shape must be \"facets\", \"panes\" or \"none\"");
    }
    o.across = number(j, "across", 2, 400, o.across);
    o.texture = number(j, "texture", 0, 1, o.texture);
    o.lines = number(j, "lines", 0, 1, o.lines);
    o.follow = number(j, "follow", 0, 1, o.follow);
    o.jitter = number(j, "jitter", 0, 1, o.jitter);
    o.relief = number(j, "relief", 0, 4, o.relief);
    return o;
}

nlohmann::json CellOptions::toJson() const
{
    return {{"shape", shape == Shape::Facets  ? "facets"
                      : shape == Shape::Panes ? "panes"
                                              : "none"},
            {"across", across},
            {"texture", texture},
            {"lines", lines},
            {"follow", follow},
            {"jitter", jitter},
            {"relief", relief}};
}

torch::Tensor segmentCells(const torch::Tensor& rgb, double cellSide, double follow, double jitter, int iterations)
{
    if (rgb.dim() != 4 || rgb.size(0) != 1 || rgb.size(1) != 3)
        throw std::invalid_argument("segmentCells: expected one RGB picture [1,3,H,W]");
    const int64_t h = rgb.size(2), w = rgb.size(3);
    const std::vector<float> px = planes(rgb);
    const float* ch[3] = {px.data(), px.data() + h * w, px.data() + 2 * h * w};
    const double side = std::max(2.0, cellSide);
    const int64_t gy = std::max<int64_t>(1, std::llround(static_cast<double>(h) / side));
    const int64_t gx = std::max<int64_t>(1, std::llround(static_cast<double>(w) / side));
    const double sy = static_cast<double>(h) / static_cast<double>(gy);
    const double sx = static_cast<double>(w) / static_cast<double>(gx);
    const double s = std::sqrt(sx * sy);
    // SLIC's distance: colour² / m² + space² / S². A colour step of 1 (black to white) weighs as
    // much as m⁻¹ cells of distance; follow 0..1 maps to m = 2 .. 0.05.
    const double m = 2.0 * std::pow(0.025, std::clamp(follow, 0.0, 1.0));
    const double colourWeight = 1.0 / (m * m), spaceWeight = 1.0 / (s * s);

    struct Centre {
        double y, x, c[3];
    };
    std::vector<Centre> centres;
    centres.reserve(static_cast<size_t>(gy * gx));
    for (int64_t i = 0; i < gy; ++i)
        for (int64_t j = 0; j < gx; ++j) {
            // Seeds on a grid, every other row shifted by half a cell: hexagon-like cells, not squares.
            // and jittered (a fixed hash, so the cells are the same every run): irregular polygons.
            const uint64_t hash = mix(static_cast<uint64_t>(i) << 32 | static_cast<uint64_t>(j));
            const double jy = static_cast<double>(hash & 0xffff) / 65535.0 - 0.5;
            const double jx = static_cast<double>((hash >> 16) & 0xffff) / 65535.0 - 0.5;
            const double y = (static_cast<double>(i) + 0.5 + 0.6 * jitter * jy) * sy;
            const double x = (static_cast<double>(j) + 0.5 + (i % 2 ? 0.25 : -0.25) + 0.5 * jitter * jx) * sx;
            const int64_t p = std::min(h - 1, static_cast<int64_t>(y)) * w + std::min(w - 1, static_cast<int64_t>(x));
            centres.push_back({y, x, {ch[0][p], ch[1][p], ch[2][p]}});
        }

    std::vector<int32_t> label(static_cast<size_t>(h * w), 0);
    std::vector<float> best(static_cast<size_t>(h * w));
    // Each centre looks a cell's side around it (SLIC's 2S window): every pixel is reached by
    // the centres of its own and the neighbouring cells.
    const int64_t reach = static_cast<int64_t>(std::ceil(s));
    for (int it = 0; it < std::max(1, iterations); ++it) {
        std::fill(best.begin(), best.end(), std::numeric_limits<float>::max());
        for (size_t k = 0; k < centres.size(); ++k) {
            const Centre& c = centres[k];
            const float cw = static_cast<float>(colourWeight), sw = static_cast<float>(spaceWeight);
            const float c0 = static_cast<float>(c.c[0]), c1 = static_cast<float>(c.c[1]),
                        c2 = static_cast<float>(c.c[2]);
            const int64_t y0 = std::max<int64_t>(0, static_cast<int64_t>(c.y) - reach);
            const int64_t y1 = std::min<int64_t>(h, static_cast<int64_t>(c.y) + reach + 1);
            const int64_t x0 = std::max<int64_t>(0, static_cast<int64_t>(c.x) - reach);
            const int64_t x1 = std::min<int64_t>(w, static_cast<int64_t>(c.x) + reach + 1);
            for (int64_t y = y0; y < y1; ++y) {
                const float dy = static_cast<float>(static_cast<double>(y) + 0.5 - c.y);
                const float dyy = sw * dy * dy;
                const float x0f = static_cast<float>(static_cast<double>(x0) + 0.5 - c.x);
                const int64_t row = y * w;
                for (int64_t x = x0; x < x1; ++x) {
                    const int64_t p = row + x;
                    const float dx = x0f + static_cast<float>(x - x0);
                    const float d0 = ch[0][p] - c0, d1 = ch[1][p] - c1, d2 = ch[2][p] - c2;
                    const float d = cw * (d0 * d0 + d1 * d1 + d2 * d2) + sw * dx * dx + dyy;
                    if (d < best[p]) {
                        best[p] = d;
                        label[p] = static_cast<int32_t>(k);
                    }
                }
            }
        }
        // Pixels no centre reached (none when reach >= a cell's side) keep their last label.
        std::vector<std::array<double, 6>> sum(centres.size(), std::array<double, 6>{});
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x) {
                const int64_t p = y * w + x;
                auto& a = sum[label[p]];
                a[0] += 1, a[1] += y + 0.5, a[2] += x + 0.5, a[3] += ch[0][p], a[4] += ch[1][p], a[5] += ch[2][p];
            }
        for (size_t k = 0; k < centres.size(); ++k)
            if (sum[k][0] > 0)
                centres[k] = {sum[k][1] / sum[k][0],
                              sum[k][2] / sum[k][0],
                              {sum[k][3] / sum[k][0], sum[k][4] / sum[k][0], sum[k][5] / sum[k][0]}};
    }
    // Every cell one connected piece (SLIC's last step): pieces are labelled anew, and a piece
    // smaller than a quarter of a cell joins the piece beside it where its scan began.
    std::vector<int32_t> out(label.size(), -1);
    std::vector<int64_t> piece;
    const int64_t smallest = std::max<int64_t>(1, static_cast<int64_t>(0.25 * s * s));
    int32_t next = 0;
    for (int64_t start = 0; start < h * w; ++start) {
        if (out[start] >= 0)
            continue;
        const int64_t sy0 = start / w, sx0 = start % w;
        // The piece left of or above the start, already labelled anew (none at the first pixel).
        const int32_t beside = sx0 > 0 ? out[start - 1] : sy0 > 0 ? out[start - w] : -1;
        piece.assign(1, start);
        out[start] = next;
        for (size_t q = 0; q < piece.size(); ++q) {
            const int64_t p = piece[q], py = p / w, pxx = p % w;
            const int64_t around[4] = {pxx > 0 ? p - 1 : -1, pxx + 1 < w ? p + 1 : -1, py > 0 ? p - w : -1,
                                       py + 1 < h ? p + w : -1};
            for (const int64_t n : around)
                if (n >= 0 && out[n] < 0 && label[n] == label[start]) {
                    out[n] = next;
                    piece.push_back(n);
                }
        }
        if (static_cast<int64_t>(piece.size()) < smallest && beside >= 0) {
            for (const int64_t p : piece)
                out[p] = beside;
        } else {
            ++next;
        }
    }
    return torch::from_blob(out.data(), {h, w}, torch::kInt32).clone();
}

torch::Tensor paintCells(const torch::Tensor& styled, const torch::Tensor& content, const CellOptions& o)
{
    if (!o.enabled())
        return styled;
    if (styled.dim() != 4 || styled.size(1) != 3 || content.sizes() != styled.sizes())
        throw std::invalid_argument("paintCells: the styled picture and its content must be [1,3,H,W] of one size");
    const int64_t h = styled.size(2), w = styled.size(3);
    const double side = static_cast<double>(std::max(h, w)) / o.across;
    if (side < 3.0 || std::min(h, w) < 4)
        return styled; // cells of a pixel or two would only blur
    const torch::Tensor labels = segmentCells(content, side, o.follow, o.jitter);
    const int32_t* lab = labels.data_ptr<int32_t>();
    const int64_t cells = labels.max().item<int64_t>() + 1;
    const std::vector<float> px = planes(styled);
    const float* ch[3] = {px.data(), px.data() + h * w, px.data() + 2 * h * w};

    // Per cell: least squares of v ≈ a + b·x + c·y for each channel (facets), or the mean (panes).
    // Coordinates are taken relative to the picture's middle and scaled by the cell side, which
    // keeps the 3×3 systems well conditioned.
    const double cy = 0.5 * static_cast<double>(h), cx = 0.5 * static_cast<double>(w);
    struct Moments {
        double n = 0, x = 0, y = 0, xx = 0, xy = 0, yy = 0;
        double v[3] = {0, 0, 0}, vx[3] = {0, 0, 0}, vy[3] = {0, 0, 0};
    };
    std::vector<Moments> mo(static_cast<size_t>(cells));
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
            const int64_t p = y * w + x;
            Moments& m = mo[lab[p]];
            const double u = (static_cast<double>(x) - cx) / side, t = (static_cast<double>(y) - cy) / side;
            m.n += 1, m.x += u, m.y += t, m.xx += u * u, m.xy += u * t, m.yy += t * t;
            for (int c = 0; c < 3; ++c)
                m.v[c] += ch[c][p], m.vx[c] += ch[c][p] * u, m.vy[c] += ch[c][p] * t;
        }
    // Coefficients per cell and channel: a, b (per x), c (per y).
    std::vector<std::array<double, 9>> coef(static_cast<size_t>(cells));
    for (int64_t k = 0; k < cells; ++k) {
        const Moments& m = mo[k];
        auto& q = coef[k];
        for (int c = 0; c < 3; ++c)
            q[c * 3] = m.n > 0 ? m.v[c] / m.n : 0, q[c * 3 + 1] = 0, q[c * 3 + 2] = 0;
        if (o.shape != CellOptions::Shape::Facets || m.n < 6)
            continue;
        // Centred moments: the slope solves [[Sxx Sxy][Sxy Syy]]·[b c] = [Sxv Syv].
        const double mx = m.x / m.n, my = m.y / m.n;
        const double sxx = m.xx / m.n - mx * mx, sxy = m.xy / m.n - mx * my, syy = m.yy / m.n - my * my;
        const double det = sxx * syy - sxy * sxy;
        if (det < 1e-6)
            continue;
        for (int c = 0; c < 3; ++c) {
            const double mv = m.v[c] / m.n;
            const double sxv = m.vx[c] / m.n - mx * mv, syv = m.vy[c] / m.n - my * mv;
            const double b = (syy * sxv - sxy * syv) / det, cc = (sxx * syv - sxy * sxv) / det;
            const double r = o.relief; // a steeper plane: the facet reads as a turned surface
            q[c * 3] = mv - r * (b * mx + cc * my), q[c * 3 + 1] = r * b, q[c * 3 + 2] = r * cc;
        }
    }

    // Lines: pixels next to another cell, widened to the requested width.
    const int64_t lineWidth = o.lines > 0 ? std::max<int64_t>(1, std::llround(o.lines * side)) : 0;
    std::vector<uint8_t> line;
    if (lineWidth > 0) {
        std::vector<uint8_t> edge(static_cast<size_t>(h * w), 0);
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x) {
                const int64_t p = y * w + x;
                if ((x + 1 < w && lab[p] != lab[p + 1]) || (y + 1 < h && lab[p] != lab[p + w]))
                    edge[p] = 1;
            }
        // A boundary pixel marks the pixels within (width-1)/2 on either side, +1 on one side for
        // even widths: separable max filters along rows, then columns.
        const int64_t before = (lineWidth - 1) / 2, after = lineWidth - 1 - before;
        std::vector<uint8_t> rows(edge.size(), 0);
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x)
                if (edge[y * w + x])
                    for (int64_t d = std::max<int64_t>(0, x - before); d <= std::min<int64_t>(w - 1, x + after); ++d)
                        rows[y * w + d] = 1;
        line.assign(edge.size(), 0);
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x)
                if (rows[y * w + x])
                    for (int64_t d = std::max<int64_t>(0, y - before); d <= std::min<int64_t>(h - 1, y + after); ++d)
                        line[d * w + x] = 1;
    }

    // Panes are coloured glass: their mean colour, a little more saturated; lead is near black.
    const double keep = std::clamp(o.texture, 0.0, 1.0);
    const bool panes = o.shape == CellOptions::Shape::Panes;
    std::vector<float> out(px.size());
    for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
            const int64_t p = y * w + x;
            if (!line.empty() && line[p]) {
                for (int c = 0; c < 3; ++c)
                    out[c * h * w + p] = 0.06f + 0.08f * ch[c][p];
                continue;
            }
            const auto& q = coef[lab[p]];
            const double u = (static_cast<double>(x) - cx) / side, t = (static_cast<double>(y) - cy) / side;
            double v[3];
            for (int c = 0; c < 3; ++c)
                v[c] = q[c * 3] + q[c * 3 + 1] * u + q[c * 3 + 2] * t;
            if (panes) {
                const double l = 0.299 * v[0] + 0.587 * v[1] + 0.114 * v[2];
                for (double& c : v)
                    c = l + 1.25 * (c - l);
            }
            for (int c = 0; c < 3; ++c)
                out[c * h * w + p] = static_cast<float>(std::clamp((1.0 - keep) * v[c] + keep * ch[c][p], 0.0, 1.0));
        }
    return torch::from_blob(out.data(), styled.sizes(), torch::kFloat32).clone().to(styled.device());
}

} // namespace ganvas::engine
