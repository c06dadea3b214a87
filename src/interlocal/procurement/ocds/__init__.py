"""OCDS 1.1 publication: releases, compiled records and packages (no Django imports).

`build` turns a process (plain data) into releases, `merge` compiles records, `package` writes
packages (streaming), `schema` validates against the official schemas and codelists.
`interlocal.procurement.publication` reads processes from the database.
"""

from .build import (
    AmendmentIn,
    AwardIn,
    ContractIn,
    DocumentIn,
    ItemIn,
    OrgIn,
    PlanningIn,
    ProcessIn,
    TenderIn,
    build_releases,
    iso,
)
from .merge import compile_release, record
from .package import OCDS_VERSION, record_package, release_package, stream_release_package
from .schema import codelist, validation_errors

__all__ = [
    "OCDS_VERSION",
    "AmendmentIn",
    "AwardIn",
    "ContractIn",
    "DocumentIn",
    "ItemIn",
    "OrgIn",
    "PlanningIn",
    "ProcessIn",
    "TenderIn",
    "build_releases",
    "codelist",
    "compile_release",
    "iso",
    "record",
    "record_package",
    "release_package",
    "stream_release_package",
    "validation_errors",
]
