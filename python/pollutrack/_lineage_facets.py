"""The OpenLineage facets of a :class:`~pollutrack.lineage.Dataset`.

Schema, data source, statistics, column lineage and data-quality assertions, built from the
client's own facet classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from pollutrack._column_lineage import column_lineage

if TYPE_CHECKING:
    from pollutrack.lineage import Dataset


def _schema_fields(schema: pa.Schema | pa.StructType) -> list[Any]:
    from openlineage.client.facet_v2 import schema_dataset

    out = []
    for i, f in enumerate(schema, 1):
        nested = _schema_fields(f.type) if pa.types.is_struct(f.type) else []
        out.append(
            schema_dataset.SchemaDatasetFacetFields(
                name=f.name, type=str(f.type), ordinal_position=i, fields=nested
            )
        )
    return out


def _dataset_facets(ds: Dataset, producer: str) -> dict[str, Any]:
    from openlineage.client.facet_v2 import datasource_dataset, schema_dataset

    facets: dict[str, Any] = {}
    if ds.schema is not None:
        facets["schema"] = schema_dataset.SchemaDatasetFacet(
            fields=_schema_fields(ds.schema), producer=producer
        )
    if ds.namespace == "file":
        facets["dataSource"] = datasource_dataset.DatasourceDatasetFacet(
            name="file", uri=Path(ds.name).as_uri(), producer=producer
        )
    return facets


def _assertions(checks: Any, producer: str) -> Any:
    from openlineage.client.facet_v2 import data_quality_assertions_dataset as dq

    rows = checks.to_pylist() if hasattr(checks, "to_pylist") else list(checks)
    assertions = []
    for r in rows:
        column = r.get("column")
        single = column if column and "," not in column else None
        params: dict[str, Any] = {"failing_rows": r.get("failing_rows", 0)}
        if column and single is None:
            params["columns"] = column.split(",")
        if r.get("mostly") is not None:
            params["mostly"] = r["mostly"]
        assertions.append(
            dq.Assertion(
                assertion=r["rule"],
                success=bool(r["passed"]),
                column=single,
                severity=r.get("severity", "error"),
                description=r.get("detail"),
                actual=str(r.get("failing_rows", 0)),
                params=params,
            )
        )
    return dq.DataQualityAssertionsDatasetFacet(assertions=assertions, producer=producer)


def _column_lineage(ds: Dataset, inputs: Sequence[Dataset], producer: str) -> Any:
    from openlineage.client.facet_v2 import column_lineage_dataset as cl

    if ds.schema is None:
        return None
    with_schema = [i for i in inputs if i.schema is not None]
    if not with_schema:
        return None
    known = pa.unify_schemas([i.schema for i in with_schema], promote_options="permissive")
    fields: dict[str, Any] = {}
    for column, source in column_lineage(ds.schema, known).items():
        input_fields = [
            cl.InputField(
                namespace=i.namespace,
                name=i.name,
                field=c,
                transformations=[
                    cl.Transformation(
                        type="DIRECT", subtype=source.subtype, description=source.description
                    )
                ],
            )
            for c in source.columns
            for i in with_schema
            if i.schema is not None and c in i.schema.names
        ]
        if input_fields:
            fields[column] = cl.Fields(inputFields=input_fields)
    if not fields:
        return None
    return cl.ColumnLineageDatasetFacet(fields=fields, producer=producer)


def input_dataset(ds: Dataset, producer: str) -> Any:
    """An input with its statistics and, when checked, its assertions."""
    from openlineage.client.event_v2 import InputDataset
    from openlineage.client.facet_v2 import input_statistics_input_dataset as stats

    facets: dict[str, Any] = {}
    if (ds.rows, ds.bytes, ds.files) != (None, None, None):
        facets["inputStatistics"] = stats.InputStatisticsInputDatasetFacet(
            rowCount=ds.rows, size=ds.bytes, fileCount=ds.files, producer=producer
        )
    if ds.checks is not None:
        facets["dataQualityAssertions"] = _assertions(ds.checks, producer)
    return InputDataset(
        namespace=ds.namespace,
        name=ds.name,
        facets=_dataset_facets(ds, producer),
        inputFacets=facets,
    )


def output_dataset(ds: Dataset, inputs: Sequence[Dataset], producer: str) -> Any:
    """An output with its statistics, column lineage and, when checked, its assertions."""
    from openlineage.client.event_v2 import OutputDataset
    from openlineage.client.facet_v2 import output_statistics_output_dataset as stats

    facets = _dataset_facets(ds, producer)
    lineage = _column_lineage(ds, inputs, producer)
    if lineage is not None:
        facets["columnLineage"] = lineage
    out: dict[str, Any] = {}
    if (ds.rows, ds.bytes, ds.files, ds.rows_set_aside) != (None, None, None, None):
        statistics: Any = stats.OutputStatisticsOutputDatasetFacet(
            rowCount=ds.rows, size=ds.bytes, fileCount=ds.files, producer=producer
        )
        if ds.rows_set_aside is not None:
            # No standard field counts records a reader set aside; facets take extra properties.
            statistics = statistics.with_additional_properties(rowsSetAside=ds.rows_set_aside)
        out["outputStatistics"] = statistics
    if ds.checks is not None:
        out["dataQualityAssertions"] = _assertions(ds.checks, producer)
    return OutputDataset(namespace=ds.namespace, name=ds.name, facets=facets, outputFacets=out)
