// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/dialogs/GanTrainDialog.h"

#include "core/gan/GanTraining.h"
#include "core/models/ModelCatalogue.h"
#include "core/settings/ComputeSettings.h"
#include "ui/dialogs/MemoryPreflightDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDirIterator>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace ganvas::ui {

/// The live loss plot: discriminator and generator loss against the step, both on one scale.
class GanTrainDialog::LossCurve : public QWidget {
public:
    explicit LossCurve(QWidget* parent) : QWidget(parent)
    {
        setObjectName(QStringLiteral("ganLossCurve"));
        setMinimumSize(240, 120);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
        setToolTip(GanTrainDialog::tr("Discriminator (D) and generator (G) loss. They should stay in balance; "
                                      "a D loss falling towards 0 means the discriminator is winning."));
    }
    void setPoints(QVector<core::GanCurvePoint> points)
    {
        m_points = std::move(points);
        update();
    }
    int count() const { return m_points.size(); }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillRect(rect(), palette().color(QPalette::Base));
        p.setPen(palette().color(QPalette::Mid));
        p.drawRect(rect().adjusted(0, 0, -1, -1));
        const QRectF plot = QRectF(rect()).adjusted(34, 8, -8, -18);
        p.setPen(palette().color(QPalette::Text));
        if (m_points.size() < 2) {
            p.drawText(rect(), Qt::AlignCenter, GanTrainDialog::tr("Loss curves appear once training runs"));
            return;
        }
        double lo = m_points.first().dLoss, hi = lo;
        for (const auto& pt : m_points) {
            lo = std::min({lo, pt.dLoss, pt.gLoss});
            hi = std::max({hi, pt.dLoss, pt.gLoss});
        }
        if (hi - lo < 1e-6)
            hi = lo + 1;
        const double s0 = static_cast<double>(m_points.first().step);
        const double s1 = std::max(s0 + 1, static_cast<double>(m_points.last().step));
        const auto map = [&](double step, double v) {
            return QPointF(plot.left() + (step - s0) / (s1 - s0) * plot.width(),
                           plot.bottom() - (v - lo) / (hi - lo) * plot.height());
        };
        // Too many points for the width: every k-th is enough for a line this size.
        const int stride = std::max(1, static_cast<int>(m_points.size() / std::max(1.0, plot.width())));
        QPainterPath d, g;
        for (int i = 0; i < m_points.size(); i += stride) {
            const auto& pt = m_points.at(i);
            const QPointF pd = map(pt.step, pt.dLoss), pg = map(pt.step, pt.gLoss);
            if (i == 0) {
                d.moveTo(pd);
                g.moveTo(pg);
            } else {
                d.lineTo(pd);
                g.lineTo(pg);
            }
        }
        p.setPen(QPen(QColor(220, 80, 60), 1.5));
        p.drawPath(d);
        p.setPen(QPen(QColor(60, 120, 220), 1.5));
        p.drawPath(g);
        p.setPen(palette().color(QPalette::Text));
        const QFontMetrics fm(font());
        p.drawText(QRectF(0, plot.top() - 4, 32, fm.height()), Qt::AlignRight, QLocale().toString(hi, 'f', 2));
        p.drawText(QRectF(0, plot.bottom() - fm.height() + 4, 32, fm.height()), Qt::AlignRight,
                   QLocale().toString(lo, 'f', 2));
        p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), fm.height()), Qt::AlignRight,
                   GanTrainDialog::tr("step %1").arg(m_points.last().step));
        p.setPen(QColor(220, 80, 60));
        p.drawText(QPointF(plot.left() + 4, plot.top() + fm.ascent()), GanTrainDialog::tr("D"));
        p.setPen(QColor(60, 120, 220));
        p.drawText(QPointF(plot.left() + 4 + fm.horizontalAdvance(QStringLiteral("D ")), plot.top() + fm.ascent()),
                   GanTrainDialog::tr("G"));
    }

private:
    QVector<core::GanCurvePoint> m_points;
};

GanTrainDialog::GanTrainDialog(core::JobRunner* runner, QWidget* parent) : QDialog(parent), m_runner(runner)
{
    setObjectName(QStringLiteral("ganTrainDialog"));
    setWindowTitle(tr("Train a Generator"));
    setModal(false);
    auto* layout = new QVBoxLayout(this);

    auto* form = new QFormLayout;
    auto* folderRow = new QHBoxLayout;
    m_folder = new QLineEdit(this);
    m_folder->setObjectName(QStringLiteral("ganDataFolder"));
    m_folder->setPlaceholderText(tr("A folder of your pictures (sub-folders too)"));
    m_browse = new QPushButton(tr("Browse…"), this);
    m_browse->setObjectName(QStringLiteral("ganBrowse"));
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browse);
    form->addRow(tr("Pictures"), folderRow);

    m_name = new QLineEdit(tr("My generator"), this);
    m_name->setObjectName(QStringLiteral("ganName"));
    form->addRow(tr("Name"), m_name);
    m_output = new QLabel(this);
    m_output->setObjectName(QStringLiteral("ganOutput"));
    m_output->setWordWrap(true);
    m_output->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Saved in"), m_output);

    m_resolution = new QComboBox(this);
    m_resolution->setObjectName(QStringLiteral("ganResolution"));
    for (int side : {32, 64, 128, 256})
        m_resolution->addItem(tr("%1 × %1 px").arg(side), side);
    m_resolution->setCurrentIndex(1);
    m_resolution->setToolTip(tr("Bigger images need many more pictures and much longer training"));
    form->addRow(tr("Resolution"), m_resolution);

    m_architecture = new QComboBox(this);
    m_architecture->setObjectName(QStringLiteral("ganArchitecture"));
    m_architecture->addItem(tr("DCGAN (fastest steps)"), QStringLiteral("dcgan"));
    m_architecture->addItem(tr("FastGAN (for a few hundred pictures)"), QStringLiteral("fastgan"));
    m_architecture->setToolTip(
        tr("FastGAN lets coarse layers steer fine ones and has a discriminator that must also "
           "redraw the pictures it sees, meant to keep it from memorising a small set (Liu et al. 2021)"));
    form->addRow(tr("Network"), m_architecture);

    m_minutes = new QSpinBox(this);
    m_minutes->setObjectName(QStringLiteral("ganMinutes"));
    m_minutes->setRange(0, 24 * 60);
    m_minutes->setValue(10);
    m_minutes->setSuffix(tr(" min"));
    m_minutes->setSpecialValueText(tr("no limit"));
    m_minutes->setToolTip(tr("Training stops (and saves) after this long, or after the steps below, whichever "
                             "comes first"));
    form->addRow(tr("Time limit"), m_minutes);
    m_steps = new QSpinBox(this);
    m_steps->setObjectName(QStringLiteral("ganSteps"));
    m_steps->setRange(1, 10000000);
    m_steps->setValue(5000);
    m_steps->setSingleStep(500);
    form->addRow(tr("Steps"), m_steps);
    m_batch = new QSpinBox(this);
    m_batch->setObjectName(QStringLiteral("ganBatch"));
    m_batch->setRange(2, 512);
    m_batch->setValue(32);
    form->addRow(tr("Batch"), m_batch);
    m_resume = new QCheckBox(tr("Resume the stopped training of this name"), this);
    m_resume->setObjectName(QStringLiteral("ganResume"));
    form->addRow(QString(), m_resume);
    layout->addLayout(form);

    auto* buttons = new QHBoxLayout;
    m_start = new QPushButton(tr("Start"), this);
    m_start->setObjectName(QStringLiteral("ganStart"));
    m_pause = new QPushButton(tr("Pause"), this);
    m_pause->setObjectName(QStringLiteral("ganPause"));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("ganStop"));
    m_stop->setToolTip(tr("Stops and keeps a checkpoint: tick Resume and Start to continue later"));
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("ganError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_error->hide();
    layout->addWidget(m_error);

    auto* live = new QHBoxLayout;
    m_curve = new LossCurve(this);
    live->addWidget(m_curve, 1);
    m_samples = new QLabel(this);
    m_samples->setObjectName(QStringLiteral("ganSamples"));
    m_samples->setAlignment(Qt::AlignCenter);
    m_samples->setFrameShape(QFrame::StyledPanel);
    m_samples->setMinimumSize(160, 160);
    m_samples->setText(tr("Samples appear here"));
    m_samples->setToolTip(tr("The same latents every time, so you can watch them improve"));
    live->addWidget(m_samples);
    layout->addLayout(live, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("ganStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_data = new QLabel(this);
    m_data->setObjectName(QStringLiteral("ganDataSummary"));
    m_data->setWordWrap(true);
    layout->addWidget(m_data);

    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    layout->addWidget(close);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::hide);

    connect(m_browse, &QPushButton::clicked, this, &GanTrainDialog::browse);
    connect(m_name, &QLineEdit::textChanged, this, &GanTrainDialog::updateOutput);
    connect(m_start, &QPushButton::clicked, this, &GanTrainDialog::start);
    connect(m_pause, &QPushButton::clicked, this, &GanTrainDialog::togglePause);
    connect(m_stop, &QPushButton::clicked, this, &GanTrainDialog::stop);
    m_folder->setText(QSettings().value(QStringLiteral("gan/dataFolder")).toString());
    updateOutput();
    updateButtons();
    resize(560, 600);
}

GanTrainDialog::~GanTrainDialog() = default;

QString GanTrainDialog::idForName(const QString& name)
{
    QString id;
    bool dash = false;
    for (const QChar c : name.normalized(QString::NormalizationForm_KD).toLower()) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'))) {
            if (dash && !id.isEmpty())
                id += QLatin1Char('-');
            id += c;
            dash = false;
        } else if (c.category() != QChar::Mark_NonSpacing) {
            dash = true; // accents fold away ("é" -> "e"), anything else separates words
        }
    }
    return id.isEmpty() ? QStringLiteral("my-generator") : id.left(64);
}

QString GanTrainDialog::outputFolderFor(const QString& name)
{
    return core::ModelCatalogue::userModelRoot() + QStringLiteral("/generators/") + idForName(name);
}

void GanTrainDialog::setDataFolder(const QString& folder)
{
    m_folder->setText(folder);
}

void GanTrainDialog::setGeneratorName(const QString& name)
{
    m_name->setText(name);
}

void GanTrainDialog::setResolution(int side)
{
    const int index = m_resolution->findData(side);
    if (index >= 0)
        m_resolution->setCurrentIndex(index);
}

void GanTrainDialog::setSteps(int steps)
{
    m_steps->setValue(steps);
}

void GanTrainDialog::setMinutes(double minutes)
{
    m_minutes->setValue(qRound(minutes));
}

void GanTrainDialog::setBatch(int batch)
{
    m_batch->setValue(batch);
}

void GanTrainDialog::setResume(bool resume)
{
    m_resume->setChecked(resume);
}

void GanTrainDialog::browse()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Pictures to train on"), m_folder->text());
    if (!dir.isEmpty())
        m_folder->setText(dir);
}

void GanTrainDialog::updateOutput()
{
    m_output->setText(QDir::toNativeSeparators(outputFolderFor(m_name->text())));
}

void GanTrainDialog::updateButtons()
{
    const bool running = m_job != 0;
    for (QWidget* w : std::initializer_list<QWidget*>{m_folder, m_browse, m_name, m_resolution, m_architecture,
                                                      m_minutes, m_steps, m_batch, m_resume})
        w->setEnabled(!running);
    m_start->setEnabled(!running);
    m_pause->setEnabled(running);
    m_stop->setEnabled(running);
    m_pause->setText(isPaused() ? tr("Resume") : tr("Pause"));
}

void GanTrainDialog::showError(const QString& text)
{
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

bool GanTrainDialog::start()
{
    if (m_job)
        return false;
    showError(QString());
    if (!m_runner) {
        showError(tr("Training is not available."));
        return false;
    }
    const QString folder = m_folder->text().trimmed();
    if (folder.isEmpty() || !QFileInfo(folder).isDir()) {
        showError(tr("Choose a folder of pictures to train on."));
        return false;
    }
    // A quick look before a job starts: the job itself decodes, de-duplicates and reports what
    // it could use.
    QStringList patterns;
    for (const QByteArray& f : QImageReader::supportedImageFormats())
        patterns << QStringLiteral("*.") + QString::fromLatin1(f);
    QDirIterator it(folder, patterns, QDir::Files, QDirIterator::Subdirectories);
    if (!it.hasNext()) {
        showError(tr("“%1” holds no pictures: put some PNG, JPEG or WebP images in it (a few hundred train "
                     "a useful generator).")
                      .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    const QString name = m_name->text().trimmed().isEmpty() ? tr("My generator") : m_name->text().trimmed();
    const QString output = outputFolderFor(name);
    const bool resume = m_resume->isChecked();
    if (resume && !QFileInfo::exists(output + QStringLiteral("/checkpoint.safetensors"))) {
        showError(tr("There is no stopped training called “%1” to resume.").arg(name));
        return false;
    }
    if (!resume && QDir(output).exists() && !QDir(output).isEmpty()) {
        showError(tr("A generator called “%1” exists already (%2): choose another name, or tick Resume to "
                     "continue its training.")
                      .arg(name, QDir::toNativeSeparators(output)));
        return false;
    }

    core::GanTrainRequest request;
    request.dataFolder = folder;
    request.outputFolder = output;
    request.id = idForName(name);
    request.name = name;
    request.resolution = m_resolution->currentData().toInt();
    request.architecture = m_architecture->currentData().toString();
    request.batch = m_batch->value();
    request.steps = m_steps->value();
    request.minutes = m_minutes->value();
    request.resume = resume;
    const auto compute = core::currentCompute();
    request.device = compute.device;
    // bf16 autocast where the hardware has it (GAN training measured 1.6x faster than fp32 on an
    // AVX512-BF16 CPU, docs/PERFORMANCE.md), else fp32.
    request.precision = QStringLiteral("auto");
    // Memory pre-flight (docs/RELIABILITY.md): offer a batch that fits, or the CPU.
    const auto estimate = core::estimateGanTrainingMemory(request);
    const int64_t available = core::availableMemory(request.device);
    if (!core::fitsInMemory(estimate, available)) {
        QVector<MemoryPreflightDialog::Option> options;
        int batch = request.batch;
        for (auto smaller = request; smaller.batch > 2;) {
            smaller.batch = std::max(2, smaller.batch / 2);
            if (core::fitsInMemory(core::estimateGanTrainingMemory(smaller), available)) {
                batch = smaller.batch;
                break;
            }
        }
        if (batch < request.batch)
            options.push_back({QStringLiteral("batch"), tr("Use batch %1").arg(batch),
                               tr("Batch %1: fewer images a step (noisier, slower per image).").arg(batch)});
        if (request.device.startsWith(QLatin1String("cuda")) && core::fitsInMemory(estimate, core::availableMemory(QStringLiteral("cpu"))))
            options.push_back({QStringLiteral("cpu"), tr("Switch to CPU"), tr("CPU: enough memory there, but slower.")});
        const QString choice = MemoryPreflightDialog::ask(this, tr("Train"), estimate, available, request.device, options);
        if (choice == QLatin1String("batch")) {
            request.batch = batch;
            m_batch->setValue(batch);
        } else if (choice == QLatin1String("cpu")) {
            request.device = QStringLiteral("cpu");
        } else {
            showError(tr("Not started: not enough memory."));
            return false;
        }
    }
    try {
        m_task = std::make_shared<core::GanTrainTask>(request);
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
    QSettings().setValue(QStringLiteral("gan/dataFolder"), folder);
    m_outputFolder = output;
    m_grid = QImage();
    m_curve->setPoints({});
    m_data->clear();
    m_samples->setText(tr("Samples appear here"));
    core::JobHandle* job = m_runner->submit(m_task->job());
    const core::JobId id = job->id();
    m_job = id;
    connect(job, &core::JobHandle::progress, this,
            [this, id](qint64 done, qint64 total, const QString& message) { onProgress(id, done, total, message); });
    connect(job, &core::JobHandle::preview, this,
            [this, id](const QImage& image, int pass) { onPreview(id, image, pass); });
    connect(job, &core::JobHandle::finished, this, [this, id] { onFinished(id); });
    connect(job, &core::JobHandle::failed, this, [this, id](const QString& message) { onFailed(id, message); });
    connect(job, &core::JobHandle::cancelled, this, [this, id] { onCancelled(id); });
    m_status->setText(resume ? tr("Resuming %1: preparing the pictures…").arg(name)
                             : tr("Training %1: preparing the pictures…").arg(name));
    updateButtons();
    Q_EMIT started();
    return true;
}

bool GanTrainDialog::isPaused() const
{
    return m_task && m_job && m_task->paused();
}

void GanTrainDialog::togglePause()
{
    if (!m_task || !m_job)
        return;
    const bool pause = !m_task->paused();
    m_task->setPaused(pause);
    m_status->setText(pause ? tr("Paused (the job keeps its place; Resume continues).") : tr("Resuming…"));
    updateButtons();
}

void GanTrainDialog::stop()
{
    if (m_job && m_runner)
        m_runner->cancel(m_job);
}

QString GanTrainDialog::statusText() const
{
    return m_status->text();
}

QString GanTrainDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

QString GanTrainDialog::dataSummaryText() const
{
    return m_data->text();
}

int GanTrainDialog::curvePointCount() const
{
    return m_curve->count();
}

void GanTrainDialog::refreshCurves()
{
    if (!m_task)
        return;
    m_curve->setPoints(m_task->curves());
    const QString summary = m_task->dataSummary();
    QString text = summary.isEmpty() ? QString() : tr("Data: %1").arg(summary);
    // The scheduled evaluations: realism (SWD against the data, lower is better) as it improves.
    const auto swd = m_task->swdHistory();
    if (!swd.isEmpty()) {
        QStringList points;
        for (const auto& [step, value] : swd)
            points << tr("%1 at step %2").arg(value, 0, 'f', 1).arg(step);
        text += (text.isEmpty() ? QString() : QStringLiteral("\n")) + tr("SWD ×10³: %1").arg(points.join(QStringLiteral(", ")));
    }
    if (!text.isEmpty())
        m_data->setText(text);
}

void GanTrainDialog::onProgress(core::JobId id, qint64 done, qint64 total, const QString& message)
{
    if (id != m_job || id == 0)
        return;
    Q_UNUSED(done);
    Q_UNUSED(total);
    if (!m_task->paused())
        m_status->setText(message);
    refreshCurves();
}

void GanTrainDialog::onPreview(core::JobId id, const QImage& image, int pass)
{
    Q_UNUSED(pass);
    if (id != m_job || id == 0 || image.isNull())
        return;
    m_grid = image;
    const int side = std::max(160, std::min(m_samples->width(), m_samples->height()) - 4);
    m_samples->setPixmap(QPixmap::fromImage(image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void GanTrainDialog::onFinished(core::JobId id)
{
    if (id != m_job || id == 0)
        return;
    refreshCurves();
    m_job = 0;
    m_task.reset();
    m_status->setText(tr("Finished: the new generator is in the Latent Space dock (%1).")
                          .arg(QDir::toNativeSeparators(m_outputFolder)));
    updateButtons();
    Q_EMIT generatorTrained(m_outputFolder);
}

void GanTrainDialog::onFailed(core::JobId id, const QString& message)
{
    if (id != m_job || id == 0)
        return;
    refreshCurves();
    m_job = 0;
    m_task.reset();
    m_status->setText(tr("Training failed."));
    showError(message);
    updateButtons();
    Q_EMIT ended(message);
}

void GanTrainDialog::onCancelled(core::JobId id)
{
    if (id != m_job || id == 0)
        return;
    refreshCurves();
    m_job = 0;
    m_task.reset();
    const QString text = tr("Stopped; a checkpoint was kept: tick Resume and Start to continue.");
    m_status->setText(text);
    m_resume->setChecked(true);
    updateButtons();
    Q_EMIT ended(text);
}

} // namespace ganvas::ui
