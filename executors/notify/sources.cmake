# Notifications of finished runs: Slack / Teams / generic webhooks and desktop notifications.
# notifier.cpp calls org.freedesktop.Notifications on the session bus.
find_package(Qt6 REQUIRED COMPONENTS DBus)
target_link_libraries(sluice_executors PRIVATE Qt6::DBus)
target_sources(sluice_executors PRIVATE
    notify/notificationcontent.h notify/notificationcontent.cpp
    notify/notifier.h notify/notifier.cpp
)
