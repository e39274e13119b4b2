"""Official-client fixtures for the sandbox tests (test_sandbox_api, test_sandbox_controller).

Tests named in the importing module's ``READ_ONLY`` set share one sandbox per module;
every other test gets a fresh one (the ``sandbox`` fixture of tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="module")
def shared_kubeconfig(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One sandbox for the read-only tests of a module (they must not change it)."""
    from k8sgpt_py.sandbox import Sandbox

    with Sandbox() as box:
        yield box.write_kubeconfig(tmp_path_factory.mktemp("shared") / "kubeconfig")


@pytest.fixture
def api_client(request: pytest.FixtureRequest) -> Any:
    """A kubernetes ApiClient on the module's shared sandbox or a fresh one."""
    from kubernetes import config

    if request.node.originalname in getattr(request.module, "READ_ONLY", ()):
        path = request.getfixturevalue("shared_kubeconfig")
    else:
        path = request.getfixturevalue("sandbox").kubeconfig
    client = config.new_client_from_config(config_file=str(path))
    yield client
    client.close()


@pytest.fixture
def core(api_client: Any) -> Any:
    """CoreV1Api on the test's sandbox."""
    from kubernetes import client

    return client.CoreV1Api(api_client)


@pytest.fixture
def apps(api_client: Any) -> Any:
    """AppsV1Api on the test's sandbox."""
    from kubernetes import client

    return client.AppsV1Api(api_client)
