"""The process's meaning lives in the workflow definitions: no code outside them names a
state or a trigger of the shipped workflows (docs/workflows.md, "What the states and
triggers mean"). The demo (assess/operations/demo*.py) and the tests may: they play a
particular process."""

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "assess"
ALLOWED = {"operations/demo.py", "operations/demo_scenario.py"}
# Words that are also ids of another vocabulary: the screening's answers and its page,
# a form section, the document's watermark, an agenda outcome. As such they may appear;
# compared with a state or a trigger, they may not. "screened_out" is also one of the yearly
# report's figures (issue 22).
OTHER_VOCABULARY = {"screening", "follow_up", "draft", "approved", "screened_out"}
PROCESS_NAMES = re.compile(r"state|trigger|dest|source", re.IGNORECASE)


def process_ids() -> set[str]:
    ids = set()
    for name in ("eva-standard", "eva-light"):
        data = yaml.safe_load((ROOT / "workflows" / f"{name}.yaml").read_text())
        ids |= set(data["states"]) | {t["trigger"] for t in data["transitions"]}
    return ids


def _names_process(node: ast.AST) -> bool:
    return bool(PROCESS_NAMES.search(ast.unparse(node)))


def _strings(node: ast.AST) -> list[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [c for e in node.elts for c in _strings(e)]
    return []


def _compared_with_process(tree: ast.AST) -> set[int]:
    """ids of string constants compared with (or filtered as) a state or a trigger."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            for i, operand in enumerate(operands):
                others = operands[:i] + operands[i + 1 :]
                if any(_names_process(o) for o in others):
                    found |= {id(c) for c in _strings(operand)}
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in ("in_", "not_in")
                and _names_process(func.value)
            ):
                found |= {id(c) for a in node.args for c in _strings(a)}
            for kw in node.keywords:
                if kw.arg and PROCESS_NAMES.search(kw.arg):
                    found |= {id(c) for c in _strings(kw.value)}
    return found


def literals_in_python(ids: set[str], package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel in ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        compared = _compared_with_process(tree)
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and node.value in ids):
                continue
            if id(node) in docstrings:
                continue
            if node.value in OTHER_VOCABULARY and id(node) not in compared:
                continue
            found.append(f"assess/{rel}:{node.lineno}: {node.value!r}")
    return sorted(found)


JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
QUOTED = re.compile(r"""["']([a-z_]+)["']""")
TRIGGER_FIELD = re.compile(r"""name=["']trigger["'][^>]*?value=["']([a-z_]+)["']""")


def literals_in_templates(ids: set[str], package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted((package / "web" / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(package).as_posix()
        for block in JINJA.finditer(text):
            for word in QUOTED.findall(block.group()):
                if word in ids and word not in OTHER_VOCABULARY:
                    found.append(f"assess/{rel}: {word!r} in {block.group()[:60]}")
        for word in TRIGGER_FIELD.findall(text):
            if word in ids:
                found.append(f"assess/{rel}: a form fires {word!r}")
    return found


def test_no_state_or_trigger_id_outside_the_definitions():
    ids = process_ids()
    assert {"in_review", "submit", "record_decision", "withdrawn"} <= ids
    found = literals_in_python(ids) + literals_in_templates(ids)
    assert not found, "ask the workflow definition instead (docs/workflows.md):\n" + "\n".join(
        found
    )


def test_the_scan_finds_what_it_looks_for(tmp_path):
    ids = process_ids()
    (tmp_path / "web" / "templates").mkdir(parents=True)
    (tmp_path / "meant.py").write_text(
        "READY = ('approved', 'in_assessment')\n"
        "def f(a, t, q):\n"
        "    '''in_review is a docstring, not a comparison'''\n"
        "    x = q.where(Assessment.state.in_(('draft', 'screening')))\n"
        "    y = t.trigger == 'submit' or a.state != 'follow_up'\n"
        "    return fire(a, trigger='close'), data.get('screening'), page == 'draft'\n"
    )
    (tmp_path / "web" / "templates" / "t.html").write_text(
        '{% if t.dest == \'withdrawn\' %}<input name="trigger" value="submit">{% endif %}'
        "<button type=\"submit\">{{ url_for('x', section_id='follow_up') }}</button>"
    )
    python = literals_in_python(ids, tmp_path)
    templates = literals_in_templates(ids, tmp_path)
    assert python == [
        "assess/meant.py:1: 'in_assessment'",
        "assess/meant.py:4: 'draft'",
        "assess/meant.py:4: 'screening'",
        "assess/meant.py:5: 'follow_up'",
        "assess/meant.py:5: 'submit'",
        "assess/meant.py:6: 'close'",
    ]
    assert len(templates) == 2 and "'withdrawn'" in templates[0] and "'submit'" in templates[1]
