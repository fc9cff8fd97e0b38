"""deploy/kubernetes/, checked offline: valid objects for every Kubernetes version
kubernetes-validate ships schemas for, and consistent with gunicorn.conf.py, the
Dockerfile and the README."""

import re
import runpy

import pytest
import yaml
from kubernetes_validate.utils import ValidationError, all_versions, validate

from service.config import REPOSITORY_DIR
from service.gunicorn_worker import HeadReadingThreadWorker

KUBERNETES_DIR = REPOSITORY_DIR / "deploy" / "kubernetes"
RESOURCES = [
    resource
    for manifest in sorted(KUBERNETES_DIR.glob("*.yaml"))
    for resource in yaml.safe_load_all(manifest.read_text(encoding="utf-8"))
]
BY_KIND = {resource["kind"]: resource for resource in RESOURCES}
POD = BY_KIND["Deployment"]["spec"]["template"]
(CONTAINER,) = POD["spec"]["containers"]
ENVIRONMENT = BY_KIND["ConfigMap"]["data"]


def test_the_manifests_are_one_of_each_object():
    assert sorted(resource["kind"] for resource in RESOURCES) == [
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Service",
    ]


@pytest.mark.parametrize("version", dict.fromkeys(all_versions()))
def test_every_manifest_validates_strictly(version):
    for resource in RESOURCES:
        validate(resource, version, strict=True)  # strict: an unknown field is an error


def test_strict_validation_catches_a_misspelt_field():
    misspelt = {**BY_KIND["PodDisruptionBudget"]}
    misspelt["spec"] = {**misspelt["spec"], "maxUnavailible": 1}
    with pytest.raises(ValidationError, match="maxUnavailible"):
        validate(misspelt, all_versions()[-1], strict=True)


@pytest.fixture
def gunicorn_settings(monkeypatch):
    """gunicorn.conf.py's settings as the pods get them, from the ConfigMap's environment."""
    for name, value in ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(REPOSITORY_DIR / "gunicorn.conf.py"))


def test_probes_reach_the_health_endpoints_on_gunicorns_port(gunicorn_settings):
    ports = {port["name"]: port["containerPort"] for port in CONTAINER["ports"]}
    assert gunicorn_settings["bind"] == f"0.0.0.0:{ports['http']}"
    probes = {
        kind: (CONTAINER[kind]["httpGet"]["path"], CONTAINER[kind]["httpGet"]["port"])
        for kind in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert probes == {
        "startupProbe": ("/healthz", "http"),
        "livenessProbe": ("/healthz", "http"),
        "readinessProbe": ("/readyz", "http"),
    }


def test_pods_run_the_images_slow_client_safe_gunicorn(gunicorn_settings):
    """No command or args: the pod runs the image's entrypoint (gunicorn.conf.py, as
    tests/test_dockerfile.py checks), and the ConfigMap leaves its worker class alone."""
    assert "command" not in CONTAINER
    assert "args" not in CONTAINER
    assert "GUNICORN_CMD_ARGS" not in ENVIRONMENT
    worker = HeadReadingThreadWorker
    assert gunicorn_settings["worker_class"] == f"{worker.__module__}.{worker.__qualname__}"


def test_grace_period_outlasts_the_pre_stop_pause_and_gunicorns_graceful_timeout(
    gunicorn_settings,
):
    command = CONTAINER["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep"
    needed = int(command[1]) + gunicorn_settings["graceful_timeout"]
    margin = POD["spec"]["terminationGracePeriodSeconds"] - needed
    assert 0 < margin <= 10, (needed, margin)


def test_pods_run_as_the_images_non_root_user_on_a_read_only_filesystem():
    dockerfile_user = re.search(r"^USER (\d+)$", (REPOSITORY_DIR / "Dockerfile").read_text(), re.M)
    assert dockerfile_user
    pod_security = POD["spec"]["securityContext"]
    assert pod_security["runAsNonRoot"] is True
    assert pod_security["runAsUser"] == int(dockerfile_user[1])
    container_security = CONTAINER["securityContext"]
    assert container_security["readOnlyRootFilesystem"] is True
    assert container_security["allowPrivilegeEscalation"] is False
    assert container_security["capabilities"]["drop"] == ["ALL"]
    mounts = {mount["mountPath"]: mount["name"] for mount in CONTAINER["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in POD["spec"]["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]  # noqa: S108 (the pod's only writable path)


def test_the_image_is_pinned_by_digest():
    assert re.fullmatch(r"[^@\s]+@sha256:[0-9a-f]{64}", CONTAINER["image"])


def test_the_config_map_sets_every_documented_variable_and_the_pods_read_it():
    readme = (REPOSITORY_DIR / "README.md").read_text(encoding="utf-8")
    configuration = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([A-Z_]+)` \|", configuration, re.M)
    assert set(ENVIRONMENT) == set(documented)
    assert CONTAINER["envFrom"] == [
        {"configMapRef": {"name": BY_KIND["ConfigMap"]["metadata"]["name"]}}
    ]


def test_service_budget_and_autoscaler_point_at_the_deployment():
    deployment = BY_KIND["Deployment"]
    pod_labels = POD["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert BY_KIND["Service"]["spec"]["selector"].items() <= pod_labels.items()
    assert BY_KIND["Service"]["spec"]["ports"][0]["targetPort"] == "http"
    budget = BY_KIND["PodDisruptionBudget"]["spec"]
    assert budget["selector"]["matchLabels"].items() <= pod_labels.items()
    autoscaler = BY_KIND["HorizontalPodAutoscaler"]["spec"]
    assert autoscaler["scaleTargetRef"] == {
        "apiVersion": deployment["apiVersion"],
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    # The autoscaler owns the replica count, and always keeps more than the budget may take.
    assert "replicas" not in deployment["spec"]
    assert autoscaler["minReplicas"] > budget["maxUnavailable"]
