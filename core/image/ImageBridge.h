// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ImageBridge.h
/// Conversions between QImage (the UI's and the document's pixels), cv::Mat (OpenCV's) and
/// torch::Tensor (the engine's). Every function copies: the result owns its memory and never
/// aliases the input. Colour order is explicit:
///  - tensors are NCHW float32 with N = 1, channels R,G,B(,A), values in [0,1], straight
///    (non-premultiplied) alpha;
///  - cv::Mat is 8-bit B,G,R(,A) (OpenCV's order), straight alpha;
///  - QImage of any format in; Format_RGBA8888 (alpha) or Format_RGB888 (no alpha) out.
/// 8-bit values map to v/255 and back with round-to-nearest, so 8-bit round trips are exact.
/// Thread-safe (no shared state); call from workers, never needed on the UI thread.

#include <QImage>

#include <opencv2/core/mat.hpp>
#include <torch/torch.h>

namespace ganvas::core {

enum class Alpha { Drop, Keep };

/// QImage -> [1,3,H,W] (Alpha::Drop) or [1,4,H,W] (Alpha::Keep). Premultiplied formats are
/// un-premultiplied first. Throws std::invalid_argument for a null image.
torch::Tensor imageToTensor(const QImage& image, Alpha alpha = Alpha::Drop);

/// [1,C,H,W] or [C,H,W] (C = 1 grey, 3 RGB, 4 RGBA), any device and floating dtype -> QImage.
/// Values are clamped to [0,1]. Throws std::invalid_argument for other shapes.
QImage tensorToImage(const torch::Tensor& tensor);

/// QImage -> CV_8UC3 (BGR) or CV_8UC4 (BGRA).
cv::Mat imageToMat(const QImage& image, Alpha alpha = Alpha::Drop);

/// CV_8UC1 (grey), CV_8UC3 (BGR), CV_8UC4 (BGRA) -> QImage. Throws for other types.
QImage matToImage(const cv::Mat& mat);

/// CV_8UC1/3/4 (grey/BGR/BGRA) -> [1,C,H,W] RGB(A) float (grey expands to 3 channels).
torch::Tensor matToTensor(const cv::Mat& mat);

/// [1,C,H,W] RGB(A) float -> CV_8UC3 BGR / CV_8UC4 BGRA.
cv::Mat tensorToMat(const torch::Tensor& tensor);

} // namespace ganvas::core
