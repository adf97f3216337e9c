// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/gan/GanDataset.h"

#include "core/engine/nn/SafeTensors.h"
#include "core/io/ImageIO.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QImageIOHandler>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStandardPaths>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

namespace ganvas::core {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("GanDataset", text);
}

/// Files larger than this are not decoded (a GAN wants many small pictures, not one poster).
constexpr qint64 kMaxFileBytes = qint64(200) * 1000 * 1000;
/// Images whose header claims more pixels than this are refused before decoding.
constexpr qint64 kDatasetMaxPixels = qint64(100) * 1000 * 1000;
/// A training picture may be at most 100 megapixels, and never more than the configured limit.
/// Read from the settings once per preparation, on the calling thread (refreshTrainingPixelLimit),
/// not by every decoding worker: QSettings per file was slow, and TSan saw the workers race
/// through Qt's settings cache.
std::atomic<qint64> g_trainingPixelLimit{kDatasetMaxPixels};
void refreshTrainingPixelLimit()
{
    g_trainingPixelLimit.store(qMin(kDatasetMaxPixels, configuredMaxPixels()), std::memory_order_relaxed);
}
qint64 maxTrainingPixels()
{
    return g_trainingPixelLimit.load(std::memory_order_relaxed);
}
/// Bump when the preparation changes what it produces: old cache files then stop matching.
constexpr char kCacheVersion[] = "ganvas-gan-dataset-v1";
constexpr char kMetadataKey[] = "ganvas.dataset";

enum class Crop { Centre, Random };

struct FileResult {
    enum class Kind { Pending, Image, Unreadable, TooSmall } kind = Kind::Pending;
    cv::Mat pixels;   ///< R x R CV_8UC3, RGB, continuous
    QByteArray hash;  ///< SHA-1 of the centre crop's pixels (what duplicates are judged on)
    QString reason;   ///< why unreadable
};

/// 8-bit copy of any OpenCV depth: 16-bit scaled by 1/257, floating point taken as 0..1.
cv::Mat toDepth8(const cv::Mat& in)
{
    if (in.depth() == CV_8U)
        return in;
    cv::Mat out;
    switch (in.depth()) {
    case CV_16U:
        in.convertTo(out, CV_8U, 1.0 / 257.0);
        break;
    case CV_32F:
    case CV_64F:
        in.convertTo(out, CV_8U, 255.0);
        break;
    default:
        in.convertTo(out, CV_8U); // saturating
        break;
    }
    return out;
}

/// Grey, grey+alpha, BGR or BGRA (8-bit) -> RGB with straight alpha composited on white.
cv::Mat toRgbOnWhite(const cv::Mat& in)
{
    cv::Mat out;
    switch (in.channels()) {
    case 1:
        cv::cvtColor(in, out, cv::COLOR_GRAY2RGB);
        return out;
    case 3:
        cv::cvtColor(in, out, cv::COLOR_BGR2RGB);
        return out;
    case 2:
    case 4:
        break;
    default:
        throw std::runtime_error(tr("%1 colour channels are not supported").arg(in.channels()).toStdString());
    }
    const int channels = in.channels();
    out.create(in.rows, in.cols, CV_8UC3);
    for (int y = 0; y < in.rows; ++y) {
        const uint8_t* s = in.ptr<uint8_t>(y);
        uint8_t* d = out.ptr<uint8_t>(y);
        for (int x = 0; x < in.cols; ++x, s += channels, d += 3) {
            const int a = s[channels - 1], white = 255 * (255 - a) + 127;
            if (channels == 2) {
                d[0] = d[1] = d[2] = static_cast<uint8_t>((s[0] * a + white) / 255);
            } else {
                d[0] = static_cast<uint8_t>((s[2] * a + white) / 255);
                d[1] = static_cast<uint8_t>((s[1] * a + white) / 255);
                d[2] = static_cast<uint8_t>((s[0] * a + white) / 255);
            }
        }
    }
    return out;
}

/// A square crop (any depth and channels OpenCV decodes) -> R x R CV_8UC3 RGB, continuous.
/// Crop first, then convert: the per-pixel work only touches the pixels that are kept.
cv::Mat squareToRgb(const cv::Mat& square, int resolution)
{
    const cv::Mat rgb = toRgbOnWhite(toDepth8(square));
    cv::Mat resized;
    if (square.cols == resolution)
        resized = rgb.clone();
    else
        cv::resize(rgb, resized, cv::Size(resolution, resolution), 0, 0,
                   square.cols > resolution ? cv::INTER_AREA : cv::INTER_CUBIC);
    return resized.isContinuous() ? resized : resized.clone();
}

QByteArray pixelHash(const cv::Mat& rgb)
{
    return QCryptographicHash::hash(
        QByteArrayView(reinterpret_cast<const char*>(rgb.data), static_cast<qsizetype>(rgb.total() * rgb.elemSize())),
        QCryptographicHash::Sha1);
}

/// The orientation a JPEG's EXIF asks for, applied the way QImageReader applies it.
cv::Mat applyTransformation(cv::Mat image, QImageIOHandler::Transformations t)
{
    if (t & QImageIOHandler::TransformationMirror)
        cv::flip(image, image, 1);
    if (t & QImageIOHandler::TransformationFlip)
        cv::flip(image, image, 0);
    if (t & QImageIOHandler::TransformationRotate90)
        cv::rotate(image, image, cv::ROTATE_90_CLOCKWISE);
    return image;
}

/// Decodes, crops, converts and resizes one file. Runs on worker threads: touches nothing shared.
FileResult processFile(const QString& path, int index, int resolution, Crop crop)
{
    FileResult result;
    auto unreadable = [&](const QString& reason) {
        result.kind = FileResult::Kind::Unreadable;
        result.reason = reason;
        return result;
    };
    const QFileInfo info(path);
    if (info.size() > kMaxFileBytes)
        return unreadable(tr("larger than %1 MB").arg(kMaxFileBytes / 1000000));

    // The header alone says how big the picture is (cheap), so bombs are refused before decoding.
    QImageReader reader(path);
    const QSize headerSize = reader.size();
    if (headerSize.isValid() && qint64(headerSize.width()) * headerSize.height() > maxTrainingPixels())
        return unreadable(tr("%1 x %2 pixels, more than %3 megapixels")
                              .arg(headerSize.width())
                              .arg(headerSize.height())
                              .arg(maxTrainingPixels() / 1000000));
    if (headerSize.isValid() && std::min(headerSize.width(), headerSize.height()) * 4 < resolution) {
        result.kind = FileResult::Kind::TooSmall;
        return result;
    }

    // The crop's size and place as fractions, drawn before decoding so they do not depend on
    // which decoder (or which JPEG reduction) produced the pixels.
    double side = 1.0, px = 0.5, py = 0.5;
    if (crop == Crop::Random) {
        std::mt19937_64 rng(1 + static_cast<uint64_t>(index));
        auto uniform = [&rng] { return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0); };
        side = 0.7 + 0.3 * uniform();
        px = uniform();
        py = uniform();
    }

    const std::string local = QFile::encodeName(path).toStdString();
    cv::Mat image;
    const QByteArray format = reader.format();
    if (cv::haveImageReader(local)) {
        int flags = cv::IMREAD_UNCHANGED;
        // Big JPEGs decode at 1/2, 1/4 or 1/8 scale inside libjpeg (several times faster) while
        // the crop keeps at least `resolution` pixels; IMREAD_REDUCED_* applies the EXIF
        // orientation itself. The factor follows the smallest crop the mode can draw, not this
        // file's draw, so identical files decode identically wherever they sit (duplicates).
        if (format == "jpeg" && headerSize.isValid()) {
            const double smallestCrop = crop == Crop::Random ? 0.7 : 1.0;
            const double cropPixels = std::min(headerSize.width(), headerSize.height()) * smallestCrop;
            if (cropPixels >= 8.0 * resolution)
                flags = cv::IMREAD_REDUCED_COLOR_8;
            else if (cropPixels >= 4.0 * resolution)
                flags = cv::IMREAD_REDUCED_COLOR_4;
            else if (cropPixels >= 2.0 * resolution)
                flags = cv::IMREAD_REDUCED_COLOR_2;
        }
        try {
            image = cv::imread(local, flags);
        } catch (const cv::Exception&) {
            image.release();
        }
        if (!image.empty() && flags == cv::IMREAD_UNCHANGED)
            image = applyTransformation(image, reader.transformation());
    }
    if (image.empty()) {
        // OpenCV does not read every format (GIF, some TIFF and PNG variants, SVG with Qt's
        // plugin…): Qt's readers are the second chance.
        QString error;
        ImageLoadLimits limits;
        limits.maxPixels = maxTrainingPixels();
        QImage qimage = loadImage(path, &error, limits);
        if (qimage.isNull())
            return unreadable(error);
        if (qimage.hasAlphaChannel()) {
            qimage.convertTo(QImage::Format_RGBA8888);
            cv::cvtColor(cv::Mat(qimage.height(), qimage.width(), CV_8UC4, qimage.bits(), qimage.bytesPerLine()), image,
                         cv::COLOR_RGBA2BGRA);
        } else {
            qimage.convertTo(QImage::Format_RGB888);
            cv::cvtColor(cv::Mat(qimage.height(), qimage.width(), CV_8UC3, qimage.bits(), qimage.bytesPerLine()), image,
                         cv::COLOR_RGB2BGR);
        }
    }
    if (qint64(image.cols) * image.rows > maxTrainingPixels())
        return unreadable(
            tr("%1 x %2 pixels, more than %3 megapixels").arg(image.cols).arg(image.rows).arg(maxTrainingPixels() / 1000000));

    const int shortSide = std::min(image.cols, image.rows);
    // A reduced JPEG is at least 2 x resolution on its short side, so this only tests full decodes.
    if (shortSide * 4 < resolution) {
        result.kind = FileResult::Kind::TooSmall;
        return result;
    }
    const int cropSide = std::clamp(static_cast<int>(std::lround(shortSide * side)), 1, shortSide);
    const cv::Rect centre((image.cols - shortSide) / 2, (image.rows - shortSide) / 2, shortSide, shortSide);
    result.kind = FileResult::Kind::Image;
    if (crop == Crop::Centre) {
        result.pixels = squareToRgb(image(centre), resolution);
        result.hash = pixelHash(result.pixels);
    } else {
        const int x = std::min(static_cast<int>(px * (image.cols - cropSide + 1)), image.cols - cropSide);
        const int y = std::min(static_cast<int>(py * (image.rows - cropSide + 1)), image.rows - cropSide);
        result.pixels = squareToRgb(image(cv::Rect(x, y, cropSide, cropSide)), resolution);
        // Duplicates are judged on the centre crop in both modes: two copies of a picture draw
        // different random crops (the seed is their index), yet they are still the same picture.
        result.hash = pixelHash(squareToRgb(image(centre), resolution));
    }
    return result;
}

QString defaultCacheDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + QStringLiteral("/ganvas/datasets");
}

QJsonArray toJson(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

QStringList fromJson(const QJsonValue& value)
{
    QStringList list;
    for (const auto& item : value.toArray())
        list << item.toString();
    return list;
}

/// Reads a cache file written by writeCache(). Returns an undefined tensor when the file is
/// missing, unreadable or does not match (a corrupt cache is a miss, never an error).
torch::Tensor readCache(const QString& file, int resolution, int files, GanDatasetReport* report)
{
    if (!QFileInfo::exists(file))
        return {};
    try {
        auto loaded = engine::loadSafeTensors(QFile::encodeName(file).toStdString());
        const auto images = loaded.tensors.find("images");
        const auto meta = loaded.metadata.find(kMetadataKey);
        if (images == loaded.tensors.end() || meta == loaded.metadata.end())
            return {};
        const torch::Tensor& t = images->second;
        if (t.scalar_type() != torch::kUInt8 || t.dim() != 4 || t.size(1) != 3 || t.size(2) != resolution ||
            t.size(3) != resolution)
            return {};
        const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(meta->second)).object();
        if (json.value(QStringLiteral("files")).toInt(-1) != files ||
            json.value(QStringLiteral("images")).toInt(-1) != t.size(0))
            return {};
        report->files = files;
        report->images = static_cast<int>(t.size(0));
        report->unreadable = fromJson(json.value(QStringLiteral("unreadable")));
        report->unreadableReasons = fromJson(json.value(QStringLiteral("unreadable_reasons")));
        report->duplicates = fromJson(json.value(QStringLiteral("duplicates")));
        report->tooSmall = fromJson(json.value(QStringLiteral("too_small")));
        report->fromCache = true;
        report->cacheFile = file;
        return t;
    } catch (const std::exception&) {
        return {};
    }
}

void writeCache(const QString& file, const torch::Tensor& images, const GanDatasetReport& report)
{
    QJsonObject json;
    json.insert(QStringLiteral("files"), report.files);
    json.insert(QStringLiteral("images"), report.images);
    json.insert(QStringLiteral("unreadable"), toJson(report.unreadable));
    json.insert(QStringLiteral("unreadable_reasons"), toJson(report.unreadableReasons));
    json.insert(QStringLiteral("duplicates"), toJson(report.duplicates));
    json.insert(QStringLiteral("too_small"), toJson(report.tooSmall));
    const std::string text = QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString();
    engine::saveSafeTensors(QFile::encodeName(file).toStdString(), {{"images", images}}, {{kMetadataKey, text}});
}

/// Runs processFile() over @p files on a few threads and hands the results back in order on the
/// calling thread, so duplicates, the report and the progress calls are the same for any
/// number of threads. Stopping (cancel or exception) joins the workers before returning.
class OrderedWorkers {
public:
    OrderedWorkers(const QStringList& files, int resolution, Crop crop)
        : m_files(files), m_results(static_cast<size_t>(files.size())), m_resolution(resolution), m_crop(crop)
    {
        // Each worker may hold one decoded picture (up to 100 megapixels): a handful is enough
        // to keep the cores busy without holding gigabytes.
        refreshTrainingPixelLimit(); // before the workers start: they only read it
        const int threads = std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
        for (int i = 0; i < std::min<int>(threads, static_cast<int>(files.size())); ++i)
            m_threads.emplace_back([this] { work(); });
    }
    ~OrderedWorkers()
    {
        m_stop = true;
        for (auto& t : m_threads)
            t.join();
    }
    OrderedWorkers(const OrderedWorkers&) = delete;
    OrderedWorkers& operator=(const OrderedWorkers&) = delete;

    /// Waits for file @p i and moves its result out.
    FileResult take(int i)
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_ready.wait(lock, [&] { return m_results[static_cast<size_t>(i)].kind != FileResult::Kind::Pending; });
        return std::move(m_results[static_cast<size_t>(i)]);
    }

private:
    void work()
    {
        for (;;) {
            const int i = m_next++;
            if (m_stop || i >= m_files.size())
                return;
            FileResult r;
            try {
                r = processFile(m_files[i], i, m_resolution, m_crop);
            } catch (const std::exception& e) {
                r = {};
                r.kind = FileResult::Kind::Unreadable;
                r.reason = QString::fromLocal8Bit(e.what());
            }
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_results[static_cast<size_t>(i)] = std::move(r);
            }
            m_ready.notify_all();
        }
    }

    const QStringList& m_files;
    std::vector<FileResult> m_results;
    const int m_resolution;
    const Crop m_crop;
    std::atomic<int> m_next{0};
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::vector<std::thread> m_threads;
};

} // namespace

QString GanDatasetReport::summary() const
{
    const QString imagesText = images == 1 ? tr("1 image") : tr("%1 images").arg(images);
    const QString filesText = files == 1 ? tr("1 file") : tr("%1 files").arg(files);
    return tr("%1 from %2 (%3 unreadable, %4 duplicates, %5 too small)")
        .arg(imagesText, filesText)
        .arg(unreadable.size())
        .arg(duplicates.size())
        .arg(tooSmall.size());
}

torch::Tensor prepareGanDataset(const QString& folder, const GanDatasetOptions& options, GanDatasetReport* report,
                                const std::function<bool(int, int)>& progress)
{
    GanDatasetReport localReport;
    GanDatasetReport& rep = report ? *report : localReport;
    rep = {};
    const int resolution = options.resolution;
    if (resolution < 8 || resolution > 1024)
        throw std::invalid_argument(
            tr("the dataset resolution must be 8 to 1024 pixels, not %1").arg(resolution).toStdString());
    Crop crop;
    if (options.crop == QLatin1String("centre") || options.crop == QLatin1String("center") || options.crop.isEmpty())
        crop = Crop::Centre;
    else if (options.crop == QLatin1String("random"))
        crop = Crop::Random;
    else
        throw std::invalid_argument(tr("unknown crop '%1' (centre or random)").arg(options.crop).toStdString());

    const QFileInfo folderInfo(folder);
    if (!folderInfo.isDir())
        throw std::runtime_error(tr("the dataset folder '%1' does not exist").arg(folder).toStdString());
    const QDir root(folderInfo.absoluteFilePath());

    // Sorted paths: the same folder gives the same tensor, the same duplicates kept and the same
    // random crops (seeded by position) on every machine.
    struct Entry {
        QString path, relative;
        qint64 size;
        qint64 mtime;
    };
    std::vector<Entry> entries;
    QDirIterator it(root.path(), QDir::Files, QDirIterator::Subdirectories | QDirIterator::FollowSymlinks);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info = it.fileInfo();
        entries.push_back({path, root.relativeFilePath(path), info.size(), info.lastModified().toMSecsSinceEpoch()});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.relative < b.relative; });
    const int total = static_cast<int>(entries.size());
    rep.files = total;
    if (total == 0)
        throw std::runtime_error(tr("the dataset folder '%1' contains no files").arg(folder).toStdString());

    auto checkEnough = [&](int images) {
        if (images < options.minImages)
            throw std::runtime_error(tr("the dataset folder '%1' needs at least %2 different images; found %3 (%4)")
                                         .arg(folder)
                                         .arg(options.minImages)
                                         .arg(images)
                                         .arg(rep.summary())
                                         .toStdString());
    };

    // The cache key covers everything the result depends on: a changed, added, removed or
    // renamed file, or other options, give another key.
    QString cacheFile;
    if (options.cacheDir != QLatin1String("-")) {
        QCryptographicHash key(QCryptographicHash::Sha256);
        key.addData(QByteArray(kCacheVersion));
        const QLatin1String cropName(crop == Crop::Centre ? "centre" : "random");
        key.addData(QStringLiteral("\n%1\n%2\n").arg(resolution).arg(cropName).toUtf8());
        for (const auto& e : entries)
            key.addData(QStringLiteral("%1\n%2 %3\n").arg(e.relative).arg(e.size).arg(e.mtime).toUtf8());
        const QString dir = options.cacheDir.isEmpty() ? defaultCacheDir() : options.cacheDir;
        cacheFile = dir + QLatin1Char('/') + QString::fromLatin1(key.result().toHex()) + QStringLiteral(".safetensors");
        torch::Tensor cached = readCache(cacheFile, resolution, total, &rep);
        if (cached.defined()) {
            if (progress)
                progress(total, total);
            checkEnough(rep.images);
            return cached;
        }
        rep = {};
        rep.files = total;
    }

    QStringList paths;
    for (const auto& e : entries)
        paths << e.path;
    std::vector<cv::Mat> kept;
    QSet<QByteArray> seen;
    int decoded = 0;
    {
        OrderedWorkers workers(paths, resolution, crop);
        for (int i = 0; i < total; ++i) {
            FileResult r = workers.take(i);
            const QString& relative = entries[static_cast<size_t>(i)].relative;
            switch (r.kind) {
            case FileResult::Kind::Image:
                ++decoded;
                if (seen.contains(r.hash)) {
                    rep.duplicates << relative;
                } else {
                    seen.insert(r.hash);
                    kept.push_back(r.pixels);
                }
                break;
            case FileResult::Kind::TooSmall:
                ++decoded;
                rep.tooSmall << relative;
                break;
            default:
                rep.unreadable << relative;
                rep.unreadableReasons << r.reason;
                break;
            }
            if (progress && !progress(i + 1, total))
                throw std::runtime_error("cancelled");
        }
    }
    rep.images = static_cast<int>(kept.size());
    if (decoded == 0)
        throw std::runtime_error(tr("the dataset folder '%1' contains no images Ganvas can read (%2 files, all unreadable)")
                                     .arg(folder)
                                     .arg(total)
                                     .toStdString());
    checkEnough(rep.images);

    const int64_t n = static_cast<int64_t>(kept.size()), plane = int64_t(resolution) * resolution * 3;
    torch::Tensor hwc = torch::empty({n, resolution, resolution, 3}, torch::kUInt8);
    uint8_t* out = hwc.data_ptr<uint8_t>();
    for (int64_t i = 0; i < n; ++i)
        std::memcpy(out + i * plane, kept[static_cast<size_t>(i)].data, static_cast<size_t>(plane));
    kept.clear();
    torch::Tensor images = hwc.permute({0, 3, 1, 2}).contiguous();

    if (!cacheFile.isEmpty()) {
        // The cache only saves time: a read-only or full disk is not the user's problem here.
        try {
            QDir().mkpath(QFileInfo(cacheFile).absolutePath());
            writeCache(cacheFile, images, rep);
            rep.cacheFile = cacheFile;
        } catch (const std::exception& e) {
            qWarning("GAN dataset cache not written: %s", e.what());
        }
    }
    return images;
}

} // namespace ganvas::core
