#pragma once

#include "airbyte/connectorspec.h"
#include "airbyte/specform.h"

#include <QJsonObject>
#include <QWidget>

#include <memory>
#include <optional>

class QFormLayout;
class QLabel;
class QTimer;
class QVBoxLayout;

namespace sluice {

// The form of a connector specification (SpecForm), drawn as widgets: text and masked secret fields,
// number fields, checkboxes, drop-downs for enums, lists one entry per line (checkable when the items
// have options), boxes for nested objects, a drop-down and its fields for each oneOf choice, and a JSON
// editor for what the form cannot draw (the field says why). Every editor has its field's title as
// its accessible name and a label that is its buddy.
//
// Contract:
// - value() is what the fields hold: fields left empty are left out (booleans: false only when the
//   spec has a default, the field is required, or the value set had it); keys the form does not show
//   (additional properties, hidden fields) are kept from the value set with setValue(), so that
//   value() after setValue(v) equals v for any v the spec describes.
// - Defaults of the spec fill the fields when the form is built.
// - The fields are built a group at a time across turns of the event loop (no turn longer than about
//   half a frame for a form of hundreds of fields); every accessor below builds what is left first, so
//   callers never see a half-built form.
// - showProblems() marks each problem at its field (a line under it, in the palette's error colour)
//   and lists those with no field in the banner above the form; editing a field clears its mark.
// - localProblems(): what value() could not read (a JSON editor whose text is not JSON, a number field
//   that is not a number), by path, in the same words as validateConfig().
class SpecFormWidget : public QWidget
{
    Q_OBJECT
public:
    explicit SpecFormWidget(QWidget *parent = nullptr);
    ~SpecFormWidget() override;

    void setSpec(const QJsonObject &schema);
    void setValue(const QJsonObject &config);
    [[nodiscard]] QJsonObject value() const;
    [[nodiscard]] QList<SpecProblem> localProblems() const;

    void showProblems(const QList<SpecProblem> &problems);
    void clearProblems();

    [[nodiscard]] const SpecForm &form() const { return m_form; }
    // The editor of the field at `path` (a branch's field only while its branch is chosen); null if none.
    [[nodiscard]] QWidget *editorAt(const QString &path) const;
    // The problem line shown under the field at `path`, empty if none.
    [[nodiscard]] QString problemAt(const QString &path) const;

Q_SIGNALS:
    void changed();

private:
    struct Node;
    struct Level;
    void build();
    bool buildStep();
    void buildSome();
    void scheduleBuild();
    void finishBuild() const;
    [[nodiscard]] bool built() const;
    std::unique_ptr<Level> buildLevel(const QList<SpecField> &fields, QWidget *parent, QFormLayout *layout);
    std::unique_ptr<Node> buildNode(const SpecField &field, QWidget *parent, QFormLayout *layout);
    Node *nodeAt(const QString &path) const;

    SpecForm m_form;
    QLabel *m_banner;
    QWidget *m_body = nullptr;
    QVBoxLayout *m_bodyLayout = nullptr;
    std::optional<QJsonObject> m_pendingValue;   // the value set last, for groups built after it
    QVBoxLayout *m_outer;
    QTimer *m_buildTimer;                        // the next turn's share of the build
    std::vector<std::unique_ptr<Level>> m_levels;   // one per group (the last one may still be building)
    // The group being built, field by field, in chunks of rows: each chunk (its own form, labels as wide
    // as the group's widest so the columns line up) is shown once complete, the group's box with its
    // first chunk.
    QWidget *m_groupBox = nullptr;
    QVBoxLayout *m_groupChunks = nullptr;
    bool m_groupShown = false;
    int m_labelWidth = 0;
    QWidget *m_chunk = nullptr;
    QFormLayout *m_groupLayout = nullptr;        // the open chunk's; null between chunks
    int m_chunkFields = 0;                       // the open chunk's weight (fields, nested ones too)
    qsizetype m_groupField = 0;                  // the group's next field
};

} // namespace sluice
