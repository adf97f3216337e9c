// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file AboutDialog.h
/// Help > About: version, Qt/LibTorch/OpenCV versions, device, threads, BLAS, model folders.

#include <QDialog>
#include <QJsonObject>

namespace ganvas::ui {

class AboutDialog : public QDialog {
    Q_OBJECT
public:
    explicit AboutDialog(const QJsonObject& report, QWidget* parent = nullptr);
    QString detailsText() const { return m_details; }

private:
    QString m_details;
};

} // namespace ganvas::ui
