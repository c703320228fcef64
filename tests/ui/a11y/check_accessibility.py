#!/usr/bin/python3
"""Drives the running Sluice window through the accessibility bus (AT-SPI), as a screen reader or
GNOME's UI tests do, and reports every control a person using one could not tell apart.

    check_accessibility.py PID [--screenshot-dir DIR]

Visits every page (chosen through the page list's accessible action, as an AT does), every tab of
every tab bar it finds, the New task dialog and the Airbyte server dialog, and checks what is showing:
  - every control a person can operate (button, check box, combo box, text field, spin box, list,
    table, tree, tab) has a name, or a label pointing at it (a buddy); a combo box needs the label,
    as Qt on Linux names it by its current value;
  - every table with columns has a header for each column;
  - names are not the widget's class or object name ("QPushButton", "qt_...").
Exit 0 when nothing is wrong, 1 with one line per problem, 2 when the app cannot be found or driven.
"""
import sys
import time

import os

import pyatspi

DEBUG = os.environ.get("SLUICE_A11Y_DEBUG") == "1"

CONTROL_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON: "button",
    pyatspi.ROLE_TOGGLE_BUTTON: "toggle button",
    pyatspi.ROLE_CHECK_BOX: "check box",
    pyatspi.ROLE_RADIO_BUTTON: "radio button",
    pyatspi.ROLE_COMBO_BOX: "combo box",
    pyatspi.ROLE_TEXT: "text field",
    pyatspi.ROLE_ENTRY: "text field",
    pyatspi.ROLE_PASSWORD_TEXT: "password field",
    pyatspi.ROLE_SPIN_BUTTON: "spin box",
    pyatspi.ROLE_SLIDER: "slider",
    pyatspi.ROLE_LIST: "list",
    pyatspi.ROLE_LIST_BOX: "list",
    pyatspi.ROLE_TABLE: "table",
    pyatspi.ROLE_TREE: "tree",
    pyatspi.ROLE_TREE_TABLE: "tree",
    pyatspi.ROLE_PAGE_TAB: "tab",
}
TABLE_ROLES = {pyatspi.ROLE_TABLE, pyatspi.ROLE_TREE_TABLE}
# Parts Qt itself puts inside composite controls: their name is the composite's business.
INNER_PARENT_ROLES = {pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_SCROLL_BAR}


def fail_setup(message):
    print(f"accessibility: {message}", file=sys.stderr)
    sys.exit(2)


def find_app(pid, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            try:
                if app is not None and app.get_process_id() == pid and app.childCount > 0:
                    return app
            except Exception:
                continue
        time.sleep(0.5)
    fail_setup(f"no application with pid {pid} appeared on the accessibility bus within {timeout:.0f} s "
               "(is QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 set and the at-spi bus running?)")


def safe(fn, default=None):
    try:
        return fn()
    except Exception:
        return default


def showing(acc):
    states = safe(acc.getState)
    return states is not None and states.contains(pyatspi.STATE_SHOWING)


def walk(acc, depth=0):
    """Every showing descendant (an invisible subtree is not walked: nobody can reach it)."""
    if acc is None or depth > 60:
        return
    yield acc
    for i in range(safe(lambda: acc.childCount, 0)):
        child = safe(lambda: acc.getChildAtIndex(i))
        if child is not None and showing(child):
            yield from walk(child, depth + 1)


def labelled_by(acc):
    """The text of a label that names `acc` (a buddy). A group box also "labels" its children on Qt's
    bridge; it does not tell them apart, so it does not count."""
    relations = safe(acc.getRelationSet, []) or []
    for relation in relations:
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for i in range(relation.getNTargets()):
                target = relation.getTarget(i)
                if target is not None and safe(target.getRole) == pyatspi.ROLE_LABEL \
                        and (safe(lambda: target.name, "") or "").strip():
                    return target.name.strip()
    return ""


def inherited_name(acc, name):
    """The name of the ancestor `acc` takes its name from (Qt names an unnamed field inside a group box
    by the box's title), or ''."""
    node = safe(lambda: acc.parent)
    for _ in range(4):
        if node is None:
            break
        if (safe(lambda: node.name, "") or "").strip() == name:
            return name
        node = safe(lambda: node.parent)
    return ""


def path_of(acc):
    """A readable address: the nearest named ancestors, e.g. 'Sluice > Transform > Tasks'."""
    parts = []
    node = safe(lambda: acc.parent)
    while node is not None and len(parts) < 4:
        name = (safe(lambda: node.name, "") or "").strip()
        if name:
            parts.append(name)
        if safe(node.getRole) == pyatspi.ROLE_APPLICATION:
            break
        node = safe(lambda: node.parent)
    return " > ".join(reversed(parts)) or "(top)"


def looks_generated(name):
    return name.startswith("Q") and name[1:2].isupper() and " " not in name or name.startswith("qt_")


class Checker:
    def __init__(self):
        self.problems = {}  # key -> message, so a control seen on several visits is told once
        self.checked = 0
        self.dialogs = []

    def problem(self, key, message):
        self.problems.setdefault(key, message)

    def check_tree(self, root, where):
        for acc in walk(root):
            role = safe(acc.getRole)
            if role not in CONTROL_ROLES:
                continue
            parent_role = safe(lambda: acc.parent.getRole())
            if parent_role in INNER_PARENT_ROLES:
                continue
            states = acc.getState()
            if role in (pyatspi.ROLE_TEXT,) and not states.contains(pyatspi.STATE_EDITABLE) \
                    and not states.contains(pyatspi.STATE_FOCUSABLE):
                continue  # a read-only label-like text nobody tabs to
            self.checked += 1
            name = (safe(lambda: acc.name, "") or "").strip()
            label = labelled_by(acc)
            kind = CONTROL_ROLES[role]
            if DEBUG:
                print(f"  {where}: {kind} name={name!r} label={label!r} under {path_of(acc)}", file=sys.stderr)
            key = (path_of(acc), kind, name, safe(acc.getIndexInParent))
            if role == pyatspi.ROLE_COMBO_BOX and not label:
                # On Linux Qt gives a combo box its current value as its name: only a label says what it is.
                self.problem(key, f"{where}: the combo box showing '{name}' under '{path_of(acc)}' has no label (a buddy)")
            elif not name and not label:
                self.problem(key, f"{where}: a {kind} under '{path_of(acc)}' has no name and no label")
            elif name and not label and role != pyatspi.ROLE_PAGE_TAB and inherited_name(acc, name):
                self.problem(key, f"{where}: a {kind} under '{path_of(acc)}' is named only by its group "
                                  f"('{name}'), like every other control in it")
            elif name and looks_generated(name):
                self.problem(key, f"{where}: a {kind} under '{path_of(acc)}' is named '{name}' (a class or object name)")
            if role in TABLE_ROLES:
                self.check_headers(acc, where, name or label)

    def check_headers(self, acc, where, table_name):
        table = safe(acc.queryTable)
        if table is None:
            return
        for column in range(safe(lambda: table.nColumns, 0)):
            header = safe(lambda: table.getColumnHeader(column))
            text = (safe(lambda: header.name, "") or "").strip() if header is not None else ""
            if not text:
                text = (safe(lambda: table.getColumnDescription(column), "") or "").strip()
            if not text:
                self.problem((where, table_name, column),
                             f"{where}: table '{table_name}' has no header for column {column + 1}")


def find(root, role, name=None):
    """The first showing descendant of `role` whose name is `name` or starts with it ("New task…")."""
    for acc in walk(root):
        if safe(acc.getRole) == role and (name is None or (safe(lambda: acc.name, "") or "").startswith(name)):
            return acc
    return None


def choose_tab(window, name):
    for tabs in [acc for acc in walk(window) if safe(acc.getRole) == pyatspi.ROLE_PAGE_TAB_LIST]:
        for i in range(safe(lambda: tabs.childCount, 0)):
            tab = safe(lambda: tabs.getChildAtIndex(i))
            if tab is not None and (safe(lambda: tab.name, "") or "").replace("&", "").startswith(name):
                selection = safe(tabs.querySelection)
                if not (selection is not None and safe(lambda: selection.selectChild(i), False)):
                    press(tab)
                settle(0.6)
                return True
    return False


def press(acc, names=("Press", "press", "Toggle", "toggle", "click", "SetFocus")):
    action = safe(acc.queryAction)
    if action is None:
        return False
    available = [action.getName(i) for i in range(action.nActions)]
    for wanted in names:
        if wanted in available:
            return action.doAction(available.index(wanted))
    return action.nActions > 0 and action.doAction(0)


def settle(seconds=1.0):
    time.sleep(seconds)


def choose_page(window, index):
    pages = find(window, pyatspi.ROLE_LIST, "Pages") or find(window, pyatspi.ROLE_LIST_BOX, "Pages")
    if pages is None:
        fail_setup("the window has no list named 'Pages'")
    item = pages.getChildAtIndex(index)
    name = item.name
    selection = safe(pages.querySelection)
    if not (selection is not None and safe(lambda: selection.selectChild(index), False)):
        press(item, ("Toggle", "toggle", "Press", "press"))
    settle()
    return name, pages


def visit_tabs(window, checker, where):
    """Every tab bar on the page: choose each of its tabs in turn and check what it shows."""
    for tabs in [acc for acc in walk(window) if safe(acc.getRole) == pyatspi.ROLE_PAGE_TAB_LIST]:
        for i in range(safe(lambda: tabs.childCount, 0)):
            tab = safe(lambda: tabs.getChildAtIndex(i))
            if tab is None or safe(tab.getRole) != pyatspi.ROLE_PAGE_TAB:
                continue  # the tab bar's scroll buttons
            selection = safe(tabs.querySelection)
            if not (selection is not None and safe(lambda: selection.selectChild(i), False)):
                press(tab)
            settle(0.6)
            checker.check_tree(window, f"{where} / {tab.name or f'tab {i + 1}'}")


def main():
    if len(sys.argv) < 2:
        fail_setup("usage: check_accessibility.py PID")
    pid = int(sys.argv[1])
    app = find_app(pid)
    window = None
    deadline = time.monotonic() + 60
    while window is None and time.monotonic() < deadline:
        for i in range(app.childCount):
            child = safe(lambda: app.getChildAtIndex(i))
            if child is not None and safe(child.getRole) == pyatspi.ROLE_FRAME and "Sluice" in (child.name or ""):
                window = child
        if window is None:
            time.sleep(0.5)
    if window is None:
        fail_setup("the application shows no window named Sluice")
    # The store opens on a service thread; the pages fill when it answers.
    settle(3)

    checker = Checker()
    checker.check_tree(window, "window")
    pages = find(window, pyatspi.ROLE_LIST, "Pages") or find(window, pyatspi.ROLE_LIST_BOX, "Pages")
    if pages is None:
        fail_setup("the window has no list named 'Pages'")
    visited = []
    for index in range(pages.childCount):
        name, _ = choose_page(window, index)
        visited.append(name)
        checker.check_tree(window, name)
        visit_tabs(window, checker, name)
        if name == "Transform":
            check_new_task_dialog(app, window, checker)
        if name == "Ingest":
            check_dialog(app, window, checker, "Ingest", "Airbyte server")

    for message in sorted(checker.problems.values()):
        print(message)
    print(f"accessibility: visited {', '.join(visited)} and the dialogs {', '.join(checker.dialogs) or 'none'}; "
          f"checked {checker.checked} controls; "
          f"{len(checker.problems)} problem(s)", file=sys.stderr)
    if checker.checked < 20:
        fail_setup(f"only {checker.checked} controls were reachable: the tree was not read")
    sys.exit(1 if checker.problems else 0)


def check_new_task_dialog(app, window, checker):
    """The New task dialog: opened through its button's action, checked, closed with Cancel."""
    choose_tab(window, "Tasks")
    check_dialog(app, window, checker, "Transform", "New task")


def check_dialog(app, window, checker, where, button_name):
    """A dialog opened through its button's action, checked, closed with Cancel."""
    button = find(window, pyatspi.ROLE_PUSH_BUTTON, button_name)
    if button is None:
        checker.problem((where, button_name), f"{where}: no button named '{button_name}'")
        return
    press(button)
    dialog = None
    deadline = time.monotonic() + 10
    while dialog is None and time.monotonic() < deadline:
        settle(0.5)
        for i in range(app.childCount):
            child = safe(lambda: app.getChildAtIndex(i))
            if child is not None and child != window and safe(child.getRole) in (pyatspi.ROLE_DIALOG, pyatspi.ROLE_FRAME) \
                    and showing(child):
                dialog = child
    if dialog is None:
        checker.problem((where, button_name + " dialog"), f"{where}: pressing '{button_name}' opened no dialog")
        return
    before = checker.checked
    checker.check_tree(dialog, f"{button_name} dialog ({dialog.name})")
    checker.dialogs.append(f"{dialog.name} ({checker.checked - before} controls)")
    cancel = find(dialog, pyatspi.ROLE_PUSH_BUTTON, "Cancel")
    if cancel is None:
        checker.problem((button_name, "Cancel"), f"{button_name} dialog: no button named 'Cancel'")
        return
    press(cancel)
    settle(0.5)


if __name__ == "__main__":
    main()
