"""`kai anomalies` and explain's metric check find the demo's cartservice memory leak only."""

from __future__ import annotations


def test_anomalies_finds_the_injected_cartservice_leak_and_nothing_else(sandbox, kai):
    result = kai("-o", "json", "-n", "shop", "anomalies")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["kind"] == "Anomalies" and doc["source"] == "csv"
    assert {(a["workload"], a["metric"]) for a in doc["anomalies"]} == {
        ("cartservice", "memory_bytes")
    }
    (leak,) = doc["anomalies"]
    assert "3.0x" in leak["description"] and leak["score"] >= 0.9


def test_anomalies_for_one_workload_in_text_and_bad_duration(sandbox, kai):
    text = kai("anomalies", "checkoutservice", "--since", "12h")
    assert text.exit_code == 0 and "no anomalies" in text.stdout
    assert kai("anomalies", "--since", "soon").exit_code == 2
    unknown = kai("anomalies", "nosuchworkload")
    assert unknown.exit_code == 2 and "no metric history" in unknown.stderr


def test_explain_mentions_the_metric_anomaly(sandbox, kai):
    doc = kai("-o", "json", "explain", "cart").json()
    assert doc["anomalies"][0]["metric"] == "memory_bytes"
    assert "rose to 3.0x" in doc["explanation"]


def test_anomalies_without_metric_history_says_what_to_configure(tmp_path, kai, sandbox):
    # a context that is not a kai sandbox has no demo history
    import yaml

    config = yaml.safe_load(sandbox.kubeconfig.read_text())
    config["contexts"][0]["name"] = "prod"
    config["current-context"] = "prod"
    path = tmp_path / "prod-kubeconfig"
    path.write_text(yaml.safe_dump(config))
    result = kai("--kubeconfig", str(path), "anomalies")
    assert result.exit_code == 3 and "KAI_PROMETHEUS_URL" in result.stderr
