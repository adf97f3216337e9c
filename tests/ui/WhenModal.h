// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Answering a modal dialog from a test: the caller registers the answer, then starts the code
// that opens the dialog with exec().

#include <QApplication>
#include <QTimer>
#include <QWidget>

#include <functional>

namespace ganvas::test {

/// Runs @p handle on the modal dialog of type T as soon as it is shown (a timer polls for it, so
/// the caller may then start the code that opens it with exec()).
template <typename T>
void whenModal(std::function<void(T*)> handle)
{
    auto* timer = new QTimer(qApp);
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, handle] {
        if (auto* dialog = qobject_cast<T*>(QApplication::activeModalWidget())) {
            timer->stop();
            timer->deleteLater();
            handle(dialog);
        }
    });
    timer->start();
}

} // namespace ganvas::test
