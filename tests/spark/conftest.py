"""The Spark session of the Spark tests (test_spark*.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session", params=["classic", "connect"])
def spark(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Every Spark test runs on a classic session, then on Spark Connect (as on Databricks
    serverless and shared clusters): a local Connect server with its client in this process.

    Session scope: pytest runs all the tests of one session before starting the other, and
    only one can exist in a process at a time.
    """
    sql = pytest.importorskip("pyspark.sql", reason="pyspark is installed by scripts/test")
    builder = sql.SparkSession.builder
    if request.param == "connect":
        pytest.importorskip("grpc", reason="Spark Connect's client: pip install 'pyspark[connect]'")
        builder = builder.remote("local[2]")
    else:  # a Connect client cannot set this static option
        builder = builder.master("local[2]").config("spark.ui.enabled", "false")
    session = (
        builder.appName("pollutrack-tests")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    yield session
    session.stop()
