"""Stage 2: turn one checked annotation into the RDF graph of its article.

The build is a chain of small passes, one per annotation section, each adding the triples of
that section to the article's graph (see docs/annotation-format.md for the field → term table).
Every node the build creates is remembered with the annotation line that produced it, so a
SHACL violation on that node can be reported against the line a curator has to fix.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .annotations import Annotation
from .iri import base_iri, mint
from .namespaces import CV, KGO, ORG, SCHEMA, WD
from .rdfterms import nt_literal, nt_quads, nt_term
from .reference import ACTIVE_ROLE, Reference

EVENT_CLASSES = {
    "conference": KGO.Conference, "training": KGO.Training, "panel": KGO.Panel,
    "meeting": KGO.Meeting, "forum": KGO.Forum, "seminar": KGO.Seminar,
}
PLACE_CLASSES = {"city": KGO.City, "municipality": KGO.Municipality, "county": KGO.County, "venue": KGO.Venue}

Triple = tuple[str, str, str]  # subject, predicate and object as N-Triples terms (kg.rdfterms)


class ArticleGraph:
    """The triples one article states, and the annotation line behind each node.

    The triples are kept as N-Triples terms (:meth:`triples`, in the order they were built, each once):
    a build turns them into text for pyoxigraph without making a Python object per term. :attr:`graph`
    gives them as an rdflib graph, made when first asked for; from then on that graph is the article's
    content (a test may change it, or put another graph in its place).
    """

    def __init__(self, annotation: Annotation, graph_iri: URIRef, article_iri: URIRef,
                 triples: dict[Triple, None] | None = None, node_lines: dict[URIRef, int] | None = None):
        self.annotation = annotation
        self.graph_iri = graph_iri
        self.article_iri = article_iri
        self._triples: dict[Triple, None] = {} if triples is None else triples
        self._graph: Graph | None = None
        self.node_lines: dict[URIRef, int] = {} if node_lines is None else node_lines

    def add(self, s: str, p: str, o: str) -> None:
        """Add a triple of N-Triples terms."""
        if self._graph is not None:
            self._graph.parse(data=f"{s} {p} {o} .\n", format="nt")
        else:
            self._triples[s, p, o] = None

    def triples(self) -> Iterator[Triple]:
        """The triples, as N-Triples terms."""
        if self._graph is None:
            return iter(self._triples)
        return ((nt_term(s), nt_term(p), nt_term(o)) for s, p, o in self._graph)

    def nquads(self) -> list[str]:
        """The triples as N-Quads lines in the article's own named graph."""
        return nt_quads(self.triples(), f"<{self.graph_iri}>")

    def __len__(self) -> int:
        return len(self._triples) if self._graph is None else len(self._graph)

    @property
    def graph(self) -> Graph:
        """The triples as an rdflib graph (made once, then the article's content)."""
        if self._graph is None:
            graph = Graph()
            graph.parse(data="".join(f"{s} {p} {o} .\n" for s, p, o in self._triples), format="nt")
            self._graph, self._triples = graph, {}
        return self._graph

    @graph.setter
    def graph(self, graph: Graph) -> None:
        self._graph, self._triples = graph, {}


def graph_iri_for(article_key: str, base: str | None = None) -> URIRef:
    return mint("graph", "article", article_key, base=base)


class _Builder:
    """Holds what every pass needs: the graph, the IRI resolver and the line map."""

    def __init__(self, annotation: Annotation, reference: Reference, base: str):
        self.annotation = annotation
        self.reference = reference
        self.base = base
        self.triples: dict[Triple, None] = {}  # insertion-ordered, each triple once (as in a graph)
        self.node_lines: dict[URIRef, int] = {}
        self.places = {p["key"] for p in annotation.section("places")}
        self.people = {p["key"] for p in annotation.section("people")}
        self.article = mint("article", annotation.key, base=base)
        self.active_roles = reference.narrower_or_self("event-role", ACTIVE_ROLE)

    # -- helpers -------------------------------------------------------------------------
    def add(self, s: URIRef, p: URIRef, o: URIRef) -> None:
        """Add a triple whose object is an IRI."""
        self.triples[f"<{s}>", f"<{p}>", f"<{o}>"] = None

    def add_literal(self, s: URIRef, p: URIRef, literal: str) -> None:
        """Add a triple whose object is a literal (an N-Triples term: :func:`kg.rdfterms.nt_literal`)."""
        self.triples[f"<{s}>", f"<{p}>", literal] = None

    def node(self, iri: URIRef, *path: Any) -> URIRef:
        """Remember the annotation line that produced *iri* (the first one wins)."""
        line = self.annotation.line_of(*path)
        if line is not None:
            self.node_lines.setdefault(iri, line)
        return iri

    def text(self, s: URIRef, p: URIRef, value: str | None, lang: str | None = "pl") -> None:
        if value:
            self.add_literal(s, p, nt_literal(value, language=lang))

    def evidence(self, s: URIRef, item: dict) -> None:
        self.text(s, KGO.evidence, item.get("evidence"))
        if item.get("note"):
            self.add_literal(s, KGO.note, nt_literal(item["note"]))

    def place(self, key: str) -> URIRef:
        if key in self.places:
            return mint("place", key, base=self.base)
        return self.reference.iri("place", key)

    def ref(self, namespace: str, key: str) -> URIRef:
        """IRI of a key declared in this file (people, organisations, …) or in reference data."""
        if namespace in ("person", "organisation", "event", "project"):
            return mint(namespace, key, base=self.base)
        if namespace == "place":
            return self.place(key)
        return self.reference.iri(namespace, key)

    def agent(self, key: str) -> URIRef:
        return self.ref("person" if key in self.people else "organisation", key)

    def located(self, s: URIRef, item: dict) -> None:
        if item.get("city"):
            self.add(s, KGO.inCity, self.place(item["city"]))
        if item.get("county"):
            self.add(s, KGO.inCounty, self.place(item["county"]))
        if item.get("voivodeship"):
            self.add(s, KGO.inVoivodeship, self.ref("voivodeship", item["voivodeship"]))

    def date(self, value: str) -> str:
        return nt_literal(dt.date.fromisoformat(value).isoformat(), datatype=XSD.date)

    # -- passes --------------------------------------------------------------------------
    def article_pass(self) -> None:
        art = self.annotation.data["article"]
        a = self.node(self.article, "article")
        self.add(a, RDF.type, KGO.Article)
        self.add_literal(a, DCTERMS.identifier, nt_literal(art["source_id"]))
        self.text(a, DCTERMS.title, art["title"])
        self.text(a, RDFS.label, art["title"])
        self.add(a, DCTERMS.publisher, self.ref("organisation", art["publisher"]))
        if "published" in art:
            self.add_literal(a, DCTERMS.issued, self.date(art["published"]))
        if "published_not_before" in art:
            self.add_literal(a, KGO.issuedNotBefore, self.date(art["published_not_before"]))
        if art.get("url"):
            self.add(a, SCHEMA.url, URIRef(art["url"]))
        if art.get("author"):
            self.add(a, DCTERMS.creator, self.ref("person", art["author"]))
        self.add_literal(a, DCTERMS.language, nt_literal(art.get("language", "pl")))
        if "announcement" in art:
            self.add_literal(a, KGO.isAnnouncement, nt_literal("true" if art["announcement"] else "false",
                                                                 datatype=XSD.boolean))
        self.evidence(a, art)

    def places_pass(self) -> None:
        for i, item in enumerate(self.annotation.section("places")):
            p = self.node(mint("place", item["key"], base=self.base), "places", i)
            self.add(p, RDF.type, PLACE_CLASSES[item["kind"]])
            self.text(p, SCHEMA.name, item["name"])
            self.text(p, RDFS.label, item["name"])
            self.text(p, RDFS.label, item.get("name_en"), "en")
            self.located(p, item)
            self.text(p, SCHEMA.address, item.get("address"), None)
            if item.get("wikidata"):
                self.add(p, SKOS.exactMatch, WD[item["wikidata"]])
            self.evidence(p, item)

    def organisations_pass(self) -> None:
        for i, item in enumerate(self.annotation.section("organisations")):
            o = self.node(mint("organisation", item["key"], base=self.base), "organisations", i)
            self.add(o, RDF.type, KGO.Organisation)
            self.add(o, KGO.institutionType, self.ref("institution-type", item["type"]))
            self.text(o, SCHEMA.name, item["name"])
            self.text(o, RDFS.label, item["name"])
            self.text(o, RDFS.label, item.get("name_en"), "en")
            self.text(o, SKOS.altLabel, item.get("acronym"))
            self.located(o, item)
            if item.get("part_of"):
                self.add(o, KGO.partOf, self.ref("organisation", item["part_of"]))
            self.text(o, SCHEMA.address, item.get("address"), None)
            for scheme, value in (item.get("identifiers") or {}).items():
                self.add_literal(o, KGO[scheme], nt_literal(value))
            if item.get("wikidata"):
                self.add(o, SKOS.exactMatch, WD[item["wikidata"]])
            self.evidence(o, item)

    def people_pass(self) -> None:
        for i, item in enumerate(self.annotation.section("people")):
            p = self.node(mint("person", item["key"], base=self.base), "people", i)
            self.add(p, RDF.type, KGO.Person)
            # Names are not translated, so they carry no language tag.
            self.text(p, SCHEMA.name, item["name"], None)
            self.text(p, RDFS.label, item["name"], None)
            self.text(p, SCHEMA.givenName, item["given_name"], None)
            self.text(p, SCHEMA.familyName, item["family_name"], None)
            self.text(p, SCHEMA.honorificPrefix, item.get("honorific"))
            if item.get("gender"):
                self.add(p, SCHEMA.gender, SCHEMA.Female if item["gender"] == "female" else SCHEMA.Male)
            self.evidence(p, item)

    def default_statement_date(self) -> str | None:
        events = [e for e in self.annotation.section("events") if "part_of" not in e]
        art = self.annotation.data["article"]
        date = events[0]["start"] if events else art.get("published") or art.get("published_not_before")
        return self.date(date) if date else None

    def posts_pass(self) -> None:
        default_date = self.default_statement_date()
        for i, item in enumerate(self.annotation.section("posts")):
            h = self.node(mint("post-holding", self.annotation.key, item["person"], item["role"], item["organisation"],
                               base=self.base), "posts", i)
            self.add(h, RDF.type, KGO.PostHolding)
            self.add(h, ORG.member, self.ref("person", item["person"]))
            self.add(h, ORG.organization, self.ref("organisation", item["organisation"]))
            self.add(h, ORG.role, self.ref("post-role", item["role"]))
            self.text(h, KGO.postTitle, item.get("title"))
            stated_on = self.date(item["stated_on"]) if item.get("stated_on") else default_date
            if stated_on is not None:
                self.add_literal(h, KGO.statedOn, stated_on)
            self.add(h, PROV.wasDerivedFrom, self.article)
            self.evidence(h, item)

    def events_pass(self) -> None:
        events = {e["key"]: e for e in self.annotation.section("events")}
        for i, item in enumerate(self.annotation.section("events")):
            e = self.node(mint("event", item["key"], base=self.base), "events", i)
            self.add(e, RDF.type, EVENT_CLASSES[item["type"]])
            self.text(e, SCHEMA.name, item["title"])
            self.text(e, RDFS.label, item["title"])
            self.add_literal(e, SCHEMA.startDate, self.date(item["start"]))
            if item.get("end"):
                self.add_literal(e, SCHEMA.endDate, self.date(item["end"]))
            if item.get("venue"):
                self.add(e, KGO.venue, self.place(item["venue"]))
            # A sub-event without its own place and organisers takes its parent's (format rule).
            inherited = _with_parent_defaults(item, events)
            self.located(e, inherited)
            if item.get("part_of"):
                self.add(e, KGO.partOfEvent, self.ref("event", item["part_of"]))
            for key in inherited.get("organisers") or []:
                self.add(e, KGO.organiser, self.ref("organisation", key))
            for key in item.get("co_organisers") or []:
                self.add(e, KGO.coOrganiser, self.ref("organisation", key))
            for key in item.get("patrons") or []:
                self.add(e, KGO.patron, self.agent(key))
            self.listed(e, KGO.topic, "topic", item.get("topics"))
            self.listed(e, KGO.withinProject, "project", item.get("projects"))
            self.listed(e, KGO.refersToProgramme, "programme", item.get("programmes"))
            if item.get("audience_region"):
                self.add(e, KGO.audienceFrom, self.ref("voivodeship", item["audience_region"]))
            attendance = item.get("attendance")
            if attendance:
                self.add_literal(e, KGO.participantCount,
                                 nt_literal(str(attendance["count"]), datatype=XSD.positiveInteger))
                self.add(e, KGO.participantCountQualifier, self.ref("attendance-qualifier", attendance["qualifier"]))
                self.text(e, KGO.audienceDescription, attendance.get("description"))
                self.text(e, KGO.evidence, attendance.get("evidence"))
            self.evidence(e, item)

    def listed(self, s: URIRef, p: URIRef, namespace: str, keys: list[str] | None) -> None:
        for key in keys or []:
            self.add(s, p, self.ref(namespace, key))

    def participations_pass(self) -> None:
        for i, item in enumerate(self.annotation.section("participations")):
            agent_key = item.get("person") or item["organisation"]
            agent = self.ref("person" if "person" in item else "organisation", agent_key)
            node = self.node(mint("participation", item["event"], agent_key, item["role"], base=self.base),
                             "participations", i)
            self.add(node, RDF.type, KGO.Participation)
            event, role = self.ref("event", item["event"]), self.ref("event-role", item["role"])
            self.add(node, KGO.inEvent, event)
            self.add(node, CV.hasParticipant, agent)
            self.add(node, CV.role, role)
            if role in self.active_roles:
                # the unqualified shortcut beside the qualified participation (as PROV-O pairs them): the
                # cross-regional questions join it instead of three triples per participation
                self.add(agent, KGO.tookActiveRoleIn, event)
            if item.get("affiliation"):
                self.add(node, KGO.affiliation, self.ref("organisation", item["affiliation"]))
            self.text(node, KGO.subject, item.get("subject"))
            self.listed(node, KGO.topic, "topic", item.get("topics"))
            self.listed(node, KGO.refersToProgramme, "programme", item.get("programmes"))
            self.add(node, PROV.wasDerivedFrom, self.article)
            self.evidence(node, item)

    def projects_pass(self) -> None:
        for i, item in enumerate(self.annotation.section("projects")):
            p = self.node(mint("project", item["key"], base=self.base), "projects", i)
            self.add(p, RDF.type, KGO.Project)
            self.text(p, DCTERMS.title, item["title"])
            self.text(p, RDFS.label, item["title"])
            if item.get("kind"):
                self.add(p, KGO.projectKind, self.ref("project-kind", item["kind"]))
            if item.get("leader"):
                self.add(p, KGO.leader, self.ref("organisation", item["leader"]))
            self.listed(p, KGO.partner, "organisation", item.get("partners"))
            if item.get("programme"):
                self.add(p, KGO.fundedUnder, self.ref("programme", item["programme"]))
            if item.get("measure"):
                self.add(p, KGO.fundedUnderMeasure, self.ref("measure", item["measure"]))
            self.listed(p, KGO.cofinancedBy, "fund", item.get("funds"))
            for field_name, prop in (("start_year", KGO.startYear), ("end_year", KGO.endYear)):
                if item.get(field_name):
                    self.add_literal(p, prop, nt_literal(f"{item[field_name]:04d}", datatype=XSD.gYear))
            self.listed(p, KGO.topic, "topic", item.get("topics"))
            self.evidence(p, item)

    def figures_pass(self) -> None:
        declared = {ns: {i["key"] for i in self.annotation.section(sec)}
                    for sec, ns in (("events", "event"), ("projects", "project"), ("organisations", "organisation"))}
        for i, item in enumerate(self.annotation.section("figures")):
            f = self.node(mint("figure", self.annotation.key, str(i + 1), base=self.base), "figures", i)
            about_ns = next(ns for ns, keys in declared.items() if item["about"] in keys)
            self.add(f, RDF.type, KGO.Figure)
            self.add(f, KGO.about, self.ref(about_ns, item["about"]))
            self.add_literal(f, RDF.value, nt_literal(str(item["value"]), datatype=XSD.nonNegativeInteger))
            self.text(f, KGO.description, item["description"])
            self.add(f, PROV.wasDerivedFrom, self.article)
            self.evidence(f, item)

    PASSES: tuple[Callable[["_Builder"], None], ...] = (
        article_pass, places_pass, organisations_pass, people_pass, posts_pass,
        events_pass, participations_pass, projects_pass, figures_pass,
    )


def _with_parent_defaults(event: dict, events: dict[str, dict]) -> dict:
    merged = dict(event)
    parent = events.get(event.get("part_of", ""))
    seen = {event.get("key")}  # annotations refuse part_of cycles; never loop forever on one anyway
    while parent is not None and parent.get("key") not in seen:
        seen.add(parent.get("key"))
        for key in ("city", "county", "voivodeship", "organisers"):
            merged.setdefault(key, parent.get(key))
        parent = events.get(parent.get("part_of", ""))
    return merged


def build_article(annotation: Annotation, reference: Reference, *, base: str | None = None) -> ArticleGraph:
    """Build the graph of one checked annotation (without provenance; see :mod:`kg.provenance`)."""
    base = base or base_iri()
    builder = _Builder(annotation, reference, base)
    for build_pass in _Builder.PASSES:
        build_pass(builder)
    return ArticleGraph(annotation, graph_iri_for(annotation.key, base), builder.article, builder.triples,
                        builder.node_lines)
