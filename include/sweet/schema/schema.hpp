#pragma once
/// @file schema.hpp
/// Struct schemas, declared once per C++ struct and checked at compile time:
///   declare.hpp       `sweet_schema` / `sweet_enum` declarations: object, field, enumeration
///   constraints.hpp   min_length, ge, pattern, one_of, format_*, description, defaulted, ...
///   parse_json.hpp    JSON body -> struct, validating as it parses (400 / 422 outcomes)
///   parse_strings.hpp query / header / form strings -> struct
///   errors.hpp        FastAPI-shaped validation errors
///   serialize.hpp     struct -> JSON through json::Writer
///   json_schema.hpp   struct -> JSON Schema (OpenAPI 3.1) and the components table

#include "sweet/schema/constraints.hpp"
#include "sweet/schema/declare.hpp"
#include "sweet/schema/errors.hpp"
#include "sweet/schema/json_schema.hpp"
#include "sweet/schema/parse_json.hpp"
#include "sweet/schema/parse_strings.hpp"
#include "sweet/schema/serialize.hpp"
