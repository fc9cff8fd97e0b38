"""Make (or bring up to date) this repository's Weblate project from project.toml.

Run against any Weblate 5.x with an API token of a user who may create projects
(TRANSLATING.md, "Weblate"); only Python's standard library is needed:

    WEBLATE_TOKEN=wlu_... python3 deploy/weblate/configure.py --url https://weblate.example \
        --repo https://git.example/patient-info.git --branch main

It creates the project and the interface component, installs the component discovery
add-on that adds one component per article catalog, waits until Weblate has every
component and language this checkout has, sets enforced_checks on every component
(discovery does not copy them: run it again after adding an article), and prints the
components with their languages. Running it again changes only what differs from
project.toml. `--plan` prints what Weblate should find, from this checkout alone.
"""

import argparse
import json
import os
import re
import sys
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

CONFIGURATION = Path(__file__).with_name("project.toml")
REPOSITORY = Path(__file__).resolve().parents[2]
DISCOVERY = "weblate.discovery.discovery"
SOURCE_LANGUAGE = "en"


def plan(config: dict, repository: Path = REPOSITORY) -> dict[str, list[str]]:
    """What Weblate should find in this checkout: each component's slug and its
    languages' codes (the template's English included), from the interface's file mask
    and the discovery add-on's pattern, as Weblate reads them."""
    interface, discovery = config["interface"], config["discovery"]
    components: dict[str, set[str]] = {}
    mask = re.compile(re.escape(interface["filemask"]).replace(r"\*", "(?P<language>[^/]*)"))
    pattern = re.compile(discovery["match"])
    for path in sorted(repository.glob("translations/**/*.po")):
        name = path.relative_to(repository).as_posix()
        if found := mask.fullmatch(name):
            slug = interface["slug"]
        elif found := pattern.fullmatch(name):
            slug = discovery["name_template"].replace("{{ component }}", found["component"])
        else:
            continue
        components.setdefault(slug, {SOURCE_LANGUAGE}).add(found["language"])
    return {slug: sorted(codes) for slug, codes in components.items()}


class Weblate:
    """Weblate's REST API, as JSON, with a token."""

    def __init__(self, url: str, token: str):
        self.api = url.rstrip("/") + "/api/"
        self.token = token

    def call(self, method: str, path: str, data: dict | None = None) -> Any:
        url = path if path.startswith(("http://", "https://")) else self.api + path
        request = urllib.request.Request(  # noqa: S310 (the operator's Weblate URL)
            url,
            data=None if data is None else json.dumps(data).encode(),
            method=method,
            headers={"Authorization": f"Token {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:2000]
            raise SystemExit(f"{method} {url}: HTTP {error.code}: {detail}") from None
        return json.loads(body) if body else None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def exists(self, path: str) -> bool:
        try:
            self.get(path)
        except SystemExit as error:
            if "HTTP 404" in str(error):
                return False
            raise
        return True

    def every(self, path: str) -> list[dict]:
        """Every result of a paginated list."""
        results, page = [], self.get(path)
        while True:
            results += page["results"]
            if not page["next"]:
                return results
            page = self.get(page["next"])


def found(weblate: Weblate, project: str) -> dict[str, list[str]]:
    """Each component of the project (the glossary aside) and its languages' codes."""
    return {
        component["slug"]: sorted(
            translation["language_code"]
            for translation in weblate.every(
                f"components/{project}/{component['slug']}/translations/"
            )
        )
        for component in weblate.every(f"projects/{project}/components/")
        if not component["is_glossary"]
    }


def wait_for_discovery(
    weblate: Weblate, project: str, expected: dict[str, list[str]], seconds: float
) -> dict[str, list[str]]:
    """Poll until Weblate has every expected component with its languages (its
    background tasks make them); fail, saying what is missing, after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        components = found(weblate, project)
        missing = {
            slug: sorted(set(codes) - set(components.get(slug, [])))
            for slug, codes in expected.items()
            if not set(codes) <= set(components.get(slug, []))
        }
        if not missing:
            return components
        if time.monotonic() > deadline:
            raise SystemExit(f"after {seconds:g} s Weblate still lacks: {missing}")
        time.sleep(2)


def configure(weblate: Weblate, config: dict, repository: dict[str, str]) -> None:
    """The project, the interface component (on `repository`: repo, branch, push,
    push_branch) and its discovery add-on, created or brought up to date."""
    project, interface = config["project"], config["interface"]
    slug = project["slug"]
    if not weblate.exists(f"projects/{slug}/"):
        weblate.call("POST", "projects/", project)
    settings = {key: value for key, value in interface.items() if key != "source_language"}
    settings |= {"vcs": "git", **repository}
    main = f"components/{slug}/{interface['slug']}/"
    if weblate.exists(main):
        weblate.call("PATCH", main, settings)
    else:
        language = {"source_language": {"code": interface["source_language"]}}
        weblate.call("POST", f"projects/{slug}/components/", settings | language)
    installed = [
        addon
        for addon in weblate.every("addons/")
        if addon["name"] == DISCOVERY and (addon["component"] or "").endswith(main)
    ]
    if installed:
        weblate.call("PATCH", installed[0]["url"], {"configuration": config["discovery"]})
    else:  # Weblate runs the discovery as soon as the add-on is installed
        addon = {"name": DISCOVERY, "configuration": config["discovery"]}
        weblate.call("POST", main + "addons/", addon)


def enforce_checks(weblate: Weblate, config: dict) -> None:
    """The interface's enforced_checks on every component (discovery copies the other
    settings, not these)."""
    slug, checks = config["project"]["slug"], config["interface"]["enforced_checks"]
    for component in weblate.every(f"projects/{slug}/components/"):
        if not component["is_glossary"] and component["enforced_checks"] != checks:
            path = f"components/{slug}/{component['slug']}/"
            weblate.call("PATCH", path, {"enforced_checks": checks})


def main(arguments: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="Weblate's address")
    parser.add_argument("--repo", help="the repository Weblate clones")
    parser.add_argument("--branch", default="main", help="the branch it translates")
    parser.add_argument("--push", default="", help="where it pushes (default: --repo)")
    parser.add_argument(
        "--push-branch", default="", help="the branch it pushes to (default: --branch)"
    )
    parser.add_argument(
        "--wait", type=float, default=600, help="seconds to wait for discovery (600)"
    )
    parser.add_argument(
        "--plan", action="store_true", help="print what Weblate should find, and stop"
    )
    options = parser.parse_args(arguments)
    config = tomllib.loads(CONFIGURATION.read_text(encoding="utf-8"))
    expected = plan(config)
    if not options.plan:
        token = os.environ.get("WEBLATE_TOKEN")
        if not (token and options.url and options.repo):
            parser.error("--url, --repo and WEBLATE_TOKEN (an API token) are needed")
        weblate = Weblate(options.url, token)
        repository = {
            "repo": options.repo,
            "branch": options.branch,
            "push": options.push or options.repo,
            "push_branch": options.push_branch,
        }
        configure(weblate, config, repository)
        expected = wait_for_discovery(weblate, config["project"]["slug"], expected, options.wait)
        enforce_checks(weblate, config)
    for component, codes in expected.items():
        print(f"{component}: {' '.join(codes)}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
