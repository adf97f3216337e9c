// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/image/ImageBridge.h"

#include <opencv2/core.hpp>

#include <QtTest>
#include "tests/TestMain.h"

using namespace ganvas::core;

class ImageBridgeTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void channelOrderIsRgb()
    {
        QImage image(3, 1, QImage::Format_RGB32);
        image.setPixel(0, 0, qRgb(255, 0, 0));
        image.setPixel(1, 0, qRgb(0, 255, 0));
        image.setPixel(2, 0, qRgb(0, 0, 255));
        const auto t = imageToTensor(image);
        QCOMPARE(t.sizes(), torch::IntArrayRef({1, 3, 1, 3}));
        QCOMPARE(t.scalar_type(), torch::kFloat32);
        QCOMPARE(t[0][0][0][0].item<float>(), 1.0f); // R of the red pixel
        QCOMPARE(t[0][1][0][0].item<float>(), 0.0f);
        QCOMPARE(t[0][1][0][1].item<float>(), 1.0f); // G of the green pixel
        QCOMPARE(t[0][2][0][2].item<float>(), 1.0f); // B of the blue pixel
    }

    void everyByteRoundTripsExactly()
    {
        // 256 x 1 ramp in every channel, odd-width rows force padded QImage scanlines elsewhere.
        QImage image(256, 1, QImage::Format_RGBA8888);
        for (int v = 0; v < 256; ++v)
            image.setPixelColor(v, 0, QColor(v, 255 - v, (v * 7) % 256, v));
        const auto t = imageToTensor(image, Alpha::Keep);
        QCOMPARE(t.size(1), 4);
        QCOMPARE(t[0][0][0][128].item<float>(), 128.0f / 255.0f);
        const QImage back = tensorToImage(t);
        QCOMPARE(back.format(), QImage::Format_RGBA8888);
        for (int v = 0; v < 256; ++v)
            QCOMPARE(back.pixelColor(v, 0), QColor(v, 255 - v, (v * 7) % 256, v));
    }

    void oddSizesAndPaddedRows()
    {
        for (const QSize size : {QSize(1, 1), QSize(7, 5), QSize(13, 3)}) {
            QImage image(size, QImage::Format_RGB888); // 3 bytes/pixel: rows padded to 4 bytes
            for (int y = 0; y < size.height(); ++y)
                for (int x = 0; x < size.width(); ++x)
                    image.setPixelColor(x, y, QColor(x * 30 % 256, y * 50 % 256, (x + y) * 11 % 256));
            const auto t = imageToTensor(image);
            QCOMPARE(t.size(2), size.height());
            QCOMPARE(t.size(3), size.width());
            const int x = size.width() - 1, y = size.height() - 1;
            QCOMPARE(qRound(t[0][0][y][x].item<float>() * 255), x * 30 % 256);
            QCOMPARE(qRound(t[0][1][y][x].item<float>() * 255), y * 50 % 256);
            QCOMPARE(tensorToImage(t).convertToFormat(QImage::Format_RGB888), image);
        }
    }

    void premultipliedAlphaIsStraightened()
    {
        QImage image(1, 1, QImage::Format_ARGB32_Premultiplied);
        image.setPixelColor(0, 0, QColor(200, 100, 50, 128));
        const auto t = imageToTensor(image, Alpha::Keep);
        QCOMPARE(qRound(t[0][3][0][0].item<float>() * 255), 128);
        // Premultiplied storage quantises colour; un-premultiplied it is within 1 of the original.
        QVERIFY(qAbs(qRound(t[0][0][0][0].item<float>() * 255) - 200) <= 1);
        QVERIFY(qAbs(qRound(t[0][1][0][0].item<float>() * 255) - 100) <= 1);
        const auto dropped = imageToTensor(image, Alpha::Drop);
        QCOMPARE(dropped.size(1), 3);
    }

    void tensorValuesAreClampedAndRounded()
    {
        auto t = torch::tensor({-0.5f, 0.5f, 1.7f}).view({3, 1, 1}); // CHW without batch
        const QImage image = tensorToImage(t);
        QCOMPARE(image.format(), QImage::Format_RGB888);
        QCOMPARE(image.pixelColor(0, 0), QColor(0, 128, 255)); // 0.5*255 = 127.5 rounds to 128
        const QImage grey = tensorToImage(torch::full({1, 1, 2, 2}, 0.2f));
        QCOMPARE(grey.pixelColor(1, 1), QColor(51, 51, 51));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tensorToImage(torch::zeros({2, 2, 2})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, tensorToImage(torch::zeros({2, 3, 2, 2})));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, imageToTensor(QImage()));
    }

    void matUsesBgrOrder()
    {
        QImage image(2, 1, QImage::Format_RGBA8888);
        image.setPixelColor(0, 0, QColor(255, 0, 0, 255));
        image.setPixelColor(1, 0, QColor(10, 20, 30, 40));
        const cv::Mat bgr = imageToMat(image);
        QCOMPARE(bgr.type(), CV_8UC3);
        QCOMPARE(bgr.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));
        const cv::Mat bgra = imageToMat(image, Alpha::Keep);
        QCOMPARE(bgra.at<cv::Vec4b>(0, 1), cv::Vec4b(30, 20, 10, 40));
        QCOMPARE(matToImage(bgra), image);
        QCOMPARE(matToImage(bgr).pixelColor(0, 0), QColor(255, 0, 0));

        const auto t = matToTensor(bgra);
        QCOMPARE(t.size(1), 4);
        QCOMPARE(qRound(t[0][0][0][1].item<float>() * 255), 10); // R first in tensors
        const cv::Mat back = tensorToMat(t);
        QCOMPARE(cv::norm(back, bgra, cv::NORM_INF), 0.0);

        cv::Mat grey(1, 1, CV_8UC1, cv::Scalar(77));
        QCOMPARE(matToTensor(grey).size(1), 3);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, matToImage(cv::Mat(2, 2, CV_32FC3)));
    }

    void resultOwnsItsMemory()
    {
        QImage image(4, 4, QImage::Format_RGB888);
        image.fill(Qt::white);
        const auto t = imageToTensor(image);
        image.fill(Qt::black);
        QCOMPARE(t.min().item<float>(), 1.0f);
    }
};

GANVAS_QTEST_GUILESS_MAIN(ImageBridgeTest)
#include "ImageBridgeTest.moc"
