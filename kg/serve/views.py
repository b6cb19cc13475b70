"""Result views drawn on the server as plain SVG: a bar chart per voivodeship and a network of
people, events and regions. The data functions run in a worker (or in-process for ``kg publish``);
the drawing functions are pure and deterministic, so the same data always gives the same picture.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from html import escape

from ..namespaces import CV, KGO, RDFS, SCHEMA
from ..stats import EVENT_CLASSES
from .backend import Backend, Node, select

MEASURES = {
    "events": ("Wydarzenia", "Events", f"""SELECT ?v (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        VALUES ?class {{ {" ".join(f"<{c}>" for c in EVENT_CLASSES)} }}
        ?x a ?class ; <{KGO.inVoivodeship}> ?v }} GROUP BY ?v"""),
    "speakers": ("Osoby aktywne na wydarzeniach", "People active at events", f"""SELECT ?v (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        ?p a <{KGO.Participation}> ; <{CV.hasParticipant}> ?x ; <{KGO.inEvent}> ?e .
        ?x a <{KGO.Person}> . ?e <{KGO.inVoivodeship}> ?v }} GROUP BY ?v"""),
    "organisations": ("Organizacje", "Organisations", f"""SELECT ?v (COUNT(DISTINCT ?x) AS ?n) WHERE {{
        ?x a <{KGO.Organisation}> ; <{KGO.inVoivodeship}> ?v }} GROUP BY ?v"""),
}


@dataclass
class Bar:
    iri: str
    label: str
    value: int


def chart_data(backend: Backend) -> dict[str, list[Bar]]:
    """Per measure, one bar per voivodeship (all 16, zero included), in Polish alphabetical order."""
    regions = select(backend, f"""SELECT ?v ?label WHERE {{ ?v a <{KGO.Voivodeship}> ; <{RDFS.label}> ?label .
        FILTER (lang(?label) = "pl") }}""")
    names = {row["v"].value: row["label"].value.removeprefix("województwo ") for row in regions}
    charts = {}
    for measure, (_, _, query) in MEASURES.items():
        counts = {row["v"].value: int(row["n"].value) for row in select(backend, query)}
        charts[measure] = sorted((Bar(v, names.get(v, v), counts.get(v, 0)) for v in {*names, *counts}),
                                 key=lambda b: _polish_key(b.label))
    return charts


def _polish_key(text: str) -> str:
    order = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
    return "".join(chr(0x100 + order.index(c)) if c in order else c for c in text.lower())


def bar_chart_svg(bars: list[Bar], title: str, href=lambda iri: None) -> str:
    """A horizontal bar chart; each bar links to its voivodeship when *href* gives a URL."""
    label_width, bar_width, row, top = 190, 360, 22, 34
    height = top + row * len(bars) + 10
    peak = max([b.value for b in bars] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {label_width + bar_width + 60} '
             f'{height}" width="{label_width + bar_width + 60}" height="{height}" aria-label="{escape(title)}">',
             f'<text x="0" y="18" class="chart-title">{escape(title)}</text>']
    for i, bar in enumerate(bars):
        y = top + i * row
        width = round(bar_width * bar.value / peak, 1)
        link = href(bar.iri)
        label = f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(bar.label)}</text>'
        if link:
            label = f'<a href="{escape(link)}">{label}</a>'
        parts.append(label)
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{width}" height="{row - 6}" class="bar">'
                     f'<title>{escape(bar.label)}: {bar.value}</title></rect>')
        parts.append(f'<text x="{label_width + width + 6}" y="{y + 15}" class="value">{bar.value}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# -- network ------------------------------------------------------------------------------------------

@dataclass
class Network:
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # IRI → (kind, label)
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (from, to, label)


def network_data(backend: Backend, voivodeship: str | None = None) -> Network:
    """People linked to the events they were active at, and events to their voivodeships."""
    # Node(...).n3() goes through ox.NamedNode: a value from a request cannot close the IRI (issue 9)
    region_filter = f"FILTER (?v = {Node('iri', voivodeship).n3()})" if voivodeship else ""
    rows = select(backend, f"""SELECT DISTINCT ?person ?pname ?event ?ename ?role ?v ?vname WHERE {{
        ?p a <{KGO.Participation}> ; <{CV.hasParticipant}> ?person ; <{KGO.inEvent}> ?event ; <{CV.role}> ?r .
        ?person a <{KGO.Person}> ; <{SCHEMA.name}> ?pname .
        ?event <{RDFS.label}> ?ename .
        ?event <{KGO.inVoivodeship}> ?v . ?v <{RDFS.label}> ?vname . FILTER (lang(?vname) = "pl")
        {region_filter}
        OPTIONAL {{ ?r <{RDFS.label}> ?role . FILTER (lang(?role) = "pl") }}
    }} ORDER BY ?person ?event ?role""")
    net = Network()
    seen = set()
    for row in rows:
        person, event, region = row["person"].value, row["event"].value, row["v"].value
        net.nodes.setdefault(person, ("person", row["pname"].value))
        net.nodes.setdefault(event, ("event", row["ename"].value))
        net.nodes.setdefault(region, ("region", row["vname"].value))
        role = row["role"].value if "role" in row else ""
        for edge in ((person, event, role), (event, region, "")):
            if edge[:2] not in seen:
                seen.add(edge[:2])
                net.edges.append(edge)
    return net


def layout(net: Network, width: float, height: float, *, iterations: int = 300, seed: int = 7,
           label_room: float = 190) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold force layout with a pull to the centre (so separate components stay close),
    seeded, then scaled to the drawing: the same network always gets the same positions."""
    rng = random.Random(seed)
    names = sorted(net.nodes)
    if not names:
        return {}
    pos = {n: [rng.random(), rng.random()] for n in names}
    k = 1.6 * math.sqrt(1.0 / len(names))
    temperature = 0.1
    for _ in range(iterations):
        shift = {n: [(0.5 - pos[n][0]) * k, (0.5 - pos[n][1]) * k] for n in names}  # gravity
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                dist = max(math.hypot(dx, dy), 1e-4)
                force = k * k / dist
                shift[a][0] += dx / dist * force
                shift[a][1] += dy / dist * force
                shift[b][0] -= dx / dist * force
                shift[b][1] -= dy / dist * force
        for a, b, _ in net.edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = max(math.hypot(dx, dy), 1e-4)
            force = dist * dist / k
            shift[a][0] -= dx / dist * force
            shift[a][1] -= dy / dist * force
            shift[b][0] += dx / dist * force
            shift[b][1] += dy / dist * force
        for n in names:
            dx, dy = shift[n]
            dist = max(math.hypot(dx, dy), 1e-9)
            step = min(dist, temperature)
            pos[n][0] += dx / dist * step
            pos[n][1] += dy / dist * step
        temperature = max(temperature * 0.98, 0.002)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
    pad = 20
    scale_x, scale_y = (width - label_room - 2 * pad) / span_x, (height - 2 * pad) / span_y
    return {n: (round(pad + (x - min(xs)) * scale_x, 1), round(pad + (y - min(ys)) * scale_y, 1))
            for n, (x, y) in pos.items()}


RADIUS = {"person": 7, "event": 9, "region": 13}


def network_svg(net: Network, title: str, href=lambda iri: None, width: int = 900, height: int = 640) -> str:
    """The network as SVG: regions large, events medium, people small; every node links to its page."""
    pos = layout(net, width, height)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="network" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-label="{escape(title)}">']
    for a, b, label in net.edges:
        (x1, y1), (x2, y2) = pos[a], pos[b]
        tip = f"<title>{escape(label)}</title>" if label else ""
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="edge">{tip}</line>')
    for iri in sorted(net.nodes, key=lambda n: RADIUS[net.nodes[n][0]], reverse=True):
        kind, label = net.nodes[iri]
        x, y = pos[iri]
        short = label if len(label) <= 38 else label[:36] + "…"
        node = (f'<circle cx="{x}" cy="{y}" r="{RADIUS[kind]}" class="node {kind}"><title>{escape(label)}</title></circle>'
                f'<text x="{x + RADIUS[kind] + 3}" y="{y + 4}" class="label {kind}">{escape(short)}</text>')
        link = href(iri)
        parts.append(f'<a href="{escape(link)}">{node}</a>' if link else node)
    parts.append("</svg>")
    return "\n".join(parts)
