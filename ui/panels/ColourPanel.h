// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// @file ColourPanel.h
/// The Colour dock: foreground/background swatches (X swaps, D resets to black/white), an HSV
/// picker with hex entry (Qt's colour dialog embedded as a widget), and the recent colours.

#include <QColor>
#include <QVector>
#include <QWidget>

class QColorDialog;
class QHBoxLayout;
class QToolButton;

namespace ganvas::ui {

class ColourPanel : public QWidget {
    Q_OBJECT
public:
    explicit ColourPanel(QWidget* parent = nullptr);

    QColor foreground() const { return m_foreground; }
    QColor background() const { return m_background; }
    const QVector<QColor>& recent() const { return m_recent; }
    static constexpr int kMaxRecent = 12;

public Q_SLOTS:
    void setForeground(const QColor& colour);
    void setBackground(const QColor& colour);
    void swap();
    void resetColours();
    /// Remembers @p colour as used (called when a stroke starts with it).
    void addRecent(const QColor& colour);

Q_SIGNALS:
    void foregroundChanged(const QColor& colour);

private:
    void refreshSwatches();

    QColor m_foreground = Qt::black;
    QColor m_background = Qt::white;
    QVector<QColor> m_recent;
    QToolButton* m_fgButton;
    QToolButton* m_bgButton;
    QColorDialog* m_picker;
    QHBoxLayout* m_recentRow;
    bool m_updating = false;
};

} // namespace ganvas::ui
