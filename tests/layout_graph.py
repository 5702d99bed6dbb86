"""The shape of the source tree, read with `ast`: the import graph of `src/postaudit`
(every import: top-level, deferred inside functions, under TYPE_CHECKING), its circles,
imports of another module's private names, what the rules import, and sizes.

Used by tests/test_layout.py; `python tests/layout_graph.py` prints the report.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100
#: what a rule module may import from postaudit: the parsed page, the measures, the model,
#: the URL helpers
RULES_MAY_IMPORT = (
    "postaudit.parse",
    "postaudit.measure",
    "postaudit.model",
    "postaudit.urls",
    "postaudit.rules",
)


@dataclass
class Layout:
    modules: int = 0
    graph: dict[str, set[str]] = field(default_factory=dict)
    cycles: list[list[str]] = field(default_factory=list)
    private: list[str] = field(default_factory=list)
    rules_imports: list[str] = field(default_factory=list)
    big_modules: list[str] = field(default_factory=list)
    long_functions: list[str] = field(default_factory=list)
    largest_module: str = ""
    longest_function: str = ""


def module_name(src: Path, path: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def _owner(name: str, modules: dict[str, Path]) -> str:
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(module: str, path: Path, modules: dict[str, Path], layout: Layout) -> set[str]:
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {_owner(a.name, modules) for a in node.names if a.name.startswith("postaudit")}
        elif isinstance(node, ast.ImportFrom):
            base = _base(module, path.name == "__init__.py", node)
            if not base.startswith("postaudit"):
                continue
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    found.add(f"{base}.{alias.name}")
                    continue
                target = _owner(base, modules)
                found.add(target)
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    layout.private.append(f"{module} imports {target}.{alias.name}")
    found.discard(module)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _sizes(module: str, path: Path, layout: Layout, best: list[tuple[int, str]]) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n") + (not text.endswith("\n") and bool(text))
    if lines > MAX_MODULE_LINES:
        layout.big_modules.append(f"{module} ({lines} lines)")
    best[0] = max(best[0], (lines, module))
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            where = f"{module}.{node.name} ({length} lines, line {node.lineno})"
            if length > MAX_FUNCTION_LINES:
                layout.long_functions.append(where)
            best[1] = max(best[1], (length, where))


def analyse(src: Path) -> Layout:
    modules = {module_name(src, p): p for p in sorted((src / "postaudit").rglob("*.py"))}
    layout = Layout(modules=len(modules))
    best: list[tuple[int, str]] = [(0, ""), (0, "")]
    for module, path in modules.items():
        layout.graph[module] = _imports(module, path, modules, layout)
        _sizes(module, path, layout, best)
        if module.startswith("postaudit.rules"):
            for target in sorted(layout.graph[module]):
                if not target.startswith(RULES_MAY_IMPORT):
                    layout.rules_imports.append(f"{module} imports {target}")
    layout.cycles = _cycles(layout.graph)
    layout.largest_module = f"{best[0][1]} ({best[0][0]} lines)"
    layout.longest_function = best[1][1]
    return layout


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    report = analyse(root / "src")
    for cycle in report.cycles:
        print("circle:", " <-> ".join(cycle))
    for line in report.private:
        print("private name:", line)
    for line in report.rules_imports:
        print("rule imports outside parse/measure/model:", line)
    for line in report.big_modules:
        print(f"module over {MAX_MODULE_LINES} lines:", line)
    for line in report.long_functions:
        print(f"function over {MAX_FUNCTION_LINES} lines:", line)
    print(
        f"{report.modules} modules; largest {report.largest_module}; longest function {report.longest_function}"
    )


if __name__ == "__main__":
    main()
