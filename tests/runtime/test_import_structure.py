"""Who imports whom: no cycle among the project's modules, and the domain stands
alone (`make lint` checks the full contracts of pyproject.toml with lint-imports)."""

import grimp

PACKAGES = ("taskapp", "api", "ui", "config")


def _cycles(graph) -> list[list[str]]:
    """Groups of modules that import each other, directly or not (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert _cycles(graph) == []


def test_it_finds_a_cycle_when_there_is_one():
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="b", imported="c")
    assert _cycles(graph) == [["a", "b"]]


def test_the_domain_imports_no_plumbing_api_or_ui():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    for domain in ("taskapp.tasks", "taskapp.accounts"):
        for other in ("config", "api", "ui"):
            chain = graph.find_shortest_chain(importer=domain, imported=other, as_packages=True)
            assert chain is None, f"{domain} imports {other}: {chain}"
