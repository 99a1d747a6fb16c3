"""Answers the fuzzer found contradicting the OpenAPI schema, pinned (make fuzz checks them all)."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator


def test_committing_a_scenario_is_documented_as_the_plain_list_it_answers():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    answer = schema["paths"]["/api/portfolio/scenarios/{id}/commit/"]["post"]["responses"]["200"]
    body = answer["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert body["items"] == {"$ref": "#/components/schemas/FundingDecision"}
