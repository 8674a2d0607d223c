"""The specification as data: the JSON Schemas derived from the API reference, java.util.regex
semantics for their patterns, the comparison with botocore's model and the OpenAPI export."""
