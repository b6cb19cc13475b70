"""Run Apache Jena 4.5 from Debian's libapache-jena-java as a second opinion.

Debian ships only jars (no riot/arq scripts), and their shaded Xerces resources sit under the
wrong package path; this follows the working recipe in shared/reference/sparql-engines.md:
copy the resources to where the classes look for them and build an explicit classpath.
"""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

JARS = Path("/usr/share/java")
JENA_JARS = ["jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-dboe-base", "jena-dboe-index",
             "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction", "jena-iri",
             "jena-rdfconnection", "jena-shacl", "jena-shex", "jena-tdb", "jena-tdb2"]
OTHER_JARS = ["commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
              "dexx.collection", "gson", "guava", "httpclient", "httpclient-cache", "httpcore", "jackson-core", "jackson-databind",
              "jackson-annotations", "jsonld-java", "jakarta.json-api", "protobuf", "slf4j-api", "slf4j-simple",
              "thrift", "titanium-json-ld"]


def _jar(name: str) -> Path | None:
    exact = JARS / f"{name}.jar"
    if exact.exists():
        return exact
    matches = sorted(JARS.glob(f"{name}*.jar"))
    return matches[0] if matches else None


def available() -> bool:
    return shutil.which("java") is not None and _jar("jena-arq") is not None


@lru_cache(maxsize=1)
def classpath(workdir: str) -> str:
    fix = Path(workdir) / "jena-fix"
    if not (fix / "xerces").exists():
        with zipfile.ZipFile(_jar("jena-core")) as jar:
            for member in jar.namelist():
                if member.startswith("org/apache/jena/ext/xerces/impl/") and not member.endswith("/"):
                    target = fix / "xerces" / member[len("org/apache/jena/ext/xerces/"):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(jar.read(member))
    jars = [str(fix)] + [str(j) for j in map(_jar, JENA_JARS + OTHER_JARS) if j]
    return ":".join(jars)


def run(main_class: str, *args: str, workdir: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    cmd = ["java", "-Xmx1g", "-cp", classpath(str(workdir)), main_class, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
