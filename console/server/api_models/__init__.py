"""The HTTP API's response bodies as pydantic models, one module per feature.

They describe what the handlers send (the OpenAPI document's components are made from them by
``model_json_schema``); schemathesis checks in CI that the responses conform
(tests/server/test_schemathesis.py). Extra keys are allowed: a field added to a response is
not a break, a field removed or retyped is.
"""
