// The schedule as the editor and the pipeline list put it in words.
#include "schedule/crondescription.h"

#include <QTest>

using namespace sluice;

class tst_CronDescription : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void describe_data()
    {
        QTest::addColumn<QString>("cron");
        QTest::addColumn<QString>("words");
        QTest::newRow("hourly") << "15 * * * *" << "Hourly at :15";
        QTest::newRow("@hourly") << "@hourly" << "Hourly at :00";
        QTest::newRow("daily") << "0 2 * * *" << "Daily at 02:00";
        QTest::newRow("@daily") << "@daily" << "Daily at 00:00";
        QTest::newRow("every day of week") << "30 6 * * 0-6" << "Daily at 06:30";
        QTest::newRow("weekdays") << "30 6 * * mon-fri" << "Weekdays at 06:30";
        QTest::newRow("weekly, Sunday last") << "0 9 * * 0,3" << "Weekly on Wed, Sun at 09:00";
        QTest::newRow("sunday as 7") << "0 9 * * 7" << "Weekly on Sun at 09:00";
        QTest::newRow("@weekly") << "@weekly" << "Weekly on Sun at 00:00";
        QTest::newRow("monthly") << "0 0 1 * *" << "Monthly on day 1 at 00:00";
        QTest::newRow("every 10 minutes") << "*/10 * * * *" << "Every 10 minutes";
        QTest::newRow("hour list") << "0 2,14 * * *" << "Custom: 0 2,14 * * *";
        QTest::newRow("yearly") << "@yearly" << "Custom: @yearly";
        QTest::newRow("invalid") << "61 * * * *" << "Custom: 61 * * * *";
    }

    void describe()
    {
        QFETCH(QString, cron);
        QFETCH(QString, words);
        QCOMPARE(describeCron(cron), words);
    }
};

QTEST_GUILESS_MAIN(tst_CronDescription)
#include "tst_crondescription.moc"
