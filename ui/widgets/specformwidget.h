#pragma once

#include "airbyte/connectorspec.h"
#include "airbyte/specform.h"

#include <QJsonObject>
#include <QWidget>

#include <memory>
#include <optional>

class QFormLayout;
class QLabel;
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
    int m_generation = 0;                        // a new spec stops the old one's building
    QVBoxLayout *m_outer;
    std::vector<std::unique_ptr<Level>> m_levels;   // one per group (the last one may still be building)
    QWidget *m_groupBox = nullptr;               // the group being built, field by field
    QFormLayout *m_groupLayout = nullptr;        // null when no group is open
    qsizetype m_groupField = 0;                  // its next field
};

} // namespace sluice
