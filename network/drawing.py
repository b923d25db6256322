"""The network as a server-rendered SVG: clusters laid out with networkx's spring layout (a fixed seed, so the
same data always draws the same way), each in its own cell of a grid.

The template only lays out what this module computes. Every node is a link with a text alternative, and
kinds differ by shape (child: circle, person: square, place: diamond) and lines by dash pattern, never by
colour alone. The page's tables carry the same information for anyone who cannot use the picture.
"""

import textwrap
from dataclasses import dataclass, field

import networkx as nx

from network.patterns import CHILD, PERSON, PLACE, Cluster, Network, node

SEED = 20260501
COLUMNS = 3
CELL_WIDTH = 340
CELL_HEIGHT = 320
PADDING = 46
MAX_NODES = 150
MAX_CLUSTERS = 12
# A node's name is wrapped under it, whole words to a line, never cut short (a label once read "Adult known as
# 'Ski…"); only a name longer than LABEL_LINES lines ends with an ellipsis, and its title carries all of it.
LABEL_LINE_CHARACTERS = 18
LABEL_LINES = 4
LABEL_LINE_HEIGHT = 14
# A node is kept this far from its cell's sides: half the widest label line (18 characters of 12px GDS Transport,
# about 120px, measured in tests/browser/test_network_picture.py), so a label near the edge is never cut by the
# cell or the picture's own edge.
LABEL_HALF_WIDTH = 66
KIND_LABELS = {CHILD: "Child", PERSON: "Person", PLACE: "Place"}


@dataclass
class DrawnNode:
    name: str  # the graph's name for the record, such as 'child:12'
    kind: str
    x: float
    y: float
    lines: list[str]
    title: str
    href: str
    points: str = ""  # a diamond's corners, for places
    css: str = ""
    box_x: float = 0.0  # a square's top-left corner, for persons
    box_y: float = 0.0
    label_y: float = 0.0
    line_ys: list[float] = field(default_factory=list)

    @property
    def label_lines(self) -> list[tuple[str, float]]:
        """Each line of the label with its baseline, for the template's <tspan>s."""
        return list(zip(self.lines, self.line_ys, strict=True))


@dataclass
class DrawnEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    css: str


@dataclass
class DrawnCell:
    x: float
    y: float
    width: float
    height: float
    caption: str
    caption_x: float
    caption_y: float


@dataclass
class Drawing:
    width: int
    height: int
    nodes: list[DrawnNode]
    edges: list[DrawnEdge]
    cells: list[DrawnCell]
    clusters_drawn: int
    clusters_total: int


def label_lines(text: str) -> list[str]:
    """`text` in lines of whole words (a word longer than a line is broken), at most LABEL_LINES of them."""
    lines = textwrap.wrap(text, LABEL_LINE_CHARACTERS, break_long_words=True, break_on_hyphens=True) or [""]
    if len(lines) <= LABEL_LINES:
        return lines
    last = lines[LABEL_LINES - 1]
    return [*lines[: LABEL_LINES - 1], last[: LABEL_LINE_CHARACTERS - 1].rstrip() + "…"]


def draw(
    network: Network,
    labels: dict[str, str],
    hrefs: dict[str, str],
    *,
    details: dict[str, str] | None = None,
    police_only: set[str] | frozenset[str] = frozenset(),
    max_nodes: int = MAX_NODES,
    max_clusters: int = MAX_CLUSTERS,
) -> Drawing:
    """Lay out the heaviest clusters: at most `max_clusters`, and `max_nodes` nodes in all (but at least one).

    `labels`, `hrefs` and `details` (extra text for a node's title) are keyed by node name ('child:12');
    `police_only` names the police-only nodes.
    """
    details = details or {}
    graph = network.graph
    chosen: list[tuple[Cluster, list[str]]] = []
    total = 0
    for cluster in network.clusters[:max_clusters]:
        members = [node(CHILD, pk) for pk in cluster.children]
        members += [node(PERSON, pk) for pk in cluster.persons] + [node(PLACE, pk) for pk in cluster.places]
        if chosen and total + len(members) > max_nodes:
            break
        chosen.append((cluster, members))
        total += len(members)
    rows = max(1, -(-len(chosen) // COLUMNS))
    nodes: list[DrawnNode] = []
    edges: list[DrawnEdge] = []
    cells: list[DrawnCell] = []
    for position, (cluster, members) in enumerate(chosen):
        left = (position % COLUMNS) * CELL_WIDTH
        top = (position // COLUMNS) * CELL_HEIGHT
        cells.append(
            DrawnCell(
                left + 4,
                top + 4,
                CELL_WIDTH - 8,
                CELL_HEIGHT - 8,
                f"Cluster {cluster.index + 1}: {len(cluster.children)} children",
                left + 14,
                top + 24,
            )
        )
        sub = graph.subgraph(members)
        layout = nx.spring_layout(sub, seed=SEED, k=1.6 / max(len(members), 1) ** 0.5, iterations=80)
        xs = [p[0] for p in layout.values()]
        ys = [p[1] for p in layout.values()]
        span_x = (max(xs) - min(xs)) or 1.0
        span_y = (max(ys) - min(ys)) or 1.0
        side = max(PADDING, LABEL_HALF_WIDTH)
        inner_w = CELL_WIDTH - 2 * side
        inner_h = CELL_HEIGHT - 2 * PADDING - 14 - LABEL_LINE_HEIGHT * (LABEL_LINES - 1)  # room for labels
        where = {}
        for name, (px, py) in layout.items():
            x = left + side + (inner_w / 2 if len(layout) == 1 else (px - min(xs)) / span_x * inner_w)
            y = top + PADDING + 14 + (inner_h / 2 if len(layout) == 1 else (py - min(ys)) / span_y * inner_h)
            where[name] = (round(x, 1), round(y, 1))
        for a, b, data in sub.edges(data=True):
            (x1, y1), (x2, y2) = where[a], where[b]
            if data.get("together"):
                css = "hw-net-edge hw-net-edge--together"
            else:
                css = "hw-net-edge" + ("" if data.get("confidence", 0) >= 1 else " hw-net-edge--unconfirmed")
            edges.append(DrawnEdge(x1, y1, x2, y2, css))
        for name in members:
            kind = graph.nodes[name]["kind"]
            x, y = where[name]
            label = labels.get(name, KIND_LABELS[kind])
            lines = label_lines(label)
            css = f"hw-net-node hw-net-node--{kind}" + (" hw-net-node--police-only" if name in police_only else "")
            nodes.append(
                DrawnNode(
                    name=name,
                    kind=kind,
                    x=x,
                    y=y,
                    lines=lines,
                    title=f"{KIND_LABELS[kind]}: {label}"
                    + (f", {details[name]}" if name in details else "")
                    + (" (police only)" if name in police_only else ""),
                    href=hrefs.get(name, ""),
                    points=f"{x},{y - 11} {x + 11},{y} {x},{y + 11} {x - 11},{y}" if kind == PLACE else "",
                    css=css,
                    box_x=round(x - 9, 1),
                    box_y=round(y - 9, 1),
                    label_y=round(y + 24, 1),
                    line_ys=[round(y + 24 + LABEL_LINE_HEIGHT * number, 1) for number in range(len(lines))],
                )
            )
    return Drawing(
        width=COLUMNS * CELL_WIDTH,
        height=rows * CELL_HEIGHT,
        nodes=nodes,
        edges=edges,
        cells=cells,
        clusters_drawn=len(chosen),
        clusters_total=len(network.clusters),
    )
