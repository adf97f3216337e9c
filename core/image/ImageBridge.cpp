// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/image/ImageBridge.h"

#include <opencv2/imgproc.hpp>

#include <cstring>
#include <stdexcept>

namespace ganvas::core {

namespace {

/// [C,H,W] float in [0,1] on the CPU from either NCHW (N = 1) or CHW input.
torch::Tensor normaliseShape(const torch::Tensor& tensor, const char* who)
{
    if (!tensor.defined())
        throw std::invalid_argument(std::string(who) + ": undefined tensor");
    torch::Tensor t = tensor.detach();
    if (t.dim() == 4) {
        if (t.size(0) != 1)
            throw std::invalid_argument(std::string(who) + ": expected a single image, got a batch");
        t = t.squeeze(0);
    }
    if (t.dim() != 3 || !(t.size(0) == 1 || t.size(0) == 3 || t.size(0) == 4) || t.size(1) < 1 || t.size(2) < 1)
        throw std::invalid_argument(std::string(who) + ": expected [1,C,H,W] or [C,H,W] with C = 1, 3 or 4");
    return t.to(torch::kCPU, torch::kFloat32);
}

/// [C,H,W] float -> [H,W,C] uint8 contiguous, rounding to nearest.
torch::Tensor toBytesHwc(const torch::Tensor& chw)
{
    return chw.clamp(0.0, 1.0).mul(255.0).round().to(torch::kUInt8).permute({1, 2, 0}).contiguous();
}

} // namespace

torch::Tensor imageToTensor(const QImage& image, Alpha alpha)
{
    if (image.isNull())
        throw std::invalid_argument("imageToTensor: null image");
    const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
    const int64_t h = rgba.height(), w = rgba.width();
    // View the QImage rows (which may be padded) without copying, then copy into the tensor.
    const auto view = torch::from_blob(const_cast<uchar*>(rgba.constBits()), {h, w, 4},
                                       {rgba.bytesPerLine(), 4, 1}, torch::kUInt8);
    torch::Tensor t = view.permute({2, 0, 1}).to(torch::kFloat32).div_(255.0);
    if (alpha == Alpha::Drop)
        t = t.narrow(0, 0, 3);
    return t.unsqueeze(0).contiguous();
}

QImage tensorToImage(const torch::Tensor& tensor)
{
    torch::Tensor chw = normaliseShape(tensor, "tensorToImage");
    if (chw.size(0) == 1)
        chw = chw.expand({3, chw.size(1), chw.size(2)});
    const int channels = static_cast<int>(chw.size(0));
    const torch::Tensor hwc = toBytesHwc(chw);
    const int h = static_cast<int>(hwc.size(0)), w = static_cast<int>(hwc.size(1));
    QImage image(w, h, channels == 4 ? QImage::Format_RGBA8888 : QImage::Format_RGB888);
    if (image.isNull())
        throw std::bad_alloc();
    const auto* src = hwc.data_ptr<uint8_t>();
    const size_t rowBytes = static_cast<size_t>(w) * channels;
    for (int y = 0; y < h; ++y)
        std::memcpy(image.scanLine(y), src + y * rowBytes, rowBytes);
    return image;
}

cv::Mat imageToMat(const QImage& image, Alpha alpha)
{
    if (image.isNull())
        throw std::invalid_argument("imageToMat: null image");
    const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
    const cv::Mat view(rgba.height(), rgba.width(), CV_8UC4, const_cast<uchar*>(rgba.constBits()),
                       static_cast<size_t>(rgba.bytesPerLine()));
    cv::Mat out;
    cv::cvtColor(view, out, alpha == Alpha::Keep ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGBA2BGR);
    return out;
}

QImage matToImage(const cv::Mat& mat)
{
    if (mat.empty())
        throw std::invalid_argument("matToImage: empty matrix");
    cv::Mat rgba;
    switch (mat.type()) {
    case CV_8UC1: cv::cvtColor(mat, rgba, cv::COLOR_GRAY2RGBA); break;
    case CV_8UC3: cv::cvtColor(mat, rgba, cv::COLOR_BGR2RGBA); break;
    case CV_8UC4: cv::cvtColor(mat, rgba, cv::COLOR_BGRA2RGBA); break;
    default: throw std::invalid_argument("matToImage: expected an 8-bit matrix with 1, 3 or 4 channels");
    }
    const bool hasAlpha = mat.type() == CV_8UC4;
    QImage image(rgba.cols, rgba.rows, QImage::Format_RGBA8888);
    if (image.isNull())
        throw std::bad_alloc();
    for (int y = 0; y < rgba.rows; ++y)
        std::memcpy(image.scanLine(y), rgba.ptr(y), static_cast<size_t>(rgba.cols) * 4);
    return hasAlpha ? image : image.convertToFormat(QImage::Format_RGB888);
}

torch::Tensor matToTensor(const cv::Mat& mat)
{
    if (mat.empty())
        throw std::invalid_argument("matToTensor: empty matrix");
    cv::Mat rgb;
    switch (mat.type()) {
    case CV_8UC1: cv::cvtColor(mat, rgb, cv::COLOR_GRAY2RGB); break;
    case CV_8UC3: cv::cvtColor(mat, rgb, cv::COLOR_BGR2RGB); break;
    case CV_8UC4: cv::cvtColor(mat, rgb, cv::COLOR_BGRA2RGBA); break;
    default: throw std::invalid_argument("matToTensor: expected an 8-bit matrix with 1, 3 or 4 channels");
    }
    const int64_t c = rgb.channels();
    const auto view = torch::from_blob(rgb.data, {rgb.rows, rgb.cols, c}, {static_cast<int64_t>(rgb.step[0]), c, 1},
                                       torch::kUInt8);
    return view.permute({2, 0, 1}).to(torch::kFloat32).div_(255.0).unsqueeze(0).contiguous();
}

cv::Mat tensorToMat(const torch::Tensor& tensor)
{
    torch::Tensor chw = normaliseShape(tensor, "tensorToMat");
    if (chw.size(0) == 1)
        chw = chw.expand({3, chw.size(1), chw.size(2)});
    const torch::Tensor hwc = toBytesHwc(chw);
    const int channels = static_cast<int>(hwc.size(2));
    const cv::Mat view(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC(channels),
                       hwc.data_ptr<uint8_t>());
    cv::Mat out;
    cv::cvtColor(view, out, channels == 4 ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGB2BGR);
    return out;
}

} // namespace ganvas::core
