"""API for procurement: one router mounting planning, bidding and OCDS operations."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
from ninja import Router

from interlocal.procurement.api.bidding import router as bidding_router
from interlocal.procurement.api.ocds import router as ocds_router
from interlocal.procurement.api.planning import router as planning_router
from interlocal.procurement.api.vendor_area import router as vendor_area_router

__all__ = ["router"]

router = Router()
router.add_router("", planning_router)
router.add_router("", bidding_router)
router.add_router("", ocds_router)
router.add_router("", vendor_area_router)
