"""/swagger.json: the service's API as Swagger 2 (default) or OpenAPI 3."""

import os

ERROR = {"type": "object", "properties": {"message": {"type": "string"}}}


def document(runner, version):
    title = os.environ.get("SERVICE_NAME", "ML service")
    service_version = os.environ.get("SERVICE_VERSION", "1.0")
    input_schema = _schema(runner.input_schema) if runner.schema else {"type": "object", "example": {}}
    output_schema = _schema(runner.output_schema) if runner.schema else {"type": "object", "example": {}}
    if version in ("2", "2.0"):
        return {
            "swagger": "2.0",
            "info": {
                "title": title,
                "description": "API specification for the Benchtop local service %s" % title,
                "version": service_version,
            },
            "schemes": ["http"],
            "consumes": ["application/json"],
            "produces": ["application/json"],
            "paths": {
                "/": {
                    "get": {
                        "description": "Simple health check endpoint to ensure the service is up at any given point.",
                        "responses": {
                            "200": {
                                "description": "If service is up and running, this response will be returned with the content 'Healthy'",
                                "schema": {"type": "string"},
                                "examples": {"application/json": "Healthy"},
                            },
                            "default": {
                                "description": "The service failed to execute due to an error.",
                                "schema": {"$ref": "#/definitions/ErrorResponse"},
                            },
                        },
                        "operationId": "ServiceHealthCheck",
                    }
                },
                "/score": {
                    "post": {
                        "description": "Run web service's model and get the prediction output",
                        "operationId": "RunMLService",
                        "parameters": [
                            {
                                "name": "serviceInputPayload",
                                "in": "body",
                                "description": "The input payload for executing the real-time machine learning service.",
                                "schema": {"$ref": "#/definitions/ServiceInput"},
                            }
                        ],
                        "responses": {
                            "200": {
                                "description": "The service processed the input correctly and provided a result prediction, if applicable.",
                                "schema": {"$ref": "#/definitions/ServiceOutput"},
                            },
                            "default": {
                                "description": "The service failed to execute due to an error.",
                                "schema": {"$ref": "#/definitions/ErrorResponse"},
                            },
                        },
                    }
                },
            },
            "definitions": {"ServiceInput": input_schema, "ServiceOutput": output_schema, "ErrorResponse": ERROR},
        }
    if version in ("3", "3.0", "3.1"):
        return {
            "openapi": "3.1.0" if version == "3.1" else "3.0.1",
            "info": {"title": title, "version": service_version},
            "paths": {
                "/": {
                    "get": {
                        "operationId": "ServiceHealthCheck",
                        "responses": {
                            "200": {"description": "Healthy", "content": {"text/plain": {"schema": {"type": "string"}}}}
                        },
                    }
                },
                "/score": {
                    "post": {
                        "operationId": "RunMLService",
                        "requestBody": {
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServiceInput"}}}
                        },
                        "responses": {
                            "200": {
                                "description": "The prediction",
                                "content": {
                                    "application/json": {"schema": {"$ref": "#/components/schemas/ServiceOutput"}}
                                },
                            },
                            "default": {
                                "description": "An error",
                                "content": {
                                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}
                                },
                            },
                        },
                    }
                },
            },
            "components": {
                "schemas": {"ServiceInput": input_schema, "ServiceOutput": output_schema, "ErrorResponse": ERROR}
            },
        }
    return None


def _schema(schema):
    """inference-schema's parameter schemas ({name: {...}}) as one object schema."""
    if not schema:
        return {"type": "object", "example": {}}
    if isinstance(schema, dict) and "type" in schema:
        return schema
    return {
        "type": "object",
        "properties": dict(schema),
        "example": {k: v.get("example") for k, v in schema.items() if isinstance(v, dict) and "example" in v},
    }
