// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/style/ClassicStyles.h"

#include "core/image/ImageBridge.h"

#include <QCoreApplication>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#include <opencv2/xphoto/oilpainting.hpp>

#include <algorithm>

namespace ganvas::core {

namespace {

double number(const nlohmann::json& params, const char* key, double fallback, double lo, double hi)
{
    const auto it = params.find(key);
    if (it == params.end() || !it->is_number())
        return fallback;
    return std::clamp(it->get<double>(), lo, hi);
}

} // namespace

QStringList classicFilterNames()
{
    return {QStringLiteral("stylization"), QStringLiteral("pencil"), QStringLiteral("pencil-colour"),
            QStringLiteral("oil"), QStringLiteral("edge-preserving"), QStringLiteral("detail")};
}

QImage applyClassicFilter(const QString& filter, const QImage& image, const nlohmann::json& params, QString* error)
{
    if (image.isNull()) {
        if (error)
            *error = QCoreApplication::translate("ClassicStyles", "nothing to filter (empty image)");
        return {};
    }
    const cv::Mat bgr = imageToMat(image, Alpha::Drop);
    const float sigmaS = static_cast<float>(number(params, "sigma_s", 60, 1, 200));
    const float sigmaR = static_cast<float>(number(params, "sigma_r", 0.45, 0.01, 1));
    cv::Mat out;
    if (filter == QLatin1String("stylization")) {
        cv::stylization(bgr, out, sigmaS, sigmaR);
    } else if (filter == QLatin1String("pencil") || filter == QLatin1String("pencil-colour")) {
        cv::Mat grey, colour;
        cv::pencilSketch(bgr, grey, colour, sigmaS, static_cast<float>(number(params, "sigma_r", 0.07, 0.01, 1)),
                         static_cast<float>(number(params, "shade", 0.02, 0, 0.1)));
        if (filter == QLatin1String("pencil"))
            cv::cvtColor(grey, out, cv::COLOR_GRAY2BGR);
        else
            out = colour;
    } else if (filter == QLatin1String("oil")) {
        const int size = static_cast<int>(number(params, "size", 7, 1, 31));
        const int ratio = static_cast<int>(number(params, "dyn_ratio", 1, 1, 32));
        cv::xphoto::oilPainting(bgr, out, size, ratio, cv::COLOR_BGR2Lab);
    } else if (filter == QLatin1String("edge-preserving")) {
        cv::edgePreservingFilter(bgr, out, cv::RECURS_FILTER, sigmaS, static_cast<float>(number(params, "sigma_r", 0.4, 0.01, 1)));
    } else if (filter == QLatin1String("detail")) {
        cv::detailEnhance(bgr, out, static_cast<float>(number(params, "sigma_s", 10, 1, 200)),
                          static_cast<float>(number(params, "sigma_r", 0.15, 0.01, 1)));
    } else {
        if (error)
            *error = QCoreApplication::translate("ClassicStyles", "unknown classic filter '%1'").arg(filter.left(32));
        return {};
    }
    QImage result = matToImage(out).convertToFormat(QImage::Format_RGBA8888);
    if (image.hasAlphaChannel()) {
        const QImage alpha = image.convertToFormat(QImage::Format_RGBA8888);
        for (int y = 0; y < result.height(); ++y) {
            uchar* d = result.scanLine(y);
            const uchar* a = alpha.constScanLine(y);
            for (int x = 0; x < result.width(); ++x)
                d[4 * x + 3] = a[4 * x + 3];
        }
    }
    return result;
}

} // namespace ganvas::core
